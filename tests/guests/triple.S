/* triple.S: guest that triple-faults: ud2 with an empty IDT (the test sets IDTR limit 0 in protected mode). */
    .code32
    .globl _start
_start:
    ud2
    hlt
