/* testdev-mb.S: a multiboot kernel that uses QEMU's pc-testdev as KVM's unit tests do: the scratch register at
   0xE0 in each width and byte by byte at 0xE8, the flush port, the MMIO scratch at 0xFF000000, and IRQ line 5
   (port 0x2005), seen in the master 8259's request register. Prints each result; exits 0 (status 1) when all
   are right, else with the number wrong. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set IOMEM, 0xff000000
    MB_START
    xor %edi, %edi              /* what is wrong */
    /* Nothing is printed until the ports are read: the print routine writes to 0xE9, which is pc-testdev's
       byte-wise scratch register here, as under QEMU without an isa-debugcon. */
    mov $0x12345678, %eax
    out %eax, $0xe0
    in $0xe0, %eax
    mov %eax, %ebx              /* scratch */
    in $0xe2, %al               /* byte 2 alone */
    cmp $0x34, %al
    setne %cl
    movzbl %cl, %ecx
    add %ecx, %edi
    mov $0xab, %al              /* byte 0 through the byte-wise port */
    out %al, $0xe8
    mov $0xcdef, %ax            /* a word at 0xEA: bytes 2 and 3, one at a time */
    out %ax, $0xea
    in $0xe0, %eax
    mov %eax, %esi              /* bytes */
    mov $0x1000, %eax           /* the flush port takes a page address */
    out %eax, $0xe4
    movl $0xdeadbeef, IOMEM + 0x10
    movzbl IOMEM + 0x11, %eax
    cmp $0xbe, %eax
    setne %cl
    add %ecx, %edi
    PIC_INIT 0xff               /* all masked: a request is still latched */
    mov $0x2005, %dx            /* IRQ 5 high */
    mov $1, %al
    out %al, %dx
    mov $0x0a, %al              /* OCW3: read IRR */
    out %al, $0x20
    in $0x20, %al
    movzbl %al, %ebp            /* irr */
    xor %al, %al
    out %al, %dx                /* and low again */
    mov %ebx, %eax
    SHOW "scratch"
    cmp $0x12345678, %eax
    setne %cl
    add %ecx, %edi
    mov %esi, %eax
    SHOW "bytes"
    cmp $0xcdef56ab, %eax
    setne %cl
    add %ecx, %edi
    mov IOMEM + 0x10, %eax
    SHOW "iomem"
    cmp $0xdeadbeef, %eax
    setne %cl
    add %ecx, %edi
    mov %ebp, %eax
    SHOW "irr"
    NEWLINE
    test $0x20, %eax
    setz %cl
    add %ecx, %edi
    test %edi, %edi
    jnz 1f
    EXIT 0
1:  mov %edi, %eax
    out %eax, $0xf4
    cli
    hlt

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
