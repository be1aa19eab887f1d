/* pci.c: libsel4vmmplatsupport's virtual PCI bus: bus 0, function 0 of each of 32 devices, the host bridge at
   00:00.0. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "pci_regs.h"

/* A space and its host bridge, allocated together: the bridge lives as long as the space, whatever entry a VMM
   puts at 00:00.0 later. */
struct space_with_bridge {
    vmm_pci_space_t space; /* first: the block is freed through it */
    vmm_pci_device_def_t bridge;
};

int vmm_pci_init(vmm_pci_space_t **space)
{
    struct space_with_bridge *b = space ? calloc(1, sizeof(*b)) : NULL;
    if (!b) {
        errno = space ? ENOMEM : EINVAL;
        return -1;
    }
    define_pci_host_bridge(&b->bridge);
    vmm_pci_entry_t entry = {
        .cookie = &b->bridge, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    if (vmm_pci_add_entry(&b->space, entry, NULL) < 0) {
        free(b);
        return -1;
    }
    *space = &b->space;
    return 0;
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
    for (unsigned d = 0; d < 32; d++)
        for (unsigned f = 0; f < 8; f++)
            free(space->bus0[d][f]);
    free(space); /* and the bridge made with it */
}
