/* virtio_pci.h: a transitional virtio function's PCI side: its configuration space with the virtio 1.x
   capabilities, and BAR 4's MMIO to the virtio 1.x interface. */
#ifndef VMMPLAT_VIRTIO_PCI_H
#define VMMPLAT_VIRTIO_PCI_H

#include <sel4vmmplatsupport/drivers/pci_helper.h>
#include <sel4vmmplatsupport/ioports.h>

#include "virtio_dev.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

struct vio_pci {
    vmm_pci_device_def_t def; /* the header as made, BAR 0 and BAR 4 at their addresses */
    uint8_t space[256];       /* the configuration space the guest reads */
    uint32_t bar_size[6];     /* 0: no BAR */
    uint32_t sizing;          /* BARs the guest last wrote all ones to */
    uintptr_t mem_base;
    struct vio *v;
    vm_t *vm;
    vm_memory_reservation_t *mmio;
    vmm_io_port_list_t *io; /* where BAR 0's range is, and the device's own copy of its base */
    ioport_entry_t *io_entry;
    unsigned int *iobase;
};

/* Finish p, whose def the device filled (BAR 0 at *iobase, entry in io): BAR 4 at mem_base (VIO_MODERN_SIZE,
   aligned, below 4 GiB) reserved on vm for v's virtio 1.x interface, VERSION_1 offered, and with msix an MSI-X
   capability with a vector for the configuration and each queue, sent through vm. A guest that moves a BAR moves
   the port range or the reservation with it. 0, or -1 with errno. */
int vio_pci_init(struct vio_pci *p, vm_t *vm, struct vio *v, vmm_io_port_list_t *io, ioport_entry_t *entry,
                 unsigned int *iobase, uintptr_t mem_base, bool msix);
vmm_pci_entry_t vio_pci_entry(struct vio_pci *p);
/* Whether p's command register has bit (PCI_COMMAND_IO, PCI_COMMAND_MEMORY) set: the BAR decodes. Off until the
   guest sets it, as on QEMU's functions. */
bool vio_pci_decodes(const struct vio_pci *p, unsigned bit);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_PCI_H */
