/* pci.c: libsel4vmmplatsupport's virtual PCI bus: bus 0, function 0 of each of 32 devices, the host bridge at
   00:00.0. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "pci_regs.h"

int vmm_pci_init(vmm_pci_space_t **space)
{
    vmm_pci_space_t *s = calloc(1, sizeof(*s));
    vmm_pci_device_def_t *bridge = calloc(1, sizeof(*bridge));
    if (!s || !bridge || !space)
        goto fail;
    define_pci_host_bridge(bridge);
    vmm_pci_entry_t entry = {
        .cookie = bridge, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    if (vmm_pci_add_entry(s, entry, NULL) < 0)
        goto fail;
    *space = s;
    return 0;
fail:
    free(s);
    free(bridge);
    errno = space ? ENOMEM : EINVAL;
    return -1;
}

int vmm_pci_add_entry(vmm_pci_space_t *space, vmm_pci_entry_t entry, vmm_pci_address_t *addr)
{
    if (!space || !entry.ioread) {
        errno = EINVAL;
        return -1;
    }
    unsigned dev = 0;
    while (dev < 32 && space->bus0[dev][0])
        dev++;
    if (dev == 32) {
        errno = ENOSPC;
        return -1;
    }
    vmm_pci_entry_t *copy = malloc(sizeof(*copy));
    if (!copy)
        return -1;
    *copy = entry;
    space->bus0[dev][0] = copy;
    if (addr)
        *addr = (vmm_pci_address_t){.bus = 0, .dev = (uint8_t)dev, .fun = 0};
    return 0;
}

void make_addr_reg_from_config(uint32_t conf, vmm_pci_address_t *addr, uint8_t *reg)
{
    addr->bus = (conf >> 16) & 0xff;
    addr->dev = (conf >> 11) & 0x1f;
    addr->fun = (conf >> 8) & 0x7;
    *reg = conf & 0xff;
}

vmm_pci_entry_t *find_device(vmm_pci_space_t *self, vmm_pci_address_t addr)
{
    if (!self || addr.bus != 0 || addr.dev >= 32 || addr.fun >= 8)
        return NULL;
    return self->bus0[addr.dev][addr.fun];
}

void vcpuctx_pci_free(vmm_pci_space_t *space)
{
    if (!space)
        return;
    if (space->bus0[0][0])
        free(space->bus0[0][0]->cookie); /* the host bridge vmm_pci_init made */
    for (unsigned d = 0; d < 32; d++)
        for (unsigned f = 0; f < 8; f++)
            free(space->bus0[d][f]);
    free(space);
}
