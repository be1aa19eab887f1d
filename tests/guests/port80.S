/* port80.S: real-mode guest: writes 0x5A to port 0x80, reads the port back and echoes it to port 0x90, HLT. */
    .code16
    .globl _start
_start:
    mov $0x5a, %al
    out %al, $0x80
    in $0x80, %al
    out %al, $0x90
    hlt
