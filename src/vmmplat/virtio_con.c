/* virtio_con.c: upstream's common_make_virtio_con: a virtio console function on the PCI bus, its I/O BAR in the
   VMM's port list, the guest's output to the VMM's virtio_console_passthrough backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_con.h>

#include "virtio_con_emul.h"
#include "virtio_function.h"

#define QUEUE_SIZE 128

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
    struct con_dev *d = vm && pci && ioport ? calloc(1, sizeof(*d)) : NULL;
    if (!d) {
        errno = vm && pci && ioport ? ENOMEM : EINVAL;
        return NULL;
    }
    d->pub.emul_driver_funcs = backend;
    if (opts)
        d->opts = *opts;
    d->pub.emul = virtio_emul_init(d->pub.ioops, QUEUE_SIZE, vm, driver_init, d, VIRTIO_CONSOLE);
    if (!d->pub.emul) {
        int e = errno;
        free(d);
        errno = e;
        return NULL;
    }
    struct con_emul *c = d->pub.emul->internal;
    c->write = write;
    c->write_cookie = d->opts.cb_cookie;
    if (vio_function_add(&d->fn, &con_kind, (struct vio_head *)&d->pub, vm, pci, ioport, ioport_range, port_type,
                         interrupt_pin, interrupt_line, d->opts.modern_bar) < 0)
        return NULL; /* kept: the port list may reach it, and has no call to let go */
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
    if (!con)
        return;
    struct con_dev *d = (struct con_dev *)con;
    vio_function_free(&d->fn, con->emul->vm);
    free(con->emul->internal);
    vio_destroy(vio_of(con->emul));
    free(d);
}
