/* hello.S: real-mode BIOS ROM: greets on debugcon and COM1, then exits through isa-debug-exit (pass). */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0              /* DS = F000: labels are offsets */
    .globl _start
_start:
    REAL_MODE_START
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
