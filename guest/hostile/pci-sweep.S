/* pci-sweep.S: protected mode: through mechanism #1, every register of devices 0 (the host bridge) and 1 (an
   empty slot), each read as a dword, a word and a byte, then all ones written to it; the vendor register of every
   device; bytes and words at the address register's odd ports, dwords across the registers, and the window with
   the enable bit clear; then pass. About 700 exits: the campaign allows 20000 in half a second. */
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
    test $0xfc, %bl
    jnz 1b                       /* the next register of the function */
    add $0x700, %ebx             /* past functions 1-7: the next device's function 0 */
    cmp $0x80001000, %ebx
    jb 1b                        /* devices 0 and 1 */
    mov $0x80000000, %ebx
2:  mov %ebx, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $0xcfc, %dx
    in %dx, %eax
    add $0x800, %ebx
    cmp $0x80010000, %ebx
    jb 2b                        /* every device's vendor register */
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
