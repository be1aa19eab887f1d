/* triple-prot.S: protected mode: UD2 with the reset IDT (all zeros: no present gate). */
    .code32
    ud2
