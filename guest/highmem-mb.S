/* highmem-mb.S: a multiboot kernel that reports the RAM its loader and firmware describe, as a test kernel written
   for QEMU finds it: mem_upper, the multiboot memory map's entries (base, length, type; at most 10), and CMOS bytes
   0x34-0x35 and 0x5b-0x5d (RAM above 16 MiB and above 4 GiB, in 64 KiB units). Exits 0 (status 1). */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL

/* EAX = CMOS byte \reg. */
.macro CMOS reg
    mov $\reg, %al
    out %al, $0x70
    in $0x71, %al
    movzbl %al, %eax
.endm

    MB_START
    mov 8(%ebx), %eax
    SHOW "mem_upper"
    NEWLINE
    mov 44(%ebx), %ecx           /* mmap_length */
    mov 48(%ebx), %esi           /* mmap_addr */
    lea (%esi, %ecx), %ebp       /* its end */
    mov $10, %edi
1:  cmp %ebp, %esi
    jae 2f
    mov 8(%esi), %eax            /* base, high and low words */
    SHOW "base_hi"
    mov 4(%esi), %eax
    SHOW "base_lo"
    mov 16(%esi), %eax
    SHOW "len_hi"
    mov 12(%esi), %eax
    SHOW "len_lo"
    mov 20(%esi), %eax
    SHOW "type"
    NEWLINE
    mov (%esi), %eax             /* the entry's size, not counting itself */
    lea 4(%esi, %eax), %esi
    dec %edi
    jnz 1b
2:  CMOS 0x34
    SHOW "cmos34"
    CMOS 0x35
    SHOW "cmos35"
    CMOS 0x5b
    SHOW "cmos5b"
    CMOS 0x5c
    SHOW "cmos5c"
    CMOS 0x5d
    SHOW "cmos5d"
    NEWLINE
    EXIT 0

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
