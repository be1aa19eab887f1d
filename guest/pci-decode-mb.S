/* pci-decode-mb.S: a multiboot kernel run with a virtio disk at 00:01.0 (vcpuctx-run's first slot), looking at
   how the command register gates the function's BARs: the command register as the VMM leaves it, then the legacy
   registers through BAR 0 and the virtio 1.x common configuration through BAR 4 with decoding off (no device
   answers: all ones), then both again after the guest sets I/O and memory decoding. Prints each; exits 0
   (status 1) when every value is as a PCI function's must be, else with the number wrong. */
    .include "io.inc"
    .include "mb.inc"
    .include "pci.inc"
    MB_KERNEL

    .set DEV, 0x80000800        /* 00:01.0 */

    MB_START
    xor %edi, %edi
    CONF_READ (DEV + 0)
    SHOW "id"
    EXPECT 0x10011af4           /* a transitional virtio block device */
    CONF_READ (DEV + 4)
    and $0xffff, %eax
    SHOW "command"
    EXPECT 0                    /* no decoding until the guest asks, as on QEMU's functions */
    CONF_READ (DEV + 0x10)
    and $0xfffc, %eax
    mov %eax, io_base
    CONF_READ (DEV + 0x20)
    and $0xfffffff0, %eax
    mov %eax, mem_base
    mov io_base, %edx
    in %dx, %eax
    SHOW "io-off"
    EXPECT 0xffffffff
    mov mem_base, %ebx
    mov (%ebx), %eax
    SHOW "mem-off"
    EXPECT 0xffffffff
    movl $1, (%ebx)             /* a write with decoding off reaches nothing */
    CONF_WRITEW (DEV + 4), 3    /* I/O and memory decoding */
    CONF_READ (DEV + 4)
    and $0xffff, %eax
    SHOW "command"
    EXPECT 3
    mov io_base, %edx
    in %dx, %eax
    SHOW "io-on"
    EXPECT 0xffffffff, ne=1
    mov mem_base, %ebx
    mov (%ebx), %eax
    SHOW "mem-on"
    EXPECT 0                    /* device_feature_select: 0, the write above never landed */
    NEWLINE
    mov %edi, %eax
    out %eax, $0xf4
    cli
    hlt

    IO_ROUTINES 32

    .data
io_base: .long 0
mem_base: .long 0

    .bss
    .p2align 4
    .skip 4096
stack_top:
