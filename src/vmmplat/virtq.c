/* virtq.c: the device side of a split virtqueue, every guest-supplied index, address and length checked. */
#include <errno.h>
#include <string.h>

#include <virtio/virtio_pci.h>
#include <virtio/virtio_ring.h>

#include "virtq.h"

static void *map(const struct virtq_mem *m, uint64_t gpa, size_t len)
{
    return gpa + len < gpa ? NULL : m->map(m->cookie, gpa, len);
}

void virtq_set_legacy(struct virtq *q, uint16_t num, uint64_t pfn)
{
    uint64_t base = pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
    *q = (struct virtq){.num = pfn ? num : 0};
    if (!pfn)
        return;
    q->desc = base;
    q->avail = base + (uint64_t)num * sizeof(struct vring_desc);
    uint64_t avail_end = q->avail + sizeof(uint16_t) * (3 + (uint64_t)num);
    q->used = (avail_end + VIRTIO_PCI_VRING_ALIGN - 1) & ~(uint64_t)(VIRTIO_PCI_VRING_ALIGN - 1);
}

static int fail(int e)
{
    errno = e;
    return -1;
}

int virtq_set(struct virtq *q, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    *q = (struct virtq){0};
    if (!num || (num & (num - 1)) || desc % 16 || avail % 2 || used % 4)
        return fail(EINVAL);
    *q = (struct virtq){.num = num, .desc = desc, .avail = avail, .used = used};
    return 0;
}

/* Add descriptor d to chain c, checking what the guest gave. */
static int take_desc(const struct virtq_mem *m, struct virtq_chain *c, const struct vring_desc *d)
{
    bool write = d->flags & VRING_DESC_F_WRITE;
    if (d->flags & VRING_DESC_F_INDIRECT || d->len == 0 || (!write && c->writable))
        return fail(EINVAL);
    if (c->nsegs == VIRTQ_MAX_SEGS)
        return fail(ELOOP);
    uint8_t *p = map(m, d->addr, d->len);
    if (!p)
        return fail(EFAULT);
    c->seg[c->nsegs++] = (struct virtq_seg){.p = p, .len = d->len, .write = write};
    if (write)
        c->writable += d->len;
    else
        c->readable += d->len;
    return 0;
}

static int walk(const struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c)
{
    const struct vring_desc *table = map(m, q->desc, sizeof(*table) * q->num);
    if (!table)
        return fail(EFAULT);
    uint16_t i = c->head;
    for (unsigned n = 0;; n++) {
        if (i >= q->num)
            return fail(EINVAL);
        if (n == q->num)
            return fail(ELOOP);
        struct vring_desc d;
        memcpy(&d, &table[i], sizeof(d));
        if (take_desc(m, c, &d) < 0)
            return -1;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return 0;
        i = d.next;
    }
}

int virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c)
{
    if (!q->num)
        return 0;
    struct vring_avail *a = map(m, q->avail, sizeof(*a) + sizeof(uint16_t) * q->num);
    if (!a)
        return fail(EFAULT);
    uint16_t idx = __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE);
    if (idx == q->last_avail)
        return 0;
    if ((uint16_t)(idx - q->last_avail) > q->num)
        return fail(EINVAL);
    c->head = __atomic_load_n(&a->ring[q->last_avail & (q->num - 1)], __ATOMIC_RELAXED);
    c->nsegs = 0;
    c->readable = c->writable = 0;
    if (walk(q, m, c) < 0)
        return -1;
    q->last_avail++;
    return 1;
}

int virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t len)
{
    struct vring_used *u = map(m, q->used, sizeof(*u) + sizeof(struct vring_used_elem) * q->num);
    if (!u)
        return fail(EFAULT);
    u->ring[q->next_used & (q->num - 1)] = (struct vring_used_elem){.id = head, .len = len};
    q->next_used++;
    __atomic_store_n(&u->idx, q->next_used, __ATOMIC_RELEASE);
    return 0;
}

bool virtq_pending(const struct virtq *q, const struct virtq_mem *m)
{
    const struct vring_avail *a = q->num ? map(m, q->avail, sizeof(*a)) : NULL;
    return a && __atomic_load_n(&a->idx, __ATOMIC_ACQUIRE) != q->last_avail;
}

bool virtq_quiet(const struct virtq *q, const struct virtq_mem *m)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    const struct vring_avail *a = map(m, q->avail, sizeof(*a));
    return a && (__atomic_load_n(&a->flags, __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT);
}

size_t virtq_each(const struct virtq_chain *c, bool write, size_t at, size_t len, virtq_piece_fn fn, void *arg)
{
    size_t done = 0;
    for (unsigned i = 0; i < c->nsegs && done < len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (s->write != write)
            continue;
        if (at >= s->len) {
            at -= s->len;
            continue;
        }
        size_t n = s->len - at < len - done ? s->len - at : len - done;
        if (!fn(arg, s->p + at, n))
            break;
        done += n;
        at = 0;
    }
    return done;
}

struct copy {
    uint8_t *buf;
    bool to_guest;
};

static bool copy_piece(void *arg, uint8_t *p, size_t n)
{
    struct copy *c = arg;
    if (c->to_guest)
        memcpy(p, c->buf, n);
    else
        memcpy(c->buf, p, n);
    c->buf += n;
    return true;
}

size_t virtq_copy(const struct virtq_chain *c, bool write, size_t at, void *buf, size_t len)
{
    struct copy k = {buf, write};
    return virtq_each(c, write, at, len, copy_piece, &k);
}
