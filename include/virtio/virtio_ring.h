/* virtio/virtio_ring.h: the split virtqueue's layout (virtio 1.2, 2.7; legacy 4096-byte alignment), with the
   names util_libs' libvirtio gives it. A struct vring's pointers hold guest-physical addresses, never
   dereferenced by the VMM. */
#ifndef VIRTIO_VIRTIO_RING_H
#define VIRTIO_VIRTIO_RING_H

#include <stdint.h>

#define VRING_DESC_F_NEXT           1
#define VRING_DESC_F_WRITE          2
#define VRING_DESC_F_INDIRECT       4
#define VRING_USED_F_NO_NOTIFY      1
#define VRING_AVAIL_F_NO_INTERRUPT  1
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct vring_used {
    uint16_t flags;
    uint16_t idx;
    struct vring_used_elem ring[];
};

struct vring {
    unsigned int num;
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
};

static inline void vring_init(struct vring *vr, unsigned int num, void *p, unsigned long align)
{
    uintptr_t base = (uintptr_t)p, avail = base + num * sizeof(struct vring_desc);
    vr->num = num;
    vr->desc = (struct vring_desc *)base;
    vr->avail = (struct vring_avail *)avail;
    vr->used = (struct vring_used *)((avail + sizeof(uint16_t) * (3 + num) + align - 1) & ~(align - 1));
}

static inline unsigned vring_size(unsigned int num, unsigned long align)
{
    return (unsigned)(((sizeof(struct vring_desc) * num + sizeof(uint16_t) * (3 + num) + align - 1) & ~(align - 1)) +
                      sizeof(uint16_t) * 3 + sizeof(struct vring_used_elem) * num);
}

#endif /* VIRTIO_VIRTIO_RING_H */
