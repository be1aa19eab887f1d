/* cpuid.S: real mode: CPUID with the EAX (and ECX) the test set, then OUT to port 0x63 for the test to read the
   result in EAX, EBX, ECX and EDX. */
    .code16
    .globl _start
_start:
    cpuid
    out %al, $0x63
    hlt
