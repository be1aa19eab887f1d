/* guest.S: real mode at 0x1000: finds device 1234:0001 on PCI bus 0 through configuration mechanism #1, reads
   its I/O BAR and interrupt line, writes 21 to the device and reads back its double, writes that answer and the
   line to the device, and halts. */
    .code16
    .globl _start
_start:
    xor %bx, %bx
scan:
    movzwl %bx, %eax
    shll $11, %eax
    orl $0x80000000, %eax
    movl %eax, %edi              /* the device's configuration address */
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    cmpl $0x00011234, %eax
    je found
    inc %bx
    cmp $32, %bx
    jb scan
    hlt                          /* not found: the VMM sees no answer */
found:
    movl %edi, %eax
    orl $0x10, %eax              /* BAR 0 */
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xfffc, %ax
    mov %ax, %si                 /* the device's first port */
    movl %edi, %eax
    orl $0x3c, %eax              /* the interrupt line */
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inb %dx, %al
    movzbw %al, %cx
    mov %si, %dx
    mov $21, %ax
    outw %ax, %dx                /* the value */
    add $4, %dx
    inw %dx, %ax                 /* its double */
    add $4, %dx
    outw %ax, %dx                /* the answer */
    add $4, %dx
    mov %cx, %ax
    outw %ax, %dx                /* the line */
    hlt
