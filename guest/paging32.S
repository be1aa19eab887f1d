/* paging32.S: BIOS ROM that turns on 32-bit two-level paging (4 KiB pages, no PAE) and prints through it. */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .set PD, 0x20000
    .globl _start
_start:
    REAL_MODE_START
    PRINT "paging32: real mode\n"
    ENTER_PROTECTED_MODE pm32
    IO_ROUTINES 16

    .code32
    .set IOM, 32
    .set ORIGIN, -BASE
pm32:
    PROTECTED_MODE_START
    mov $PD, %edi               /* page directory and one page table: identity-map 4 MiB */
    xor %eax, %eax
    mov $2048, %ecx
    rep stosl
    movl $(PD + 0x1003), PD
    mov $(PD + 0x1000), %edi
    mov $3, %eax
    mov $1024, %ecx
1:  mov %eax, (%edi)
    add $0x1000, %eax
    add $4, %edi
    dec %ecx
    jnz 1b
    mov $PD, %eax
    mov %eax, %cr3
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    PRINT "paging32: paging on\n"
    mov %cr0, %eax
    SHOW "CR0"
    NEWLINE
    EXIT 0
    IO_ROUTINES 32

    FLAT_GDT

    .include "rom.inc"
