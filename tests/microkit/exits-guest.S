/* exits-guest.S: the exits test's guest (32-bit protected mode at 0x1000, CS 0x08): one exit of each kind, in
   the order tests/microkit/exits.c expects them. Port 0x5ff says a check of its own failed; 0x5f0 that it ended. */
    .code32
    .globl _start
_start:
    lgdt gdtr
    mov $handler, %eax
    mov $idt + 0x30 * 8, %edi
    mov %ax, (%edi)
    movw $0x08, 2(%edi)
    movw $0x8e00, 4(%edi)
    shr $16, %eax
    mov %ax, 6(%edi)
    lidt idtr
    /* 1: OUT with every register known */
    mov $0xb0b0b0b0, %ebx
    mov $0xc0c0c0c0, %ecx
    mov $0x510, %edx
    mov $0x51515151, %esi
    mov $0xd1d1d1d1, %edi
    mov $0xbbbbbbbb, %ebp
    mov $0xa5, %eax
    out %al, (%dx)
    /* 2: IN of a word from an immediate port; the VMM answers 0x1234 */
    in $0x52, %ax
    cmp $0x1234, %ax
    jne fail
    /* 3, 4: an MMIO read the VMM answers 0xcafe, then an MMIO write */
    mov 0xfeb00010, %eax
    cmp $0xcafe, %eax
    jne fail
    movl $0x77, 0xfeb00020
    /* 5: HLT with HLT exiting on */
    hlt
    /* 6: an interrupt window opens after the NOP in STI's shadow; the VMM injects vector 0x30 there */
    sti
    nop
    cli
    cmpl $1, irqs
    jne fail
    /* 7: the preemption timer ends a spin (PAUSE, as spin-waits are written: under Bochs's VT-x a nested spin
       without it stops the tier's own kernel, whose timers then never fire) */
1:  pause
    cmpl $0, 0x7000                  /* the VMM sets it at the timer's exit */
    je 1b
    /* 8: the timer ends a HLT the runtime sleeps in (no HLT exiting) */
    hlt
    /* 9: a notification ends the VMEnter of a HLT; the VMM then injects 0x30 */
    sti
    hlt
    cli
    cmpl $2, irqs
    jne fail
    mov $0x5f0, %dx
    out %al, (%dx)
fail:
    mov $0x5ff, %dx
    out %al, (%dx)
    hlt

handler:
    incl irqs
    iret

    .align 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff
    .quad 0x00cf93000000ffff
gdtr:
    .word 3 * 8 - 1
    .long gdt
idtr:
    .word 256 * 8 - 1
    .long idt
irqs:
    .long 0
    .align 8
idt:
    .fill 256 * 8, 1, 0
