/* inject.S: real-mode guest with IVT handlers for vectors 0x20 and 6; the test injects events. */
    .code16
    .globl _start
_start:
    xor %ax, %ax
    mov %ax, %ds
    movw $irq20, 0x20*4
    movw $0, 0x20*4+2
    movw $ud6, 6*4
    movw $0, 6*4+2
    sti
    out %al, $0x30              /* checkpoint: the test injects vector 0x20 here */
    out %al, $0x31              /* checkpoint: the test injects #UD here */
    out %al, $0x32
    hlt
irq20:
    mov $0x20, %al
    out %al, $0x40              /* handler ran */
    iret
ud6:
    mov $0x06, %al
    out %al, $0x40
    iret
