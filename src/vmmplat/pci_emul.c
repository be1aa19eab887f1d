/* pci_emul.c: configuration-space wrappers that emulate part of another entry's space: the BARs, the interrupt
   line, the capability list (and the list without MSI and MSI-X). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "pci_regs.h"

/* Bytes [offset & 3, + size) of a register's value. */
static uint32_t register_bytes(uint32_t reg, int offset, int size)
{
    uint32_t v = reg >> (8 * (offset & 3));
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

/* What BAR bar reads: its address, its type bits, and the guest's last write outside the size's mask. */
static uint32_t bar_value(const pci_bar_emulation_t *e, int bar)
{
    if (bar >= e->num_bars)
        return 0;
    const vmm_pci_bar_t *b = &e->bars[bar];
    uint32_t v = (uint32_t)b->address;
    if (b->mem_type == NON_MEM)
        v |= PCI_BAR_IO;
    else if (b->mem_type == PREFETCH_MEM)
        v |= PCI_BAR_PREFETCH;
    uint32_t size_mask = b->size_bits >= 32 ? 0xffffffffu : (1u << b->size_bits) - 1;
    return v | (e->bar_writes[bar] & ~size_mask);
}

static bool in_bars(int offset, int size)
{
    return offset >= PCI_BASE_ADDRESS_0 && offset + size <= PCI_BASE_ADDRESS_END;
}

static int bar_read(void *cookie, int offset, int size, uint32_t *result)
{
    const pci_bar_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    if (!in_bars(offset, size))
        return pci_forward_read(&e->passthrough, offset, size, result);
    *result = register_bytes(bar_value(e, (offset - PCI_BASE_ADDRESS_0) / 4), offset, size);
    return 0;
}

static int bar_write(void *cookie, int offset, int size, uint32_t value)
{
    pci_bar_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size) || (in_bars(offset, size) && (offset & 3) + size > 4))
        return -1;
    if (!in_bars(offset, size))
        return pci_forward_write(&e->passthrough, offset, size, value);
    memcpy((char *)&e->bar_writes[(offset - PCI_BASE_ADDRESS_0) / 4] + (offset & 3), &value, (size_t)size);
    return 0;
}

vmm_pci_entry_t vmm_pci_create_bar_emulation(vmm_pci_entry_t existing, int num_bars, vmm_pci_bar_t *bars)
{
    pci_bar_emulation_t *e = existing.ioread ? calloc(1, sizeof(*e)) : NULL;
    if (!e || num_bars < 0 || num_bars > 6 || (num_bars && !bars)) {
        free(e);
        return (vmm_pci_entry_t){0};
    }
    e->passthrough = existing;
    e->num_bars = num_bars;
    memcpy(e->bars, bars, sizeof(*bars) * (size_t)num_bars);
    return (vmm_pci_entry_t){.cookie = e, .ioread = bar_read, .iowrite = bar_write};
}

static int irq_read(void *cookie, int offset, int size, uint32_t *result)
{
    const pci_irq_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size) || pci_forward_read(&e->passthrough, offset, size, result) != 0)
        return -1;
    if (PCI_COVERS(offset, size, PCI_INTERRUPT_LINE)) {
        unsigned shift = PCI_SHIFT(offset, PCI_INTERRUPT_LINE);
        *result = (*result & ~(0xffu << shift)) | ((uint32_t)(e->irq & 0xff) << shift);
    }
    return 0;
}

static int irq_write(void *cookie, int offset, int size, uint32_t value)
{
    const pci_irq_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size) || (offset < PCI_INTERRUPT_LINE && offset + size > PCI_INTERRUPT_LINE))
        return -1; /* a write across the line from below: refused, as upstream's */
    if (offset == PCI_INTERRUPT_LINE && size == 1)
        return 0;
    return pci_forward_write(&e->passthrough, offset, size, value);
}

vmm_pci_entry_t vmm_pci_create_irq_emulation(vmm_pci_entry_t existing, int irq)
{
    pci_irq_emulation_t *e = existing.ioread ? malloc(sizeof(*e)) : NULL;
    if (!e)
        return (vmm_pci_entry_t){0};
    *e = (pci_irq_emulation_t){.passthrough = existing, .irq = irq};
    return (vmm_pci_entry_t){.cookie = e, .ioread = irq_read, .iowrite = irq_write};
}
