/* virtio_net_emul.h: the virtio network device's state, for its transport's maker. */
#ifndef VMMPLAT_VIRTIO_NET_EMUL_H
#define VMMPLAT_VIRTIO_NET_EMUL_H

#include "virtio_dev.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

struct net_emul {
    struct vio *v;
    struct eth_driver driver;
    struct virtio_net_config cfg;
    struct virtq_chain tx, rx; /* the chains being served (the lock held): the guest's frame, a frame for it */
    uintptr_t phys[VIRTQ_MAX_SEGS];
    unsigned int len[VIRTQ_MAX_SEGS];
};

extern const struct vio_device vio_net_device;

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_NET_EMUL_H */
