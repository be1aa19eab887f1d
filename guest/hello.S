/* hello.S: real-mode BIOS ROM: greets on debugcon and COM1, then exits through isa-debug-exit (pass). */
    .include "io.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0              /* DS = F000: labels are offsets */
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov $0xf000, %ax
    mov %ax, %ds
    call serial_init_16
    PRINT "Hello from real mode!\n"
    xor %eax, %eax
    mov %cs, %ax
    SHOW "CS"
    mov %sp, %ax
    SHOW "SP"
    NEWLINE
    EXIT 0

    IO_ROUTINES 16
    .include "rom.inc"
