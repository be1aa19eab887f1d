/* debug.S: real-mode guest for host breakpoints, linear memory and FPU state (addresses fixed: tests use them). */
    .code16
    .globl _start
_start:                         /* 0x1000 */
    mov $1, %ax                 /* 0x1000, 3 bytes */
    inc %ax                     /* 0x1003 */
    movw %ax, 0x2000            /* 0x1004, 3 bytes: the store a write breakpoint watches */
    inc %ax                     /* 0x1007 */
    movw 0x3000, %bx            /* 0x1008, 4 bytes */
    fnstcw 0x2100               /* 0x100c, 4 bytes: the x87 control word the VMM set */
    hlt                         /* 0x1010 */
