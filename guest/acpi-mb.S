/* acpi-mb.S: a multiboot kernel that finds ACPI as test kernels do: the RSDP by its signature on a 16-byte
   boundary in 0xE0000-0xFFFFF, the RSDT it names, the FADT among the RSDT's tables; then prints the FADT's PM
   timer port and whether the timer there counts. Exits 0 (status 1) when it found all and the timer counts. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    MB_START                    /* no interrupt source is set up: interrupts stay off */
    MB_FIND_RSDP no_rsdp
    PRINT "rsdp found"
    NEWLINE
    MB_FIND_FADT nofadt
    jmp fadt
no_rsdp:
    PRINT "no RSDP"
    NEWLINE
    EXIT 1
nofadt:
    PRINT "no FADT"
    NEWLINE
    EXIT 1
fadt:
    mov 76(%ebx), %eax          /* PM_TMR_BLK */
    SHOW "pmtmr"
    NEWLINE
    mov %eax, %edx
    in %dx, %eax
    mov %eax, %ebx
    mov $1000000, %ecx          /* a bound: the timer runs at 3.58 MHz, so a few reads see it move */
4:  in %dx, %eax
    cmp %eax, %ebx
    jne counts
    loop 4b
    PRINT "the PM timer is stuck"
    NEWLINE
    EXIT 1
counts:
    PRINT "the PM timer counts"
    NEWLINE
    EXIT 0

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
