/* triple-long.S: long mode: UD2 with the reset IDT. */
    .code64
    ud2
