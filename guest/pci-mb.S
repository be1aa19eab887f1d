/* pci-mb.S: a multiboot kernel that looks at the PC's PCI host bridge as firmware and test kernels do, through
   configuration mechanism #1: 00:00.0's IDs, class and revision, header type and subsystem, then what the data
   window reads with the address register's enable bit clear, and what an empty slot (00:1f.0) reads. Prints
   each; exits 0 (status 1) when all are QEMU's i440FX's, else with the number wrong. */
    .include "io.inc"
    .include "mb.inc"
    .include "pci.inc"
    MB_KERNEL

    MB_START
    xor %edi, %edi              /* what is wrong */
    CONF_READ 0x80000000
    SHOW "id"
    EXPECT 0x12378086           /* Intel 82441FX */
    CONF_READ 0x80000008
    SHOW "class"
    EXPECT 0x06000002           /* a host bridge, revision 2 */
    CONF_READ 0x8000000c
    and $0x00ff0000, %eax
    SHOW "header"
    EXPECT 0                    /* a normal header, one function */
    CONF_READ 0x8000002c
    SHOW "subsystem"
    EXPECT 0x11001af4
    CONF_READ 0x00000000
    SHOW "disabled"
    EXPECT 0xffffffff
    CONF_READ 0x8000f800
    SHOW "empty"
    EXPECT 0xffffffff
    NEWLINE
    mov %edi, %eax
    out %eax, $0xf4
    cli
    hlt

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
