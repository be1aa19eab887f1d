/* io.S: real-mode guest: one exit of each I/O form, in a row, for the exit-view tests. */
    .code16
    .globl _start
_start:
    mov $0x3f8, %dx
    mov $0x41, %al
    /* The exiting instructions, back to back: tests/integration/test_io.c (io_seq) lists their lengths. */
first_exit:
    out %al, $0x80              /* E6 80 */
    out %ax, $0x80              /* E7 80 */
    out %eax, $0x80             /* 66 E7 80 */
    out %al, %dx                /* EE */
    out %ax, %dx                /* EF */
    out %eax, %dx               /* 66 EF */
    in $0x80, %al               /* E4 80 */
    in $0x80, %ax               /* E5 80 */
    in $0x80, %eax              /* 66 E5 80 */
    in %dx, %al                 /* EC */
    in %dx, %ax                 /* ED */
    in %dx, %eax                /* 66 ED */
    .byte 0x2e, 0xec            /* cs in %dx, %al */
    .byte 0x3e, 0x66, 0xed      /* ds in %dx, %eax */
    .byte 0x26, 0x66, 0xe5, 0x80 /* es in $0x80, %eax */
    hlt
