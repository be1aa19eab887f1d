/* pci_ports.c: PCI configuration mechanism #1 over a vmm_pci_space_t: the address register at 0xCF8, the data
   window at 0xCFC-0xCFF, as libsel4vm port handlers. */
#include <string.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>

#include "pci_regs.h"

/* The device and register the address register selects, the window's offset added; NULL: no device, or the
   register's enable bit (31) clear, when the window reaches no configuration space at all. */
static vmm_pci_entry_t *selected(vmm_pci_space_t *space, unsigned offset, int *reg)
{
    if (!(space->conf_port_addr & PCI_CONF_ENABLE))
        return NULL;
    vmm_pci_address_t addr;
    uint8_t r;
    make_addr_reg_from_config(space->conf_port_addr, &addr, &r);
    *reg = r + (int)offset;
    return find_device(space, addr);
}

/* Whether an access of size bytes at port lies within one of the two registers. */
static bool within(unsigned port, unsigned size, unsigned *offset)
{
    unsigned base = port < PCI_CONF_PORT_DATA ? PCI_CONF_PORT_ADDR : PCI_CONF_PORT_DATA;
    *offset = port - base;
    return port >= PCI_CONF_PORT_ADDR && size >= 1 && size <= 4 && port + size <= base + 4;
}

ioport_fault_result_t vmm_pci_io_port_in(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                         unsigned int *result)
{
    (void)vcpu;
    vmm_pci_space_t *space = cookie;
    unsigned offset;
    if (!space)
        return IO_FAULT_ERROR;
    if (!within(port_no, size, &offset)) {
        *result = 0xffffffffu; /* an access across a register, as a bus with nothing there */
        return IO_FAULT_HANDLED;
    }
    if (port_no < PCI_CONF_PORT_DATA) {
        uint32_t v = 0;
        memcpy(&v, (const char *)&space->conf_port_addr + offset, size);
        *result = v;
        return IO_FAULT_HANDLED;
    }
    int reg;
    vmm_pci_entry_t *dev = selected(space, offset, &reg);
    if (!dev) {
        *result = 0xffffffffu; /* no device: all ones, as a master abort reads */
        return IO_FAULT_HANDLED;
    }
    uint32_t v = 0;
    if (dev->ioread(dev->cookie, reg, (int)size, &v) != 0)
        return IO_FAULT_ERROR;
    if (PCI_COVERS(reg, (int)size, PCI_HEADER_TYPE)) /* one function per device: never multi-function */
        v &= ~((uint32_t)PCI_HEADER_MULTIFUNC << PCI_SHIFT(reg, PCI_HEADER_TYPE));
    *result = v;
    return IO_FAULT_HANDLED;
}

ioport_fault_result_t vmm_pci_io_port_out(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                          unsigned int value)
{
    (void)vcpu;
    vmm_pci_space_t *space = cookie;
    unsigned offset;
    if (!space)
        return IO_FAULT_ERROR;
    if (!within(port_no, size, &offset))
        return IO_FAULT_HANDLED; /* an access across a register goes nowhere */
    if (port_no < PCI_CONF_PORT_DATA) {
        uint32_t v = value;
        memcpy((char *)&space->conf_port_addr + offset, &v, size);
        space->conf_port_addr &= ~3u; /* registers are dword-aligned: bits 1:0 read 0 */
        return IO_FAULT_HANDLED;
    }
    int reg;
    vmm_pci_entry_t *dev = selected(space, offset, &reg);
    if (dev && dev->iowrite && dev->iowrite(dev->cookie, reg, (int)size, value) != 0)
        return IO_FAULT_ERROR;
    return IO_FAULT_HANDLED; /* no device: the write goes nowhere */
}
