/* serial-irq.S: real-mode BIOS ROM: takes COM1's THR-empty interrupts on IRQ 4 through the PIC, one per byte,
   and none with OUT2 clear (a PC's gate); prints the count and exits 0 when it is right (run with --irqchip=on). */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .set COUNT, 0x500           /* SS:COUNT (SS = 0): the handler's tally, in RAM */
    .set BYTES, 3
    .globl _start
_start:
    REAL_MODE_START             /* COM1 with IER 0 and MCR 0x0b: OUT2 on, no interrupt enabled */
    movw $irq4, %ss:0x24 * 4    /* IVT[0x24] = F000:irq4 */
    movw $0xf000, %ss:0x24 * 4 + 2
    PIC_INIT 0xef               /* every line masked but IRQ 4 */
    movb $0, %ss:COUNT
    PRINT "serial IRQ 4: "
    mov $0x3f9, %dx             /* IER: THR-empty interrupt on, THR empty: the first interrupt */
    mov $0x02, %al
    out %al, %dx
    mov $1, %bl
    call wait_count
    mov $BYTES, %cx
1:  mov $'.', %al               /* each byte sent empties THR again: one interrupt each */
    mov $0x3f8, %dx
    out %al, %dx
    inc %bl
    call wait_count
    loop 1b
    mov $0x3fc, %dx             /* OUT2 off: the UART still identifies it, the PIC never sees it */
    mov $0x03, %al
    out %al, %dx
    mov $'!', %al
    mov $0x3f8, %dx
    out %al, %dx
    call settle                 /* interrupts on for as long as a wait: the count must stay BYTES + 1 */
    mov $0x3fa, %dx
    in %dx, %al
    and $0x0f, %al
    cmp $0x02, %al              /* the identification is still there to read */
    jne bad
    mov $0x3fc, %dx
    mov $0x0b, %al
    out %al, %dx
    mov $0x3f9, %dx             /* IER 0 again: the polling PRINT needs no interrupts */
    xor %al, %al
    out %al, %dx
    xor %eax, %eax
    mov %ss:COUNT, %al
    SHOW "interrupts"
    NEWLINE
    cmp $BYTES + 1, %al
    jne bad
    EXIT 0
bad:
    PRINT "wrong count\n"
    EXIT 1

/* Interrupts on until COUNT reaches BL, or a bounded wait runs out. */
wait_count:
    push %cx
    mov $0x4000, %cx
    sti
1:  cmp %ss:COUNT, %bl
    je 2f
    loop 1b
2:  cli
    pop %cx
    ret

/* Interrupts on for a fixed while. */
settle:
    push %cx
    mov $0x4000, %cx
    sti
1:  loop 1b
    cli
    pop %cx
    ret

irq4:
    push %ax
    push %dx
    mov $0x3fa, %dx             /* IIR: reading it clears the THR-empty identification, so the line falls */
    in %dx, %al
    and $0x0f, %al
    cmp $0x02, %al
    jne 1f
    incb %ss:COUNT
1:  mov $0x20, %al              /* non-specific EOI */
    out %al, $0x20
    pop %dx
    pop %ax
    iret

    IO_ROUTINES 16
    .include "rom.inc"
