/* mmio64.S: 64-bit guest (set up by the test, RDI = an MMIO address): an 8-byte write and an 8-byte read there,
   the value read echoed to port 0x90 in two halves (low, then high), HLT. */
    .code64
    .globl _start
_start:
    movabs $0x1122334455667788, %rax
    mov %rax, (%rdi)
    mov (%rdi), %rbx
write_done:
    mov %ebx, %eax
    out %eax, $0x90
    shr $32, %rbx
    mov %ebx, %eax
    out %eax, $0x90
    hlt
