/* bp.S: real-mode guest with a breakpoint: nop, int3, then a checkpoint. */
    .code16
    .globl _start
_start:
    nop
    int3                        /* CC at 0x1001 */
    out %al, $0x50
    hlt
