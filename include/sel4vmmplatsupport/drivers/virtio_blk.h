/* sel4vmmplatsupport/drivers/virtio_blk.h: libsel4vmmplatsupport's virtio block device on the PCI bus: a
   legacy virtio-blk function whose I/O BAR the port list places, requests handed to a raw_diskiface_funcs_t
   backend. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_BLK_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_BLK_H

#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/drivers/pci.h>
#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>
#include <sel4vmmplatsupport/ioports.h>

typedef struct virtio_blk {
    unsigned int iobase;
    virtio_emul_t *emul;
    struct disk_driver *emul_driver;
    raw_diskiface_funcs_t emul_driver_funcs;
    ps_io_ops_t ioops;
} virtio_blk_t;

/* Make the device: its I/O BAR in ioport (placed as port_type says), its function on the next free slot of pci,
   interrupt_pin and interrupt_line in its configuration header, requests to backend. NULL (errno) on failure. */
virtio_blk_t *common_make_virtio_blk(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, raw_diskiface_funcs_t backend);

/* A backend whose functions all fail, for a VMM to fill in. */
raw_diskiface_funcs_t virtio_blk_default_backend(void);

/* vcpuctx: common_make_virtio_blk as opts says (NULL: as upstream's). */
virtio_blk_t *vcpuctx_make_virtio_blk(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, raw_diskiface_funcs_t backend,
                                      const struct vcpuctx_virtio_pci *opts);

/* vcpuctx: free a device made above, once neither its PCI space nor its port list is used again, and before its
   VM is destroyed (its memory BAR's reservation goes too). */
void vcpuctx_virtio_blk_free(virtio_blk_t *blk);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_BLK_H */
