/* intact64.S: a raw 64-bit image for --load=0x3f0000 --entry-mode=long -m 4M, covering the top 64 KiB of RAM,
   where a loader that puts the long-mode page tables at the top of RAM would write them. It checks its own bytes
   before writing memory, then that the page tables (CR3, 24 KiB) lie outside it, and exits 0 (status 1) when
   both hold. */
    .include "io.inc"
    .include "selfcheck.inc"
    .set PATTERN_WORDS, 0x3bc0

    .text
    .code64
    .set IOM, 64
    .globl _start
_start:
image_start:
    cli
    SELFCHECK
    mov $stack_top, %rsp
    mov %rcx, %rdi              /* what is wrong */
    mov %eax, %esi
    call serial_init_64
    PRINT "image: "
    mov %esi, %eax
    SHOW "sum"
    mov %edi, %eax
    SHOW "bad"
    NEWLINE
    PRINT "boot: "
    mov %cr3, %rax
    SHOW "cr3"
    NEWLINE
    lea 0x6000(%rax), %rdx      /* the tables must not overlap [image_start, file_end) */
    cmp $file_end, %rax
    jae 1f
    cmp $image_start, %rdx
    jbe 1f
    inc %edi
1:  test %edi, %edi
    jnz 2f
    PRINT "intact\n"
    EXIT 0
2:  PRINT "CORRUPT\n"
    EXIT 1

    IO_ROUTINES 64
    .p2align 4
    .skip 512
stack_top:

    .org 0x1000
pattern:
    PATTERN PATTERN_WORDS
bss_start:                      /* zeros in the file: a raw image has no bss */
    .skip 0x100
bss_end:
file_end:
