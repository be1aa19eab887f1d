/* mmio.S: real-mode guest: MMIO write and reads through FS (its base is set above RAM by the test). */
    .code16
    .globl _start
_start:
    mov $0x5a, %al
write:
    mov %al, %fs:0x10           /* 64 A2 10 00: write to FS base + 0x10 */
read:
    mov %fs:0x20, %bl           /* 64 8A 1E 20 00: read */
    mov %bl, %al
    out %al, $0x90              /* echo what the read returned */
write_word:
    movw $0x1234, %fs:(%di)     /* 64 C7 05 34 12 (DI = 0x40) */
read_word:
    mov %fs:0x44, %cx           /* read into CX */
    mov %cx, %ax
    out %ax, $0x91
    hlt
