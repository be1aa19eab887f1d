/* virtio_net_emul.h: the virtio network device's state, for its transport's maker. */
#ifndef VMMPLAT_VIRTIO_NET_EMUL_H
#define VMMPLAT_VIRTIO_NET_EMUL_H

#include <sel4vmmplatsupport/drivers/virtio_net.h>

#include "virtio_dev.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

struct net_emul {
    struct vio *v;
    struct eth_driver driver;
    struct virtio_net_config cfg;
    struct virtq_chain tx, rx;          /* the chains being served (the lock held): the guest's frame, a frame for it */
    vcpuctx_net_accept_fn accept;       /* set: the backend's frames carry a header (vcpuctx_virtio_net_offload) */
    uint64_t rx_dropped;                /* frames with offloads the guest did not take */
    uintptr_t phys[VIRTQ_MAX_SEGS + 1]; /* a frame's pieces for raw_tx: the header's copy, then up to a chain's */
    unsigned int len[VIRTQ_MAX_SEGS + 1];
    unsigned ntxhdr;
    struct virtio_net_hdr_mrg_rxbuf txhdr[]; /* with accept, the header of each frame sent, by head */
};

extern const struct vio_device vio_net_device;

/* vcpuctx_virtio_net_offload's work on n: the offload bits offered, accept told what the guest takes. */
int net_emul_offload(struct net_emul *n, uint32_t features, vcpuctx_net_accept_fn accept);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_NET_EMUL_H */
