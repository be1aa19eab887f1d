/* bp.S: real-mode guest with a breakpoint: nop, int3, then a checkpoint. */
    .code16
    .globl _start
_start:
    nop
int3_at:
    int3                        /* CC */
    out %al, $0x50
    hlt
