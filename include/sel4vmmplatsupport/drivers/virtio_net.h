/* sel4vmmplatsupport/drivers/virtio_net.h: libsel4vmmplatsupport's virtio network device on the PCI bus: frames
   the guest sends go to a raw_iface_funcs backend; the backend hands frames to the guest through the driver's
   i_cb (allocate_rx_buf, rx_complete) with its cb_cookie. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H

#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/drivers/pci.h>
#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>
#include <sel4vmmplatsupport/ioports.h>
#include <virtio/virtio_net.h>

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

/* vcpuctx: offloads through a backend whose frames carry a struct virtio_net_hdr_mrg_rxbuf (12 bytes) ahead of
   them, both ways, as a Linux tap's do with IFF_VNET_HDR and a header size of 12. The device offers the guest
   features (bits of VCPUCTX_VIRTIO_NET_OFFLOADS), passes the guest's header to raw_tx as the first piece of each frame
   and the backend's to the guest, and calls accept with the features the guest took when it sets DRIVER_OK, and with 0
   at each reset: the backend then sends only what those allow (a frame that needs more is dropped and counted). Call it
   before the guest starts. 0, or -1 with errno: EINVAL (no net or accept, or a bit that is not an offload). */
#define VCPUCTX_VIRTIO_NET_OFFLOADS                                                                                    \
    (1u << VIRTIO_NET_F_CSUM | 1u << VIRTIO_NET_F_GUEST_CSUM | 1u << VIRTIO_NET_F_GUEST_TSO4 |                         \
     1u << VIRTIO_NET_F_GUEST_TSO6 | 1u << VIRTIO_NET_F_GUEST_ECN | 1u << VIRTIO_NET_F_HOST_TSO4 |                     \
     1u << VIRTIO_NET_F_HOST_TSO6 | 1u << VIRTIO_NET_F_HOST_ECN)
typedef int (*vcpuctx_net_accept_fn)(struct eth_driver *driver, uint64_t guest_features);
int vcpuctx_virtio_net_offload(virtio_net_t *net, uint32_t features, vcpuctx_net_accept_fn accept);

/* vcpuctx: free a device made above, as vcpuctx_virtio_blk_free (the backend calls it no more). */
void vcpuctx_virtio_net_free(virtio_net_t *net);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_NET_H */
