/* virtio_net_emul.c: the virtio network device (virtio 1.2, 5.1) behind libsel4vmmplatsupport's transport: the
   guest's frames from queue 1 to the backend's raw_tx where they lie in guest RAM (no copy), the backend's frames
   into the guest's receive buffers on queue 0. A MAC address, as upstream's; checksum and segmentation offloads
   with a backend that takes the virtio-net header along (vcpuctx_virtio_net_offload). */
#include <errno.h>
#include <stdlib.h>

#include "virtio_net_emul.h"

#define MAX_FRAME 65536 /* what allocate_rx_buf gives at most: an Ethernet frame of any MTU a tap has */
#define VERSION_1 32

static size_t header_len(const struct vio *v)
{
    return v->guest_features >> VERSION_1 & 1 ? sizeof(struct virtio_net_hdr_mrg_rxbuf) : sizeof(struct virtio_net_hdr);
}

/* The pieces gathered for raw_tx, from index k. */
struct pieces {
    struct net_emul *n;
    unsigned k;
};

static bool add_piece(void *arg, uint8_t *p, size_t len)
{
    struct pieces *g = arg;
    g->n->phys[g->k] = (uintptr_t)p;
    g->n->len[g->k++] = (unsigned)len;
    return true;
}

/* The frame of chain c: its readable pieces less the header, into n->phys and n->len from index k; how many. */
static unsigned frame_pieces(struct net_emul *n, const struct virtq_chain *c, size_t skip, unsigned k)
{
    struct pieces g = {n, k};
    virtq_each(c, false, skip, SIZE_MAX, add_piece, &g);
    return g.k - k;
}

/* With a backend that takes headers: the guest's header of chain c, as the backend's 12 bytes, into piece 0 of
   n->phys; 1, or 0 for a chain shorter than its header (or a head past the headers kept). */
static unsigned header_piece(struct net_emul *n, const struct virtq_chain *c)
{
    size_t hl = header_len(n->v);
    if (c->head >= n->ntxhdr)
        return 0;
    struct virtio_net_hdr_mrg_rxbuf *h = &n->txhdr[c->head];
    *h = (struct virtio_net_hdr_mrg_rxbuf){0};
    if (virtq_copy(c, false, 0, h, hl) != hl)
        return 0;
    h->num_buffers = 0;
    n->phys[0] = (uintptr_t)h;
    n->len[0] = sizeof(*h);
    return 1;
}

/* The pieces of chain c for the backend: the header first when it takes headers; how many (0: no frame). */
static unsigned tx_pieces(struct net_emul *n, const struct virtq_chain *c)
{
    if (!n->accept)
        return frame_pieces(n, c, header_len(n->v), 0);
    unsigned h = header_piece(n, c);
    unsigned k = h ? frame_pieces(n, c, header_len(n->v), 1) : 0;
    return k ? h + k : 0;
}

/* One frame to the backend; whether its chain is returned now (not enqueued by the backend). */
static bool send_frame(struct net_emul *n, const struct virtq_chain *c)
{
    unsigned k = tx_pieces(n, c);
    if (!k || !n->driver.i_fn.raw_tx)
        return true; /* a header alone, or no backend: dropped */
    void *cookie = (void *)(uintptr_t)(c->head + 1u);
    return n->driver.i_fn.raw_tx(&n->driver, k, n->phys, n->len, cookie) != ETHIF_TX_ENQUEUED;
}

static void net_kick(struct vio *v, unsigned q)
{
    struct net_emul *n = v->emul.internal;
    if (q != TX_QUEUE)
        return; /* receive buffers: the backend finds them when it has a frame */
    int got, done = 0;
    while ((got = virtq_pop(&v->q[q], &v->mem, &n->tx)) > 0) {
        if (send_frame(n, &n->tx) && virtq_push(&v->q[q], &v->mem, n->tx.head, 0) < 0) {
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

/* i_cb: the backend is done with an enqueued frame. */
static void tx_complete(void *cb_cookie, void *cookie)
{
    struct vio *v = cb_cookie;
    pthread_mutex_lock(&v->lock);
    if (virtq_push(&v->q[TX_QUEUE], &v->mem, (uint16_t)((uintptr_t)cookie - 1), 0) == 0)
        vio_interrupt(v, TX_QUEUE);
    pthread_mutex_unlock(&v->lock);
}

/* i_cb: room for a frame of buf_size bytes, while the guest has a receive buffer for it; 0 when not. */
static uintptr_t allocate_rx_buf(void *cb_cookie, size_t buf_size, void **cookie)
{
    struct vio *v = cb_cookie;
    struct net_emul *n = v->emul.internal;
    size_t max = MAX_FRAME + (n->accept ? sizeof(struct virtio_net_hdr_mrg_rxbuf) : 0);
    pthread_mutex_lock(&v->lock);
    bool room = buf_size <= max && virtq_pending(&v->q[RX_QUEUE], &v->mem);
    pthread_mutex_unlock(&v->lock);
    *cookie = room ? malloc(buf_size ? buf_size : 1) : NULL;
    return (uintptr_t)*cookie;
}

/* Whether the guest took what header h asks of it: a checksum to finish, a segmentation offload. */
static bool guest_takes(const struct vio *v, const struct virtio_net_hdr *h)
{
    uint64_t f = v->guest_features;
    uint8_t gso = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
    if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM && !(f >> VIRTIO_NET_F_GUEST_CSUM & 1))
        return false;
    if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN && !(f >> VIRTIO_NET_F_GUEST_ECN & 1))
        return false;
    return gso == VIRTIO_NET_HDR_GSO_NONE || (gso == VIRTIO_NET_HDR_GSO_TCPV4 && f >> VIRTIO_NET_F_GUEST_TSO4 & 1) ||
           (gso == VIRTIO_NET_HDR_GSO_TCPV6 && f >> VIRTIO_NET_F_GUEST_TSO6 & 1);
}

/* The header for the guest: the backend's, from the head of frame, when it sends one (then -1 for a frame the
   guest cannot take, or shorter than the header); else zeroed. num_buffers 1 (VERSION_1 has it). How many bytes
   of frame it took. */
static int rx_header(struct net_emul *n, const void *frame, unsigned len, struct virtio_net_hdr_mrg_rxbuf *h)
{
    *h = (struct virtio_net_hdr_mrg_rxbuf){.num_buffers = 1};
    if (!n->accept)
        return 0;
    if (len < sizeof(*h))
        return -1;
    memcpy(&h->hdr, frame, sizeof(h->hdr));
    return guest_takes(n->v, &h->hdr) ? (int)sizeof(*h) : -1;
}

/* One frame into the guest's next receive buffer, after its header. */
static bool deliver(struct vio *v, struct net_emul *n, const uint8_t *frame, unsigned len)
{
    struct virtio_net_hdr_mrg_rxbuf h;
    int skip = rx_header(n, frame, len, &h);
    if (skip < 0) {
        n->rx_dropped++;
        return false;
    }
    struct virtq *q = &v->q[RX_QUEUE];
    int got = virtq_pop(q, &v->mem, &n->rx);
    if (got <= 0) {
        if (got < 0)
            vio_broken(v);
        return false;
    }
    frame += skip;
    len -= (unsigned)skip;
    size_t hl = header_len(v);
    size_t put = virtq_copy(&n->rx, true, 0, &h, hl);
    put += virtq_copy(&n->rx, true, hl, (void *)(uintptr_t)frame, len); /* a frame too big is cut short */
    return virtq_push(q, &v->mem, n->rx.head, (uint32_t)put) == 0;
}

/* i_cb: the frames are in the buffers allocate_rx_buf gave. */
static void rx_complete(void *cb_cookie, unsigned int num_bufs, void **cookies, unsigned int *lens)
{
    struct vio *v = cb_cookie;
    struct net_emul *n = v->emul.internal;
    bool any = false;
    pthread_mutex_lock(&v->lock);
    for (unsigned i = 0; i < num_bufs; i++) {
        if (!(v->emul.virtq.status & VIRTIO_CONFIG_S_NEEDS_RESET))
            any |= deliver(v, n, cookies[i], lens[i]);
        free(cookies[i]);
    }
    if (any)
        vio_interrupt(v, RX_QUEUE);
    pthread_mutex_unlock(&v->lock);
}

static void net_raise(struct vio *v)
{
    struct net_emul *n = v->emul.internal;
    if (n->driver.i_fn.raw_handleIRQ)
        n->driver.i_fn.raw_handleIRQ(&n->driver, 0);
}

/* The backend told what the guest took (ready), or that it took nothing (reset). */
static void net_ready(struct vio *v)
{
    struct net_emul *n = v->emul.internal;
    if (n->accept)
        n->accept(&n->driver, v->guest_features);
}

static void net_reset(struct vio *v)
{
    struct net_emul *n = v->emul.internal;
    if (n->accept)
        n->accept(&n->driver, 0);
}

const struct vio_device vio_net_device = {
    .features = 1u << VIRTIO_NET_F_MAC,
    .nqueues = 2,
    .config_len = VIRTIO_NET_CONFIG_MAC_SZ,
    .kick = net_kick,
    .raise = net_raise,
    .reset = net_reset,
    .ready = net_ready,
};

int net_emul_offload(struct net_emul *n, uint32_t features, vcpuctx_net_accept_fn accept)
{
    if (!accept || features & ~VCPUCTX_VIRTIO_NET_OFFLOADS) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&n->v->lock);
    n->accept = accept;
    n->v->features |= features;
    pthread_mutex_unlock(&n->v->lock);
    return 0;
}

void *net_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, ethif_driver_init driver, void *config)
{
    unsigned heads = vio_of(emul)->queue_max;
    struct net_emul *n = vio_part_alloc(emul, driver, sizeof(*n) + heads * sizeof(n->txhdr[0]));
    if (!n)
        return NULL;
    n->v = vio_of(emul);
    n->ntxhdr = heads;
    n->driver.i_cb = (struct raw_iface_callbacks){tx_complete, rx_complete, allocate_rx_buf};
    n->driver.cb_cookie = emul;
    if (driver(&n->driver, io_ops, config) != 0) {
        free(n);
        errno = EIO;
        return NULL;
    }
    int mtu = 1500;
    if (n->driver.i_fn.low_level_init)
        n->driver.i_fn.low_level_init(&n->driver, n->cfg.mac, &mtu);
    memcpy(n->v->config, &n->cfg, VIRTIO_NET_CONFIG_MAC_SZ);
    emul->internal = n;
    return n;
}
