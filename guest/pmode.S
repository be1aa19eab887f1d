/* pmode.S: BIOS ROM: real mode -> 32-bit protected mode (lgdt, CR0.PE, far jump); prints from both. */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .globl _start
_start:
    REAL_MODE_START
    PRINT "real mode: hello\n"
    ENTER_PROTECTED_MODE pm32

    IO_ROUTINES 16

    .code32
    .set IOM, 32
    .set ORIGIN, -BASE          /* from here on, strings are addressed linearly */
pm32:
    PROTECTED_MODE_START
    PRINT "protected mode: hello\n"
    mov %cr0, %eax
    SHOW "CR0"
    pushf
    pop %eax
    SHOW "EFLAGS"
    mov %esp, %eax
    SHOW "ESP"
    xor %eax, %eax
    mov %cs, %ax
    SHOW "CS"
    mov %ds, %ax
    SHOW "DS"
    NEWLINE
    mov $0x12345678, %eax
    add $0x87654321, %eax
    SHOW "SUM"
    NEWLINE
    EXIT 0

    IO_ROUTINES 32

    FLAT_GDT

    .include "rom.inc"
