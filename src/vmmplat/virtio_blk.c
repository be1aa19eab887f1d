/* virtio_blk.c: upstream's common_make_virtio_blk: a legacy virtio-blk function on the PCI bus, its I/O BAR in
   the VMM's port list, requests to the VMM's raw_diskiface_funcs_t backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>
#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_blk.h>

#include "pci_regs.h"
#include "virtio_pci.h"

#define QUEUE_SIZE 128

/* The device and what it owns, freed together. */
struct blk_dev {
    virtio_blk_t pub;
    vmm_pci_device_def_t def;
    struct vcpuctx_virtio_pci opts;
    struct vio_pci modern; /* a transitional device's */
};

static int port_in(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result)
{
    virtio_blk_t *d = cookie;
    return d->emul->io_in(d->emul, port_no - d->iobase, size, result);
}

static int port_out(void *cookie, unsigned int port_no, unsigned int size, unsigned int value)
{
    virtio_blk_t *d = cookie;
    return d->emul->io_out(d->emul, port_no - d->iobase, size, value);
}

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

static unsigned size_bits(unsigned size)
{
    unsigned b = 0;
    while (b < 16 && (1u << (b + 1)) <= size)
        b++;
    return b;
}

static void define_blk(vmm_pci_device_def_t *def, unsigned iobase, unsigned pin, unsigned line)
{
    *def = (vmm_pci_device_def_t){.vendor_id = VIRTIO_PCI_VENDOR_ID,
                                  .device_id = VIRTIO_BLOCK_PCI_DEVICE_ID,
                                  .command = 0x1, /* I/O decoding on */
                                  .header_type = 0,
                                  .subsystem_vendor_id = VIRTIO_PCI_SUBSYSTEM_VENDOR_ID,
                                  .subsystem_id = VIRTIO_ID_BLOCK,
                                  .interrupt_pin = (uint8_t)pin,
                                  .interrupt_line = (uint8_t)line,
                                  .bar0 = iobase | PCI_BAR_IO,
                                  .cache_line_size = 64,
                                  .latency_timer = 64,
                                  .prog_if = VIRTIO_PCI_CLASS_BLOCK & 0xff,
                                  .subclass = (VIRTIO_PCI_CLASS_BLOCK >> 8) & 0xff,
                                  .class_code = (VIRTIO_PCI_CLASS_BLOCK >> 16) & 0xff};
}

/* Upstream's function (a header in memory, one emulated I/O BAR), or a transitional one. */
static int add_function(struct blk_dev *d, vm_t *vm, vmm_pci_space_t *pci, unsigned size, unsigned pin, unsigned line)
{
    if (d->opts.modern_bar) {
        define_blk(&d->modern.def, d->pub.iobase, pin, line);
        if (vio_pci_init(&d->modern, vm, vio_of(d->pub.emul), size, d->opts.modern_bar) < 0)
            return -1;
        return vmm_pci_add_entry(pci, vio_pci_entry(&d->modern), NULL);
    }
    define_blk(&d->def, d->pub.iobase, pin, line);
    vmm_pci_entry_t entry = {
        .cookie = &d->def, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    vmm_pci_bar_t bar = {.mem_type = NON_MEM, .address = d->pub.iobase, .size_bits = size_bits(size)};
    return vmm_pci_add_entry(pci, vmm_pci_create_bar_emulation(entry, 1, &bar), NULL);
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
    ioport_entry_t *io =
        d->pub.emul
            ? vmm_io_port_add_handler(ioport, ioport_range,
                                      (ioport_interface_t){&d->pub, port_in, port_out, "VIRTIO PCI BLK"}, port_type)
            : NULL;
    if (!io) {
        int e = errno;
        vcpuctx_virtio_blk_free(&d->pub);
        errno = e;
        return NULL;
    }
    d->pub.iobase = io->range.start;
    /* A function the bus refuses leaves the device alive: the port list reaches it, and has no call to let go. */
    return add_function(d, vm, pci, io->range.size, interrupt_pin, interrupt_line) < 0 ? NULL : &d->pub;
}

void vcpuctx_virtio_blk_free(virtio_blk_t *blk)
{
    if (!blk)
        return;
    struct blk_dev *d = (struct blk_dev *)blk;
    if (d->modern.mmio)
        vm_free_reserved_memory(blk->emul->vm, d->modern.mmio);
    if (blk->emul) {
        free(blk->emul->internal);
        vio_destroy(vio_of(blk->emul));
    }
    free(d);
}

virtio_blk_t *common_make_virtio_blk(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, raw_diskiface_funcs_t backend)
{
    return vcpuctx_make_virtio_blk(vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, backend,
                                   NULL);
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
