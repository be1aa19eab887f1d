/* pmode.S: BIOS ROM: real mode -> 32-bit protected mode (lgdt, CR0.PE, far jump); prints from both. */
    .include "io.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .set BASE, 0xf0000          /* linear address of the ROM copy */
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov $0xf000, %ax
    mov %ax, %ds
    call serial_init_16
    PRINT "real mode: hello\n"
    lgdtl %cs:gdt_desc
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $(BASE + pm32)

    IO_ROUTINES 16

    .code32
    .set IOM, 32
    .set ORIGIN, -BASE          /* from here on, strings are addressed linearly */
pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7000, %esp
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

    .p2align 3
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: 32-bit code, flat */
    .quad 0x00cf92000000ffff    /* 0x10: data, flat */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long BASE + gdt

    .include "rom.inc"
