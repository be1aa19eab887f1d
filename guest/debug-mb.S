/* debug-mb.S: multiboot ELF32 guest for the debugger (protected mode, flat): see debug.inc. */
    .include "io.inc"
    .include "debug.inc"

    .text
    .p2align 2
    .long 0x1badb002, 0, -0x1badb002   /* multiboot header, no flags */

    .code32
    .set IOM, 32
    .set ORIGIN, 0
    .globl _start
_start:
    mov $stack_top, %esp
    call serial_init_32
    DEBUG_BODY
    IO_ROUTINES 32
    DEBUG_DATA

    .bss
    .p2align 4
    .skip 4096
stack_top:
