/* pic.S: real-mode guest: programs the master PIC (vectors 0x20-0x27, only IRQ 5 unmasked), takes the interrupt
   the VMM injects after each of three OUTs to port 0x52, and reports on port 0x53 how many its handler counted. */
    .code16
    .globl _start
_start:
    cli
    movw $irq5, 0x25 * 4        /* IVT[0x25] = 0000:irq5 */
    movw $0, 0x25 * 4 + 2
    mov $0x11, %al              /* ICW1: edge-triggered, cascade, ICW4 follows */
    out %al, $0x20
    mov $0x20, %al              /* ICW2: IRQ 0-7 on vectors 0x20-0x27 */
    out %al, $0x21
    mov $0x04, %al              /* ICW3: the slave on IRQ 2 */
    out %al, $0x21
    mov $0x01, %al              /* ICW4: 8086 mode */
    out %al, $0x21
    mov $0xdf, %al              /* OCW1: every line masked but IRQ 5 */
    out %al, $0x21
    movb $0, count
    mov $3, %cx
ask:
    out %al, $0x52              /* the VMM injects IRQ 5 here */
    sti                         /* taken after STI's shadow, within the next 64 Ki loop iterations */
    xor %bx, %bx
1:  dec %bx
    jnz 1b
    cli
    loop ask
    mov count, %al
    out %al, $0x53              /* the count; the VMM does not resume */
    jmp .
irq5:
    incb count
    push %ax
    mov $0x20, %al              /* non-specific EOI */
    out %al, $0x20
    pop %ax
    iret
count:
    .byte 0
