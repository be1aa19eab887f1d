/* sel4vmmplatsupport/arch/ioport_defs.h: the PC's well-known port ranges (inclusive), as upstream names them. */
#ifndef SEL4VMMPLATSUPPORT_ARCH_IOPORT_DEFS_H
#define SEL4VMMPLATSUPPORT_ARCH_IOPORT_DEFS_H

#define X86_IO_PIT_START        0x40
#define X86_IO_PIT_END          0x5f
#define X86_IO_PS2C_START       0x60
#define X86_IO_PS2C_END         0x64
#define X86_IO_RTC_START        0x70
#define X86_IO_RTC_END          0x7f
#define X86_IO_ISA_DMA_START    0x80
#define X86_IO_ISA_DMA_END      0x8f
#define X86_IO_POS_START        0x100
#define X86_IO_POS_END          0x10F
#define X86_IO_SERIAL_2_START   0x2f8
#define X86_IO_SERIAL_2_END     0x2ff
#define X86_IO_SERIAL_3_START   0x3e8
#define X86_IO_SERIAL_3_END     0x3ef
#define X86_IO_SERIAL_1_START   0x3f8
#define X86_IO_SERIAL_1_END     0x3ff
#define X86_IO_SERIAL_4_START   0x2e8
#define X86_IO_SERIAL_4_END     0x2ef
#define X86_IO_PCI_CONFIG_START 0xcf8
#define X86_IO_PCI_CONFIG_END   0xcff

#endif /* SEL4VMMPLATSUPPORT_ARCH_IOPORT_DEFS_H */
