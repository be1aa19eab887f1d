/* triple-real.S: real mode: an empty IDT and an exception. */
    .code16
    lidt idt
    ud2
idt: .word 0
    .long 0
