/* pci_regs.h: the PCI configuration registers and bits libsel4vmmplatsupport's PCI files use (PCI Local Bus 3.0,
   6.1-6.2; the values of Linux's pci_regs.h, which upstream takes through util_libs' libpci). */
#ifndef VMMPLAT_PCI_REGS_H
#define VMMPLAT_PCI_REGS_H

#include <sel4vmmplatsupport/drivers/pci.h>

#define PCI_CONF_PORT_ADDR   0xcf8
#define PCI_CONF_PORT_DATA   0xcfc
#define PCI_CONF_PORT_END    0xd00
#define PCI_CONF_ENABLE      0x80000000u
#define PCI_COMMAND          0x04
#define PCI_COMMAND_IO       0x1 /* BARs in I/O space decode */
#define PCI_COMMAND_MEMORY   0x2 /* BARs in memory space decode */
#define PCI_STATUS           0x06
#define PCI_STATUS_CAP_LIST  0x10
#define PCI_HEADER_TYPE      0x0e
#define PCI_HEADER_MULTIFUNC 0x80
#define PCI_BASE_ADDRESS_0   0x10
#define PCI_BASE_ADDRESS_END 0x28 /* past BAR 5 */
#define PCI_CAPABILITY_LIST  0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_HEADER_SIZE      0x40
#define PCI_CAP_ID_MSI       0x05
#define PCI_CAP_ID_MSIX      0x11
#define PCI_BAR_IO           0x1u
#define PCI_BAR_PREFETCH     0x8u

/* Whether an access of size bytes at offset is one a configuration space takes: 1 to 4 bytes within the 256. */
#define PCI_ACCESS_OK(offset, size)   ((size) >= 1 && (size) <= 4 && (offset) >= 0 && (offset) <= 256 - (size))
/* Whether an access of size bytes at offset covers register byte reg; the shift of that byte in its value. */
#define PCI_COVERS(offset, size, reg) ((offset) <= (reg) && (offset) + (size) > (reg))
#define PCI_SHIFT(offset, reg)        (8 * ((reg) - (offset)))

/* What a wrapper hands on to the entry it wraps: a read it cannot make is an error, a write it has no callback
   for is dropped. */
static inline int pci_forward_read(const vmm_pci_entry_t *e, int offset, int size, uint32_t *result)
{
    return e->ioread ? e->ioread(e->cookie, offset, size, result) : -1;
}

static inline int pci_forward_write(const vmm_pci_entry_t *e, int offset, int size, uint32_t value)
{
    return e->iowrite ? e->iowrite(e->cookie, offset, size, value) : 0;
}

#endif /* VMMPLAT_PCI_REGS_H */
