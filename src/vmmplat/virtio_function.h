/* virtio_function.h: what every libsel4vmmplatsupport virtio device's maker does alike: its I/O BAR in the port
   list, its configuration header (upstream's, or a transitional one with the virtio 1.x interface), and its
   function on the bus. */
#ifndef VMMPLAT_VIRTIO_FUNCTION_H
#define VMMPLAT_VIRTIO_FUNCTION_H

#include <sel4vmmplatsupport/ioports.h>

#include "virtio_pci.h"

/* The start every upstream device struct (virtio_blk_t, virtio_con_t, virtio_net_t) shares. */
struct vio_head {
    unsigned int iobase;
    virtio_emul_t *emul;
};

/* A kind of device: its PCI identity, whether its header in memory takes the guest's writes (upstream's console
   and network devices do, its block device does not), and its ports' description. */
struct vio_kind {
    uint16_t device_id, subsystem_id;
    uint32_t class;
    uint16_t command;
    bool header_writable;
    const char *desc;
};

/* What a device owns of its function. */
struct vio_function {
    vmm_pci_device_def_t def;
    struct vio_pci modern;
};

/* Give dev (its emul made) an I/O BAR in ioport as port_type says, and a function on pci's next free slot: a
   transitional one when modern_bar is set. 0, or -1 with errno; a function the bus refuses leaves the port range
   in the list, reaching dev. */
int vio_function_add(struct vio_function *f, const struct vio_kind *k, struct vio_head *dev, vm_t *vm,
                     vmm_pci_space_t *pci, vmm_io_port_list_t *ioport, ioport_range_t range, ioport_type_t port_type,
                     unsigned pin, unsigned line, uintptr_t modern_bar);
/* Let go of the function's memory BAR (the VM not destroyed yet). */
void vio_function_free(struct vio_function *f, vm_t *vm);

#endif /* VMMPLAT_VIRTIO_FUNCTION_H */
