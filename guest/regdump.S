/* regdump.S: BIOS ROM that dumps its registers at checkpoints after arithmetic, shifts, string and stack
   instructions, in real and protected mode, so that runs compare machine state and not only text. */
    .include "io.inc"
    .include "boot.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0
    .set FLAGMASK, 0x0cd5       /* OF DF SF ZF AF PF CF and bit 1: defined after the ops used here */

/* DUMP tag: all GPRs and the defined flags; registers are preserved. */
.macro DUMP tag
    pushf
    push %eax
    PRINT "\tag: "
    SHOW "EAX"
    mov %ebx, %eax
    SHOW "EBX"
    mov %ecx, %eax
    SHOW "ECX"
    mov %edx, %eax
    SHOW "EDX"
    mov %esi, %eax
    SHOW "ESI"
    mov %edi, %eax
    SHOW "EDI"
    mov %ebp, %eax
    SHOW "EBP"
    pop %eax
    push %eax
.if IOM == 16
    movzwl 4(%esp), %eax        /* 16-bit FLAGS under the saved EAX */
.else
    mov 4(%esp), %eax
.endif
    and $FLAGMASK, %eax
    SHOW "FL"
    NEWLINE
    pop %eax
    popf
.endm

    .globl _start
_start:
    REAL_MODE_START
    mov %ds, %ax
    mov %ax, %es
    xor %ebp, %ebp
    mov $0x7fffffff, %eax
    mov $1, %ebx
    add %ebx, %eax              /* OF SF */
    mov $0x80000000, %ecx
    sub $1, %ecx
    mov $3, %edx
    mov $0xfff0, %esi
    xor %edi, %edi
    DUMP "real1"
    stc
    adc $0, %edx
    shl $1, %ecx                /* CF from the top bit, OF defined for a count of 1 */
    rcr $1, %ebx
    dec %esi
    cmp %eax, %ecx
    DUMP "real2"
    cld
    mov $0x7100, %di            /* ES = F000? no: use SS-relative RAM through ES = 0 */
    xor %ax, %ax
    mov %ax, %es
    mov $0x4242, %ax
    mov $4, %cx
    rep stosw
    mov $0x7100, %si
    push %ds
    push %es
    pop %ds
    lodsw
    pop %ds
    neg %eax
    sbb %edx, %edx
    DUMP "real3"
    ENTER_PROTECTED_MODE pm32
    IO_ROUTINES 16

    .code32
    .set IOM, 32
    .set ORIGIN, -BASE
pm32:
    PROTECTED_MODE_START
    mov $0xdeadbeef, %eax
    mov %eax, %ebx
    ror $8, %ebx
    xor %ecx, %ecx
    not %ecx
    mov $0x11111111, %edx
    add %edx, %edx
    mov $0x200000, %edi
    mov $0x5a5a5a5a, %eax
    stosl
    mov -4(%edi), %esi
    push $0x12345678
    pop %ebp
    DUMP "prot1"
    sub %ebp, %esi
    inc %ecx
    DUMP "prot2"
    EXIT 0
    IO_ROUTINES 32

    FLAT_GDT

    .include "rom.inc"
