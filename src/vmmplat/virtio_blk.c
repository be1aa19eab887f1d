/* virtio_blk.c: upstream's common_make_virtio_blk: a virtio-blk function on the PCI bus, its I/O BAR in the
   VMM's port list, requests to the VMM's raw_diskiface_funcs_t backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_blk.h>

#include "virtio_function.h"

#define QUEUE_SIZE 128

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
    struct blk_dev *d = vm && pci && ioport && backend.raw_xfer ? calloc(1, sizeof(*d)) : NULL;
    if (!d) {
        errno = vm && pci && ioport && backend.raw_xfer ? ENOMEM : EINVAL;
        return NULL;
    }
    d->pub.emul_driver_funcs = backend;
    if (opts)
        d->opts = *opts;
    d->pub.emul = virtio_emul_init(d->pub.ioops, QUEUE_SIZE, vm, driver_init, d, VIRTIO_BLOCK);
    if (!d->pub.emul) {
        int e = errno;
        free(d);
        errno = e;
        return NULL;
    }
    if (vio_function_add(&d->fn, &blk_kind, (struct vio_head *)&d->pub, vm, pci, ioport, ioport_range, port_type,
                         interrupt_pin, interrupt_line, d->opts.modern_bar) < 0)
        return NULL; /* kept: the port list may reach it, and has no call to let go */
    return &d->pub;
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
    if (!blk)
        return;
    struct blk_dev *d = (struct blk_dev *)blk;
    vio_function_free(&d->fn, blk->emul->vm);
    free(blk->emul->internal);
    vio_destroy(vio_of(blk->emul));
    free(d);
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
