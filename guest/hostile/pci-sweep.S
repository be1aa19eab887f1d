/* pci-sweep.S: protected mode: every configuration address of bus 0 through mechanism #1 (32 devices, 8
   functions, 64 dwords), each read as a dword, a word and a byte, then all ones written to it; then bytes and
   words at the address register's odd ports, dwords across the registers, and the window with the enable bit
   clear; then pass. */
    .code32
    mov $0x80000000, %ebx
1:  mov %ebx, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    mov $0xcfe, %dx
    in %dx, %ax
    mov $0xcff, %dx
    in %dx, %al
    mov $0xcfc, %dx
    mov $0xffffffff, %eax
    out %eax, %dx
    add $4, %ebx
    cmp $0x80010000, %ebx
    jb 1b
    mov $0xcfa, %dx
    mov $0x1234, %ax
    out %ax, %dx
    mov $0xcfb, %dx
    in %dx, %al
    mov $0xcfe, %dx
    in %dx, %eax
    out %eax, %dx
    xor %eax, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    xor %eax, %eax
    out %eax, $0xf4
