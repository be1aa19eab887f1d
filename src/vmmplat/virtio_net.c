/* virtio_net.c: upstream's common_make_virtio_net: a virtio network function on the PCI bus, its I/O BAR in the
   VMM's port list, frames to and from the VMM's raw_iface_funcs backend. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>
#include <sel4vmmplatsupport/drivers/virtio_net.h>

#include "virtio_function.h"
#include "virtio_net_emul.h"

struct net_dev {
    virtio_net_t pub;
    struct vcpuctx_virtio_pci opts;
    bool vcpuctx; /* made with opts: eth_data is the VMM's cookie */
    struct vio_function fn;
};

static const struct vio_kind net_kind = {.device_id = VIRTIO_NET_PCI_DEVICE_ID,
                                         .subsystem_id = VIRTIO_ID_NET,
                                         .class = VIRTIO_PCI_CLASS_NET,
                                         .command = 0x3, /* I/O and memory decoding, as upstream's */
                                         .header_writable = true,
                                         .desc = "VIRTIO PCI NET"};

/* Upstream's driver init: the backend's table, the device (or the VMM's cookie) as eth_data. */
static int driver_init(struct eth_driver *driver, ps_io_ops_t io_ops, void *config)
{
    struct net_dev *d = config;
    driver->eth_data = d->vcpuctx ? d->opts.cb_cookie : (void *)&d->pub;
    driver->io_ops = io_ops;
    driver->dma_alignment = sizeof(uintptr_t);
    driver->i_fn = d->pub.emul_driver_funcs;
    d->pub.emul_driver = driver;
    return 0;
}

virtio_net_t *vcpuctx_make_virtio_net(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, struct raw_iface_funcs backend,
                                      const struct vcpuctx_virtio_pci *opts)
{
    struct vio_place at = {vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, opts};
    struct net_dev *d = vio_alloc(sizeof(*d), &at);
    if (!d)
        return NULL;
    d->pub.emul_driver_funcs = backend;
    if (opts) {
        d->opts = *opts;
        d->vcpuctx = true;
    }
    int r = vio_make(d, (struct vio_head *)&d->pub, &d->fn, &net_kind, VIRTIO_NET, driver_init, &at);
    return r == 0 ? &d->pub : NULL;
}

virtio_net_t *common_make_virtio_net(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, struct raw_iface_funcs backend)
{
    return vcpuctx_make_virtio_net(vm, pci, ioport, ioport_range, port_type, interrupt_pin, interrupt_line, backend,
                                   NULL);
}

int vcpuctx_virtio_net_offload(virtio_net_t *net, uint32_t features, vcpuctx_net_accept_fn accept)
{
    if (!net || !net->emul) {
        errno = EINVAL;
        return -1;
    }
    return net_emul_offload(net->emul->internal, features, accept);
}

void vcpuctx_virtio_net_free(virtio_net_t *net)
{
    if (net)
        vio_unmake(net, (struct vio_head *)net, &((struct net_dev *)net)->fn);
}

static int refuse_tx(struct eth_driver *driver, unsigned int num, uintptr_t *phys, unsigned int *len, void *cookie)
{
    (void)driver, (void)num, (void)phys, (void)len, (void)cookie;
    return ETHIF_TX_FAILED;
}

struct raw_iface_funcs virtio_net_default_backend(void)
{
    return (struct raw_iface_funcs){.raw_tx = refuse_tx};
}
