/* cpuid-mb.S: a multiboot kernel that prints the CPU a test kernel sees: the vendor, leaf 1's signature and
   feature words, leaf 7's EBX, ECX and EDX, the extended leaf 0x80000001's ECX and EDX, and the brand string.
   Exits 0 (status 1). */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    MB_START                    /* no interrupt source is set up: interrupts stay off */
    xor %eax, %eax
    cpuid
    mov %ebx, vendor
    mov %edx, vendor + 4
    mov %ecx, vendor + 8
    SHOW "level"
    PRINT "vendor="
    mov $vendor, %esi
    call puts_32
    NEWLINE
    mov $1, %eax
    cpuid
    SHOW "1.eax"
    mov %ecx, %eax
    SHOW "1.ecx"
    mov %edx, %eax
    SHOW "1.edx"
    NEWLINE
    mov $7, %eax
    xor %ecx, %ecx
    cpuid
    mov %ebx, %eax
    SHOW "7.ebx"
    mov %ecx, %eax
    SHOW "7.ecx"
    mov %edx, %eax
    SHOW "7.edx"
    NEWLINE
    mov $0x80000000, %eax
    cpuid
    SHOW "xlevel"
    mov $0x80000001, %eax
    cpuid
    mov %ecx, %eax
    SHOW "x1.ecx"
    mov %edx, %eax
    SHOW "x1.edx"
    NEWLINE
    mov $brand, %edi
    mov $0x80000002, %esi
1:  mov %esi, %eax
    cpuid
    mov %eax, (%edi)
    mov %ebx, 4(%edi)
    mov %ecx, 8(%edi)
    mov %edx, 12(%edi)
    add $16, %edi
    inc %esi
    cmp $0x80000005, %esi
    jb 1b
    PRINT "brand="
    mov $brand, %esi
    call puts_32
    NEWLINE
    EXIT 0

    IO_ROUTINES 32

    .data
vendor:
    .skip 13
brand:
    .skip 49

    .bss
    .p2align 4
    .skip 4096
stack_top:
