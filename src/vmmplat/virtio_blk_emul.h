/* virtio_blk_emul.h: the virtio block device's state, for its transport's maker. */
#ifndef VMMPLAT_VIRTIO_BLK_EMUL_H
#define VMMPLAT_VIRTIO_BLK_EMUL_H

#include "virtio_dev.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

struct blk_emul {
    struct vio *v;
    struct disk_driver driver;
    struct virtio_blk_config cfg;
    struct virtq_chain chain; /* the request being served (the transport's lock held) */
};

/* The block device as its transport shows it. */
extern const struct vio_device vio_blk_device;

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_BLK_EMUL_H */
