/* virtio_function.h: what every libsel4vmmplatsupport virtio device's maker does alike: its I/O BAR in the port
   list, its configuration header (upstream's, or a transitional one with the virtio 1.x interface), and its
   function on the bus. */
#ifndef VMMPLAT_VIRTIO_FUNCTION_H
#define VMMPLAT_VIRTIO_FUNCTION_H

#include <sel4vmmplatsupport/ioports.h>

#include "virtio_pci.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

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

/* What a device owns of its function: its header, or with the virtio 1.x interface its whole configuration
   space, whose command register gates BAR 0's ports (upstream's header decodes always). */
struct vio_function {
    struct vio_head *head;
    vmm_pci_device_def_t def;
    struct vio_pci modern;
};

/* Where a maker puts its device: upstream's arguments, and vcpuctx's options (NULL: upstream's function). */
struct vio_place {
    vm_t *vm;
    vmm_pci_space_t *pci;
    vmm_io_port_list_t *ioport;
    ioport_range_t range;
    ioport_type_t port_type;
    unsigned pin, line;
    const struct vcpuctx_virtio_pci *opts;
};

/* A device struct of size bytes, zeroed; NULL with errno (EINVAL: no VM, space or list at; ENOMEM). */
void *vio_alloc(size_t size, const struct vio_place *at);

/* Make the device whose struct d starts with head: its transport and its part of kind type (driver_init called
   with d as its config), then its I/O BAR in the port list and its function on the bus. 0; -1 (errno) with d
   freed; -2 (errno) with d kept: its range is in the port list, which has no call to let go. */
int vio_make(void *d, struct vio_head *head, struct vio_function *f, const struct vio_kind *k,
             virtio_pci_devices_t type, void *driver_init, const struct vio_place *at);

/* Free a device vio_make made (the VM not destroyed yet: its memory BAR's reservation goes too). */
void vio_unmake(void *d, struct vio_head *head, struct vio_function *f);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_FUNCTION_H */
