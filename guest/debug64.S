/* debug64.S: flat 64-bit guest for the debugger, loaded raw at 1 MiB and entered in long mode: see debug.inc. */
    .include "io.inc"
    .include "debug.inc"

    .text
    .code64
    .set IOM, 64
    .set ORIGIN, 0
    .globl _start
_start:
    lea stack_top(%rip), %rsp
    call serial_init_64
    DEBUG_BODY
    IO_ROUTINES 64
    DEBUG_DATA
    .p2align 4
    .skip 4096                  /* the stack, in the image: a raw image has no .bss */
stack_top:
