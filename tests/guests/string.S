/* string.S: real-mode guest: REP OUTSB of "abc", REP INSB into 0x3000, OUTSW, INSW, then halts. */
    .code16
    .globl _start
_start:
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    cld
    mov $msg, %si
    mov $3, %cx
    mov $0xe9, %dx
    rep outsb                   /* F3 6E */
    mov $0x3000, %di
    mov $3, %cx
    mov $0x70, %dx
    rep insb                    /* F3 6C */
    mov $word, %si
    outsw                       /* 6F */
    mov $0x3010, %di
    insw                        /* 6D */
    hlt
msg:
    .ascii "abc"
word:
    .word 0xbeef
