/* debug.S: real-mode guest for host breakpoints, linear memory and FPU state (tests use its labels: guest_labels.h). */
    .code16
    .globl _start
_start:                         /* 0x1000 */
    mov $1, %ax                 /* 0x1000, 3 bytes */
    inc %ax                     /* 0x1003 */
store:                          /* the store a write breakpoint watches */
    movw %ax, 0x2000
after_store:
    inc %ax
load:
    movw 0x3000, %bx
control_word:                   /* the x87 control word the VMM set */
    fnstcw 0x2100
    hlt                         /* 0x1010 */
