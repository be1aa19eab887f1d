/* observe.S: real-mode guest that reports state the test set through VMCS fields, one OUT each. */
    .code16
    .globl _start
_start:
    pushf
    pop %ax
    out %ax, $0x20              /* RFLAGS */
    mov %sp, %ax
    out %ax, $0x21              /* RSP */
    sgdt 0x3000
    mov 0x3000, %ax
    out %ax, $0x22              /* GDTR limit */
    mov 0x3002, %eax
    out %eax, $0x23             /* GDTR base */
    mov %cr3, %eax
    out %eax, $0x24             /* CR3 */
    mov $0x174, %ecx
    rdmsr
    out %eax, $0x25             /* SYSENTER_CS */
    mov $0x277, %ecx
    rdmsr
    out %eax, $0x26             /* PAT low */
    mov %dr7, %eax
    out %eax, $0x27             /* DR7 */
    mov %fs:0, %al
    out %al, $0x28              /* a byte at FS base */
    mov %es, %ax
    out %ax, $0x29              /* ES selector */
    hlt
