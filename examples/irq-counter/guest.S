/* guest.S: the example's real-mode guest (at 0x1000): asks the VMM for ROUNDS ticks, counts the IRQ 5 interrupts
   it gets, reports the count to the mailbox device at 0xD0000, checks it against the VMM's, and powers off. */
    .code16
    .set ROUNDS, 5
    .set TICK_PORT, 0x500       /* OUT: the VMM injects IRQ 5 */
    .set MAILBOX_SEG, 0xd000    /* the mailbox: 0 the guest's count (write), 2 the VMM's (read), 4 verdict, 6 off */
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp
    movw $irq5, 0x25 * 4        /* IVT[0x25] = 0000:irq5 */
    movw $0, 0x25 * 4 + 2
    mov $0x11, %al              /* PIC ICW1-ICW4: IRQ 0-7 on vectors 0x20-0x27 */
    out %al, $0x20
    mov $0x20, %al
    out %al, $0x21
    mov $0x04, %al
    out %al, $0x21
    mov $0x01, %al
    out %al, $0x21
    mov $0xdf, %al              /* only IRQ 5 unmasked */
    out %al, $0x21
    movw $0, count
    mov $ROUNDS, %cx
1:  mov count, %bx
    inc %bx                     /* the count this round must reach */
    mov $TICK_PORT, %dx
    out %al, %dx
    mov $0x8000, %dx            /* a bounded wait with interrupts on */
    sti
2:  cmp count, %bx
    je 3f
    dec %dx
    jnz 2b
3:  cli
    loop 1b
    mov $MAILBOX_SEG, %ax
    mov %ax, %es
    mov count, %ax
    mov %ax, %es:0              /* MMIO write: the guest's count */
    mov %es:2, %bx              /* MMIO read: the VMM's count of injected IRQs */
    xor %dx, %dx
    cmp %ax, %bx
    jne 4f
    inc %dx
4:  mov %dx, %es:4              /* the verdict: 1 when both agree */
    movw $1, %es:6              /* power off: the VMM ends here */
    jmp .
irq5:
    incw count
    push %ax
    mov $0x20, %al              /* non-specific EOI */
    out %al, $0x20
    pop %ax
    iret
count:
    .word 0
