/* sel4vmmplatsupport/drivers/virtio_net.h: libsel4vmmplatsupport's virtio network device on the PCI bus: frames
   the guest sends go to a raw_iface_funcs backend; the backend hands frames to the guest through the driver's
   i_cb (allocate_rx_buf, rx_complete) with its cb_cookie. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H

#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/drivers/pci.h>
#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>
#include <sel4vmmplatsupport/ioports.h>

typedef struct virtio_net {
    unsigned int iobase;
    virtio_emul_t *emul;
    struct eth_driver *emul_driver;
    struct raw_iface_funcs emul_driver_funcs;
    ps_io_ops_t ioops;
} virtio_net_t;

virtio_net_t *common_make_virtio_net(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, struct raw_iface_funcs backend);

/* A backend whose functions fail, for a VMM to fill in. */
struct raw_iface_funcs virtio_net_default_backend(void);

/* vcpuctx: common_make_virtio_net as opts says (NULL: as upstream's); with opts, the driver's eth_data is
   opts->cb_cookie (upstream: the virtio_net_t), so the backend finds its own state. */
virtio_net_t *vcpuctx_make_virtio_net(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, struct raw_iface_funcs backend,
                                      const struct vcpuctx_virtio_pci *opts);

/* vcpuctx: free a device made above, as vcpuctx_virtio_blk_free (the backend calls it no more). */
void vcpuctx_virtio_net_free(virtio_net_t *net);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H */
