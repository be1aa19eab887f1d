/* pci.S: real-mode guest: enumerates PCI bus 0 through configuration mechanism #1, writing each present device's
   vendor and device IDs to port 0x90; sizes device 1's BAR 0 (all ones, read back to 0x90, restored); reads a
   word at that BAR's port + 2 and writes it to 0x90; HLT. */
    .code16
    .globl _start
_start:
    xor %bx, %bx
scan:
    movzwl %bx, %eax
    shll $11, %eax
    orl $0x80000000, %eax
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    cmpl $0xffffffff, %eax
    je next
    mov $0x90, %dx
    outl %eax, %dx
next:
    inc %bx
    cmp $32, %bx
    jb scan
size_bar:
    movl $0x80000810, %eax
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    movl %eax, %esi
    movl $0xffffffff, %eax
    outl %eax, %dx
    inl %dx, %eax
    mov $0x90, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    movl %esi, %eax
    outl %eax, %dx
read_bar:
    mov %si, %dx
    and $0xfffc, %dx
    add $2, %dx
    inw %dx, %ax
    mov $0x90, %dx
    outw %ax, %dx
    hlt
