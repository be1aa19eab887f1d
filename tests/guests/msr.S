/* msr.S: real-mode guest: RDMSR and WRMSR of an MSR KVM does not know, then reports what it read. */
    .code16
    .globl _start
_start:
    mov $0x12345, %ecx
rdmsr_at:
    rdmsr                       /* 0F 32 */
    out %eax, $0x51
    mov %edx, %eax
    out %eax, $0x52
    mov $0xaabbccdd, %eax
    mov $0x11223344, %edx
    wrmsr                       /* 0F 30 */
    out %al, $0x53
    hlt
