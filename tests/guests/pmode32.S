/* pmode32.S: 32-bit protected-mode guest (set up by the test): proves 32-bit operand size and CR0.PE. */
    .code32
    .globl _start
_start:
    mov $0x12345678, %eax
    out %eax, $0x20             /* E7 20: 4 bytes without a prefix only in 32-bit code */
    mov %cr0, %eax
    out %eax, $0x21
    mov 0x200000, %eax          /* above 1 MiB: flat 4 GiB segments */
    out %eax, $0x22
    hlt
