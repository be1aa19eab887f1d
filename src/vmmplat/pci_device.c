/* pci_device.c: configuration spaces a device is made of: a type-0 header held in memory, the host bridge, and a
   host device's own space through accessors (passthrough). */
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "pci_regs.h"

_Static_assert(offsetof(vmm_pci_device_def_t, caps_len) == PCI_HEADER_SIZE, "the header is the 64 bytes of PCI's");
_Static_assert(PCI_BAR_OFFSET(0) == PCI_BASE_ADDRESS_0 &&
                   offsetof(vmm_pci_device_def_t, interrupt_line) == PCI_INTERRUPT_LINE,
               "the header's fields at PCI's offsets");

int vmm_pci_entry_ignore_write(void *cookie, int offset, int size, uint32_t value)
{
    (void)cookie, (void)offset, (void)size, (void)value;
    return 0;
}

int vmm_pci_mem_device_read(void *cookie, int offset, int size, uint32_t *result)
{
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    *result = 0;
    if (offset + size <= PCI_HEADER_SIZE) /* capability space: none here */
        memcpy(result, (const char *)cookie + offset, (size_t)size);
    return 0;
}

int vmm_pci_mem_device_write(void *cookie, int offset, int size, uint32_t value)
{
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    if (offset + size <= PCI_HEADER_SIZE)
        memcpy((char *)cookie + offset, &value, (size_t)size);
    return 0;
}

void define_pci_host_bridge(vmm_pci_device_def_t *bridge)
{
    *bridge = (vmm_pci_device_def_t){
        .vendor_id = 0x5E14, .device_id = 0x42, .revision_id = 0x1, .subclass = 0x0, .class_code = 0x06};
}

static int passthrough_read(void *cookie, int offset, int size, uint32_t *result)
{
    const pci_passthrough_device_t *d = cookie;
    unsigned off = (unsigned)offset;
    switch (size) {
    case 1: *result = d->config.ioread8(d->config.cookie, d->addr, off); return 0;
    case 2: *result = d->config.ioread16(d->config.cookie, d->addr, off); return 0;
    case 4: *result = d->config.ioread32(d->config.cookie, d->addr, off); return 0;
    default: return -1;
    }
}

static int passthrough_write(void *cookie, int offset, int size, uint32_t value)
{
    const pci_passthrough_device_t *d = cookie;
    unsigned off = (unsigned)offset;
    switch (size) {
    case 1: d->config.iowrite8(d->config.cookie, d->addr, off, (uint8_t)value); return 0;
    case 2: d->config.iowrite16(d->config.cookie, d->addr, off, (uint16_t)value); return 0;
    case 4: d->config.iowrite32(d->config.cookie, d->addr, off, value); return 0;
    default: return -1;
    }
}

vmm_pci_entry_t vmm_pci_create_passthrough(vmm_pci_address_t addr, vmm_pci_config_t config)
{
    pci_passthrough_device_t *d = malloc(sizeof(*d));
    if (!d)
        return (vmm_pci_entry_t){0};
    *d = (pci_passthrough_device_t){.addr = addr, .config = config};
    return (vmm_pci_entry_t){.cookie = d, .ioread = passthrough_read, .iowrite = passthrough_write};
}
