/* virtio_con_emul.h: the virtio console's state, for its transport's maker. */
#ifndef VMMPLAT_VIRTIO_CON_EMUL_H
#define VMMPLAT_VIRTIO_CON_EMUL_H

#include <sel4vmmplatsupport/drivers/virtio_con.h>

#include "virtio_dev.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

#define CON_PENDING 16 /* control messages waiting for the guest's buffers */

struct con_emul {
    struct vio *v;
    struct virtio_console_driver driver;
    vcpuctx_console_write_fn write; /* or NULL: backend_putchar, byte by byte */
    void *write_cookie;
    struct virtio_con_cfg cfg;
    struct virtio_con_ctl pending[CON_PENDING];
    unsigned npending;
    struct virtq_chain chain; /* the chain being served (the lock held) */
    char out[4096];           /* what a chain of the guest's carries, on its way to the backend */
};

extern const struct vio_device vio_con_device;

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_CON_EMUL_H */
