/* longmode.S: BIOS ROM: real -> protected -> long mode with its own page tables; prints from each. */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .set PML4, 0x10000          /* page tables in RAM: PML4, PDPT, PD (2 MiB pages, first 1 GiB) */
    .globl _start
_start:
    REAL_MODE_START
    PRINT "real mode\n"
    ENTER_PROTECTED_MODE pm32
    IO_ROUTINES 16

    .code32
    .set IOM, 32
    .set ORIGIN, -BASE
pm32:
    PROTECTED_MODE_START
    PRINT "protected mode\n"
    mov $PML4, %edi             /* clear three pages */
    xor %eax, %eax
    mov $(3 * 1024), %ecx
    rep stosl
    movl $(PML4 + 0x1003), PML4
    movl $(PML4 + 0x2003), PML4 + 0x1000
    mov $(PML4 + 0x2000), %edi
    mov $0x83, %eax             /* present, writable, 2 MiB */
    mov $512, %ecx
1:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    dec %ecx
    jnz 1b
    mov $PML4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $0xc0000080, %ecx
    rdmsr
    or $0x100, %eax             /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax        /* PG: long mode becomes active */
    mov %eax, %cr0
    ljmp $0x18, $(BASE + lm64)
    IO_ROUTINES 32

    .code64
    .set IOM, 64
lm64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %rsp
    PRINT "long mode\n"
    mov %cr0, %rax
    SHOW "CR0"
    mov %cr4, %rax
    SHOW "CR4"
    mov $0xc0000080, %ecx
    rdmsr
    shl $32, %rdx
    or %rdx, %rax
    SHOW "EFER"
    NEWLINE
    movabs $0x123456789abcdef0, %rax
    movabs $0x0fedcba987654321, %rbx
    add %rbx, %rax
    SHOW "SUM64"
    mov %rsp, %rax
    SHOW "RSP"
    NEWLINE
    EXIT 0
    IO_ROUTINES 64

    FLAT_GDT

    .include "rom.inc"
