/* virtq-sweep.S: protected mode, with a virtio disk at 00:01.0 (vcpuctx-run's first slot: legacy registers at
   I/O 0xC000, the virtio 1.x structures at 0xFE008000), its decoding turned on: malformed rings one after another,
   each followed by a reset: a descriptor loop, an index past the queue, buffers outside RAM and wrapping the
   address space, zero-length and indirect descriptors, a chain through every descriptor, an available index far
   ahead, rings outside RAM; then garbage through the virtio 1.x common configuration and its notifications; then
   pass. The device must refuse each (NEEDS_RESET) and the VMM go on. */
    .code32
    .set IO, 0xc000
    .set Q, 0x100000                 /* the queue: 128 descriptors, the available ring at +0x800 */
    .set AVAIL, Q + 0x800
    .set MODERN, 0xfe008000

/* Reset, then queue 0 at Q through the legacy registers, driver ready. */
.macro setup pfn=(Q >> 12)
    mov $(IO + 18), %dx
    xor %eax, %eax
    out %al, %dx                     /* reset */
    mov $3, %al
    out %al, %dx
    mov $(IO + 14), %dx
    xor %eax, %eax
    out %ax, %dx
    mov $(IO + 8), %dx
    mov $\pfn, %eax
    out %eax, %dx
    mov $(IO + 18), %dx
    mov $7, %al
    out %al, %dx
.endm

/* Descriptor i: addr, len, flags, next. */
.macro desc i, addr_lo, addr_hi, len, flags, next
    movl $\addr_lo, Q + 16 * \i
    movl $\addr_hi, Q + 16 * \i + 4
    movl $\len, Q + 16 * \i + 8
    movw $\flags, Q + 16 * \i + 12
    movw $\next, Q + 16 * \i + 14
.endm

/* I/O and memory decoding on in 00:01.0's command register, as firmware or an OS sets it before using a BAR. */
.macro decode_on
    mov $0x80000804, %eax
    mov $0xcf8, %dx
    out %eax, %dx
    mov $3, %ax
    mov $0xcfc, %dx
    out %ax, %dx
.endm

/* Offer chain 0 as the next available entry, with index idx, and notify queue 0. */
.macro offer idx=1
    movw $0, AVAIL + 4
    movw $0, AVAIL + 6
    movw $\idx, AVAIL + 2
    mov $(IO + 16), %dx
    xor %eax, %eax
    out %ax, %dx
    mov $(IO + 19), %dx
    in %dx, %al                      /* the ISR: lowers the line */
.endm

    decode_on
    setup
    desc 0, 0x200000, 0, 16, 1, 0    /* a loop: 0 -> 0 */
    offer
    setup
    desc 0, 0x200000, 0, 16, 1, 200  /* next past the queue */
    offer
    setup
    desc 0, 0xfffff000, 0, 0x2000, 0, 0 /* outside RAM */
    offer
    setup
    desc 0, 0xfffffff0, 0xffffffff, 0x100, 0, 0 /* wraps the address space */
    offer
    setup
    desc 0, 0x200000, 0, 0, 0, 0     /* zero-length */
    offer
    setup
    desc 0, 0x200000, 0, 16, 4, 0    /* indirect, not offered */
    offer
    setup
    mov $0, %ecx                     /* every descriptor chained, the last back to 0 */
1:  lea 1(%ecx), %eax
    and $127, %eax
    mov %ecx, %ebx
    shl $4, %ebx
    movl $0x200000, Q(%ebx)
    movl $0, Q + 4(%ebx)
    movl $0x10000, Q + 8(%ebx)
    movw $1, Q + 12(%ebx)
    movw %ax, Q + 14(%ebx)
    inc %ecx
    cmp $128, %ecx
    jb 1b
    offer
    setup
    desc 0, 0x200000, 0, 16, 0, 0
    offer 1000                       /* the available index a thousand ahead */
    setup 0xfffff                    /* the rings at 4 GiB - 4 KiB: not RAM */
    offer
    setup 0xffffffff                 /* a frame number past any address */
    offer

    /* The virtio 1.x interface: every common-configuration field written with all ones, queue 0 enabled at
       addresses outside RAM, every notification address written. */
    mov $MODERN, %edi
    mov $0, %ecx
2:  movl $0xffffffff, (%edi, %ecx)
    add $4, %ecx
    cmp $0x38, %ecx
    jb 2b
    movw $0, MODERN + 0x16           /* queue 0 */
    movl $0xfffff000, MODERN + 0x20  /* descriptors at 0x7FFFFFFF_FFFFF000 */
    movl $0x7fffffff, MODERN + 0x24
    movl $0xfffffff0, MODERN + 0x28  /* the rings at the top of the address space */
    movl $0xfffffff0, MODERN + 0x30
    movw $1, MODERN + 0x1c           /* enable */
    mov $0, %ecx
3:  movw $0, MODERN + 0x3000(%ecx)   /* queue 0's notification, and the rest of the first 256 bytes */
    add $4, %ecx
    cmp $0x100, %ecx
    jb 3b
    movb $0, MODERN + 0x14           /* reset */
    mov MODERN + 0x1000, %al         /* the ISR */
    xor %eax, %eax
    out %eax, $0xf4
