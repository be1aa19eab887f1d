/* virtio_blk.c: upstream's common_make_virtio_blk: a virtio-blk function on the PCI bus, its I/O BAR in the
   VMM's port list, requests to the VMM's raw_diskiface_funcs_t backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_blk.h>

#include "virtio_function.h"

/* The device and what it owns, freed together. */
struct blk_dev {
    virtio_blk_t pub;
    struct vcpuctx_virtio_pci opts;
    struct vio_function fn;
};

static const struct vio_kind blk_kind = {.device_id = VIRTIO_BLOCK_PCI_DEVICE_ID,
                                         .subsystem_id = VIRTIO_ID_BLOCK,
                                         .class = VIRTIO_PCI_CLASS_BLOCK,
                                         .command = 0x1, /* I/O decoding */
                                         .header_writable = false,
                                         .desc = "VIRTIO PCI BLK"};

/* Upstream's driver init: the backend's table, the device as its disk_data, the VMM's cookie as cb_cookie. */
static int driver_init(struct disk_driver *driver, ps_io_ops_t io_ops, void *config)
{
    struct blk_dev *d = config;
    driver->disk_data = &d->pub;
    driver->cb_cookie = d->opts.cb_cookie;
    driver->io_ops = io_ops;
    driver->i_fn = d->pub.emul_driver_funcs;
    d->pub.emul_driver = driver;
    return 0;
}

virtio_blk_t *vcpuctx_make_virtio_blk(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, raw_diskiface_funcs_t backend,
                                      const struct vcpuctx_virtio_pci *opts)
{
    struct vio_place at = {vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, opts};
    struct blk_dev *d = backend.raw_xfer ? vio_alloc(sizeof(*d), &at) : NULL;
    if (!d) {
        errno = backend.raw_xfer ? errno : EINVAL;
        return NULL;
    }
    d->pub.emul_driver_funcs = backend;
    if (opts)
        d->opts = *opts;
    int r = vio_make(d, (struct vio_head *)&d->pub, &d->fn, &blk_kind, VIRTIO_BLOCK, driver_init, &at);
    return r == 0 ? &d->pub : NULL;
}

virtio_blk_t *common_make_virtio_blk(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, raw_diskiface_funcs_t backend)
{
    return vcpuctx_make_virtio_blk(vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, backend,
                                   NULL);
}

void vcpuctx_virtio_blk_free(virtio_blk_t *blk)
{
    if (blk)
        vio_unmake(blk, (struct vio_head *)blk, &((struct blk_dev *)blk)->fn);
}

static int refuse_xfer(struct disk_driver *driver, uint8_t direction, uint64_t sector, uint32_t len, uintptr_t buf)
{
    (void)driver, (void)direction, (void)sector, (void)len, (void)buf;
    return VIRTIO_BLK_XFER_FAILED;
}

raw_diskiface_funcs_t virtio_blk_default_backend(void)
{
    return (raw_diskiface_funcs_t){.raw_xfer = refuse_xfer};
}
