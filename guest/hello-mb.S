/* hello-mb.S: multiboot v1 ELF32 kernel: prints the magic and the boot information it was given, where it lies
   and the memory map (all but the bootloader name, which names the VMM), for comparison with QEMU. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    mov %eax, %edi              /* magic */
    mov %ebx, %ebp              /* multiboot info */
    call serial_init_32
    PRINT "multiboot: "
    mov %edi, %eax
    SHOW "magic"
    mov %ebp, %eax
    SHOW "info"
    mov (%ebp), %eax
    SHOW "flags"
    NEWLINE
    testl $1, (%ebp)
    jz 1f
    mov 4(%ebp), %eax
    SHOW "mem_lower"
    mov 8(%ebp), %eax
    SHOW "mem_upper"
    mov 12(%ebp), %eax
    SHOW "boot_device"
    NEWLINE
1:  testl $4, (%ebp)
    jz 2f
    mov 16(%ebp), %eax
    SHOW "cmdline_addr"
    NEWLINE
    PRINT "cmdline: "
    mov 16(%ebp), %esi
    call puts_32
    NEWLINE
2:  mov 20(%ebp), %eax
    SHOW "mods_count"
    mov 44(%ebp), %eax
    SHOW "mmap_length"
    mov 48(%ebp), %eax
    SHOW "mmap_addr"
    NEWLINE
    testl $8, (%ebp)            /* the modules: where each lies, its first word, its string */
    jz 6f
    mov 24(%ebp), %esi
    mov 20(%ebp), %ebx
5:  test %ebx, %ebx
    jz 6f
    PRINT "module: "
    mov (%esi), %eax
    call hex_32
    PRINT "-"
    mov 4(%esi), %eax
    call hex_32
    mov (%esi), %eax
    mov (%eax), %eax
    SHOW " word"
    push %esi
    mov 8(%esi), %esi
    call puts_32
    pop %esi
    NEWLINE
    add $16, %esi
    dec %ebx
    jmp 5b
6:
    testl $0x40, (%ebp)         /* the memory map: each entry's size, base, length and type */
    jz 4f
    mov 48(%ebp), %esi
    mov %esi, %ebx
    add 44(%ebp), %ebx
3:  cmp %ebx, %esi
    jae 4f
    PRINT "mmap: "
    mov 8(%esi), %eax
    call hex_32
    mov 4(%esi), %eax
    call hex_32
    PRINT " +"
    mov 16(%esi), %eax
    call hex_32
    mov 12(%esi), %eax
    call hex_32
    mov 20(%esi), %eax
    SHOW " type"
    NEWLINE
    add (%esi), %esi
    add $4, %esi
    jmp 3b
4:  cmp $0x2badb002, %edi
    jne 5f
    EXIT 0
5:  EXIT 1

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
