/* port-flood.S: real mode: OUT to an unclaimed port forever. */
    .code16
1:  out %al, $0x81
    jmp 1b
