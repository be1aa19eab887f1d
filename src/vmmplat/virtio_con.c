/* virtio_con.c: upstream's common_make_virtio_con: a virtio console function on the PCI bus, its I/O BAR in the
   VMM's port list, the guest's output to the VMM's virtio_console_passthrough backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_con.h>

#include "virtio_con_emul.h"
#include "virtio_function.h"

struct con_dev {
    virtio_con_t pub;
    struct vcpuctx_virtio_pci opts;
    struct vio_function fn;
};

static const struct vio_kind con_kind = {.device_id = VIRTIO_CONSOLE_PCI_DEVICE_ID,
                                         .subsystem_id = VIRTIO_ID_CONSOLE,
                                         .class = VIRTIO_PCI_CLASS_CONSOLE,
                                         .command = 0x3, /* I/O and memory decoding, as upstream's */
                                         .header_writable = true,
                                         .desc = "VIRTIO CON"};

/* Upstream's driver init: the backend's table; vcpuctx's writer with its cookie. */
static int driver_init(struct virtio_console_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops;
    struct con_dev *d = config;
    driver->backend_fn = d->pub.emul_driver_funcs;
    d->pub.emul_driver = driver;
    return 0;
}

virtio_con_t *vcpuctx_make_virtio_con(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, struct virtio_console_passthrough backend,
                                      const struct vcpuctx_virtio_pci *opts, vcpuctx_console_write_fn write)
{
    struct vio_place at = {vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, opts};
    struct con_dev *d = vio_alloc(sizeof(*d), &at);
    if (!d)
        return NULL;
    d->pub.emul_driver_funcs = backend;
    if (opts)
        d->opts = *opts;
    if (vio_make(d, (struct vio_head *)&d->pub, &d->fn, &con_kind, VIRTIO_CONSOLE, driver_init, &at) < 0)
        return NULL;
    struct con_emul *c = d->pub.emul->internal;
    c->write = write; /* before the guest runs: only its accesses call the writer */
    c->write_cookie = d->opts.cb_cookie;
    return &d->pub;
}

virtio_con_t *common_make_virtio_con(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, struct virtio_console_passthrough backend)
{
    return vcpuctx_make_virtio_con(vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, backend,
                                   NULL, NULL);
}

void vcpuctx_virtio_con_free(virtio_con_t *con)
{
    if (con)
        vio_unmake(con, (struct vio_head *)con, &((struct con_dev *)con)->fn);
}
