/* smp-mb.S: a multiboot kernel that starts the other CPUs as a PC's firmware does (INIT, SIPI, SIPI to all but
   itself through the local APIC) and counts them: each application processor, in real mode at the SIPI's page,
   adds one to a counter and halts. The command line's last character (1-8) is the number of CPUs to wait for
   (bounded by the TSC); prints "cpus=N" and exits 0 (status 1) when all came, else with N (status 2N + 1). */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set COUNT, 0x7000
    .set WAIT_CYCLES_HI, 4       /* give up after 2^34 TSC cycles */
    MB_START
    MB_CMDLINE_LAST              /* CPUs expected: the command line's last character, a digit 1-8, else 1 */
    mov $1, %edi
    sub $'1', %eax
    cmp $8, %eax
    jae 2f
    lea 1(%eax), %edi
2:  mov %edi, %ebx               /* the multiboot information is read */
    movl $0, COUNT
    MB_START_APS
    rdtsc
    mov %edx, %ebp
    add $WAIT_CYCLES_HI, %ebp
3:  mov COUNT, %eax
    inc %eax
    cmp %ebx, %eax
    jae 4f
    pause
    rdtsc
    cmp %ebp, %edx
    jb 3b
4:  mov COUNT, %eax
    inc %eax
    push %eax
    SHOW "cpus"
    NEWLINE
    pop %eax
    cmp %ebx, %eax
    jne 5f
    EXIT 0
5:  out %eax, $0xf4              /* fewer than expected: exit with the count */
    cli
    hlt

    .code16
ap_start:                        /* at 0x0800:0000, DS based at 0 */
    lock incl %ds:COUNT
1:  cli
    hlt
    jmp 1b
ap_end:
    .code32

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
