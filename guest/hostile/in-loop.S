/* in-loop.S: real mode: IN in a tight loop (an exit and a completion each time). */
    .code16
1:  in $0x80, %al
    jmp 1b
