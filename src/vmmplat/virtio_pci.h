/* virtio_pci.h: a transitional virtio function's PCI side: its configuration space with the virtio 1.x
   capabilities, and BAR 4's MMIO to the virtio 1.x interface. */
#ifndef VMMPLAT_VIRTIO_PCI_H
#define VMMPLAT_VIRTIO_PCI_H

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "virtio_dev.h"

struct vio_pci {
    vmm_pci_device_def_t def; /* the header as made, BAR 0 and BAR 4 at their addresses */
    uint8_t space[256];       /* the configuration space the guest reads */
    uint32_t bar_size[6];     /* 0: no BAR */
    uint32_t sizing;          /* BARs the guest last wrote all ones to */
    uintptr_t mem_base;
    struct vio *v;
    vm_memory_reservation_t *mmio;
};

/* Finish p, whose def the device filled (BAR 0 its I/O base): BAR 4 at mem_base (16 KiB, aligned, below 4 GiB)
   reserved on vm for v's virtio 1.x interface, VERSION_1 offered. 0, or -1 with errno. */
int vio_pci_init(struct vio_pci *p, vm_t *vm, struct vio *v, uint32_t io_size, uintptr_t mem_base);
vmm_pci_entry_t vio_pci_entry(struct vio_pci *p);

#endif /* VMMPLAT_VIRTIO_PCI_H */
