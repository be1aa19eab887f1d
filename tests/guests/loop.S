/* loop.S: real-mode guest: OUT to port 0x80 CX times, then HLT (ioctl-count and benchmark guest). */
    .code16
    .globl _start
_start:
    mov $200, %cx
out_loop:
1:  out %al, $0x80
    dec %cx
    jnz 1b
    hlt
