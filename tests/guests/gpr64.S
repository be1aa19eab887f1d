/* gpr64.S: 64-bit guest (long mode set up by the test): loads every GPR, exits, stores them to 0x3000. */
    .code64
    .globl _start
_start:
    movabs $0x1111111111111101, %rax
    movabs $0x2222222222222202, %rbx
    movabs $0x3333333333333303, %rcx
    movabs $0x4444444444444404, %rdx
    movabs $0x5555555555555505, %rsi
    movabs $0x6666666666666606, %rdi
    movabs $0x7777777777777707, %rbp
    movabs $0x8888888888888808, %r8
    movabs $0x9999999999999909, %r9
    movabs $0xaaaaaaaaaaaaaa0a, %r10
    movabs $0xbbbbbbbbbbbbbb0b, %r11
    movabs $0xcccccccccccccc0c, %r12
    movabs $0xdddddddddddddd0d, %r13
    movabs $0xeeeeeeeeeeeeee0e, %r14
    movabs $0xffffffffffffff0f, %r15
    out %al, $0x10              /* the test reads all registers, then writes new ones */
    mov %rax, 0x3000
    mov %rbx, 0x3008
    mov %rcx, 0x3010
    mov %rdx, 0x3018
    mov %rsi, 0x3020
    mov %rdi, 0x3028
    mov %rbp, 0x3030
    mov %r8, 0x3038
    mov %r9, 0x3040
    mov %r10, 0x3048
    mov %r11, 0x3050
    mov %r12, 0x3058
    mov %r13, 0x3060
    mov %r14, 0x3068
    mov %r15, 0x3070
    mov %cr0, %rax
    mov %rax, 0x3080
    mov %cr4, %rax
    mov %rax, 0x3088
    mov $0xc0000080, %ecx
    rdmsr
    mov %eax, 0x3090
    mov %cs, %ax
    mov %ax, 0x3098
    out %al, $0x11
    hlt
