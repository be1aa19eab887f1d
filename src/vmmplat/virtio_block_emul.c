/* virtio_block_emul.c: the virtio block device (virtio 1.2, 5.2) behind libsel4vmmplatsupport's transport:
   requests of any number of segments, each handed to the raw_diskiface_funcs_t backend where it lies in guest
   RAM, with its status written back. */
#include <errno.h>
#include <stdlib.h>

#include "virtio_blk_emul.h"

#define SECTOR       512u
#define BLK_FEATURES ((1u << VIRTIO_BLK_F_BLK_SIZE) | (1u << VIRTIO_BLK_F_SEG_MAX) | (1u << VIRTIO_BLK_F_SIZE_MAX))

/* Which bytes of a chain a request moves: of one kind, from byte at, len of them. */
struct span {
    bool write;
    size_t at, len;
};

/* A transfer in progress: the backend's, its type, the next piece's sector. */
struct xfer {
    struct blk_emul *b;
    uint8_t type;
    uint64_t sector;
};

/* One piece of guest RAM to or from the backend (whole sectors only). */
static bool xfer_piece(void *arg, uint8_t *p, size_t len)
{
    struct xfer *x = arg;
    if (len % SECTOR || x->b->driver.i_fn.raw_xfer(&x->b->driver, x->type, x->sector, (uint32_t)len, (uintptr_t)p) !=
                            VIRTIO_BLK_XFER_COMPLETE)
        return false;
    x->sector += len / SECTOR;
    return true;
}

/* Hand the span's pieces to the backend, sector by sector from sector. */
static bool xfer(struct blk_emul *b, const struct virtq_chain *c, uint32_t type, uint64_t sector, struct span s)
{
    struct xfer x = {b, (uint8_t)type, sector};
    return virtq_each(c, s.write, s.at, s.len, xfer_piece, &x) == s.len;
}

static bool in_range(const struct blk_emul *b, uint64_t sector, size_t len)
{
    uint64_t n = len / SECTOR;
    return len % SECTOR == 0 && sector <= b->cfg.capacity && n <= b->cfg.capacity - sector;
}

static uint8_t serve(struct blk_emul *b, const struct virtq_chain *c, const struct virtio_blk_outhdr *h)
{
    bool ro = b->v->features & (1u << VIRTIO_BLK_F_RO);
    size_t out = c->readable - sizeof(*h), in = c->writable - 1;
    switch (h->type) {
    case VIRTIO_BLK_T_IN:
        if (!in_range(b, h->sector, in))
            return VIRTIO_BLK_S_IOERR;
        return xfer(b, c, h->type, h->sector, (struct span){true, 0, in}) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_OUT:
        if (ro || !in_range(b, h->sector, out))
            return VIRTIO_BLK_S_IOERR;
        return xfer(b, c, h->type, h->sector, (struct span){false, sizeof(*h), out}) ? VIRTIO_BLK_S_OK
                                                                                     : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_FLUSH:
        return b->driver.i_fn.raw_xfer(&b->driver, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_XFER_COMPLETE
                   ? VIRTIO_BLK_S_OK
                   : VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_UNSUPP;
}

/* One request: its status in the chain's last writable byte; the bytes written. */
static uint32_t request(struct blk_emul *b, const struct virtq_chain *c)
{
    struct virtio_blk_outhdr h = {0};
    if (!c->writable)
        return 0;
    uint8_t status = VIRTIO_BLK_S_IOERR;
    if (virtq_copy(c, false, 0, &h, sizeof(h)) == sizeof(h))
        status = serve(b, c, &h);
    virtq_copy(c, true, c->writable - 1, &status, 1);
    return status == VIRTIO_BLK_S_OK && h.type == VIRTIO_BLK_T_IN ? c->writable : 1;
}

static void blk_kick(struct vio *v, unsigned q)
{
    struct blk_emul *b = v->emul.internal;
    int got, done = 0;
    while ((got = virtq_pop(&v->q[q], &v->mem, &b->chain)) > 0) {
        if (virtq_push(&v->q[q], &v->mem, b->chain.head, request(b, &b->chain)) < 0) {
            got = -1;
            break;
        }
        done++;
    }
    if (done)
        vio_interrupt(v, q);
    if (got < 0)
        vio_broken(v);
}

static void blk_raise(struct vio *v)
{
    struct blk_emul *b = v->emul.internal;
    if (b->driver.i_fn.raw_handleIRQ)
        b->driver.i_fn.raw_handleIRQ(&b->driver, 0);
}

const struct vio_device vio_blk_device = {
    .features = BLK_FEATURES,
    .nqueues = 1,
    .config_len = sizeof(struct virtio_blk_config),
    .kick = blk_kick,
    .raise = blk_raise,
};

void *block_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, diskif_driver_init driver, void *config)
{
    struct blk_emul *b = vio_part_alloc(emul, driver, sizeof(*b));
    if (!b)
        return NULL;
    b->v = vio_of(emul);
    b->driver.dma_alignment = sizeof(uintptr_t);
    if (driver(&b->driver, io_ops, config) != 0) {
        free(b);
        errno = EIO;
        return NULL;
    }
    b->cfg = (struct virtio_blk_config){.blk_size = SECTOR, .seg_max = VIRTQ_MAX_SEGS - 2, .size_max = 1u << 20};
    if (b->driver.i_fn.low_level_init)
        b->driver.i_fn.low_level_init(&b->driver, &b->cfg);
    if (b->cfg.seg_max > emul->virtq.queue_size[0] - 2u)
        b->cfg.seg_max = emul->virtq.queue_size[0] - 2u;
    memcpy(b->v->config, &b->cfg, sizeof(b->cfg));
    emul->internal = b;
    return b;
}
