/* guest.S: the example's guest: 32-bit protected mode at 0x1000, flat segments the VMM set (CS 0x08, data 0x10,
   matching its own GDT, which an interrupt's delivery reads). It prints a line, waits for the interrupt the VMM
   injects when the serial driver has sent it, reads port 0x500 (the VMM answers 42 from its call to the
   checker), writes its MMIO page, prints a second line, waits again, then ends the system through the debug
   exit: 0 (status 1) when every step went as it should, 1 (status 3) when not. */
    .code32
    .globl _start
_start:
    lgdt gdtr
    mov $handler, %eax              /* interrupt gate 0x30 -> handler */
    mov $idt + 0x30 * 8, %edi
    mov %ax, (%edi)
    movw $0x08, 2(%edi)
    movw $0x8e00, 4(%edi)
    shr $16, %eax
    mov %ax, 6(%edi)
    lidt idtr
    mov $hello, %esi
    call puts
    call wait_irq
    mov $0x500, %dx
    in %dx, %eax
    cmp $42, %eax
    jne fail
    mov $0x1234abcd, %eax
    mov %eax, 0xfeb00000
    mov $bye, %esi
    call puts
    call wait_irq
    cmpl $2, irqs
    jne fail
    mov $0, %al
    out %al, $0xf4
fail:
    mov $1, %al
    out %al, $0xf4
    hlt

puts:                               /* the NUL-terminated string at ESI, to COM1 */
    mov $0x3f8, %dx
1:  lodsb
    test %al, %al
    jz 2f
    out %al, %dx
    jmp 1b
2:  ret

wait_irq:                           /* sleep until the next interrupt */
    mov irqs, %ebx
1:  sti
    hlt
    cli
    cmp irqs, %ebx
    je 1b
    ret

handler:
    incl irqs
    iret

    .align 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff        /* 0x08: code, flat, 32-bit */
    .quad 0x00cf93000000ffff        /* 0x10: data, flat */
gdtr:
    .word 3 * 8 - 1
    .long gdt
idtr:
    .word 256 * 8 - 1
    .long idt
irqs:
    .long 0
hello:
    .asciz "hello from the guest\n"
bye:
    .asciz "the guest's MMIO write and call went through\n"
    .align 8
idt:
    .fill 256 * 8, 1, 0
