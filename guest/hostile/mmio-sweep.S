/* mmio-sweep.S: protected mode: read and write every 16 MiB from the end of 64 MiB RAM up to 4 GiB, then pass. */
    .code32
    mov $0x04000000, %ebx
1:  mov (%ebx), %eax
    movl $0x5a5a5a5a, (%ebx)
    movb $0xa5, 3(%ebx)
    add $0x01000000, %ebx
    jnz 1b
    xor %eax, %eax
    out %eax, $0xf4
