/* strio-wrap.S: protected mode: REP OUTSB from just below 4 GiB (wrapping) and REP INSB far past RAM, huge counts. */
    .code32
    mov $0xfffffff0, %esi
    mov $0x100000, %ecx
    mov $0xe9, %dx
    rep outsb
    mov $0x10000000, %edi
    mov $0x100000, %ecx
    rep insb
    mov $0xfffffff8, %edi
    mov $0x1000, %ecx
    rep insb
    xor %eax, %eax
    out %eax, $0xf4
