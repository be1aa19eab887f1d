/* output-flood.S: real mode: debug-console output forever. */
    .code16
    mov $'x', %al
1:  out %al, $0xe9
    jmp 1b
