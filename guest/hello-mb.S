/* hello-mb.S: multiboot v1 ELF32 kernel: prints the magic and the boot information it was given. */
    .include "io.inc"
    .set MB_FLAGS, 0x00000002   /* memory information wanted */

    .text                       /* the header first: it must lie in the file's first 8 KiB */
    .p2align 2
    .long 0x1badb002
    .long MB_FLAGS
    .long -(0x1badb002 + MB_FLAGS)

    .code32
    .set IOM, 32
    .set ORIGIN, 0
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
    mov (%ebp), %eax
    and $0x5, %eax              /* bits this VMM and QEMU both define: memory, cmdline */
    SHOW "flags&5"
    NEWLINE
    testl $1, (%ebp)
    jz 1f
    mov 4(%ebp), %eax
    SHOW "mem_lower"
    mov 8(%ebp), %eax
    SHOW "mem_upper"
    NEWLINE
1:  testl $4, (%ebp)
    jz 2f
    PRINT "cmdline: "
    mov 16(%ebp), %esi
    call puts_32
    NEWLINE
2:  cmp $0x2badb002, %edi
    jne 3f
    EXIT 0
3:  EXIT 1

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
