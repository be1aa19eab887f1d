/* virtq.h: a split virtqueue as the device side walks it (virtio 1.2, 2.7): chains popped from the available
   ring, checked whole before a byte is moved, and heads pushed to the used ring. Guest memory is reached through
   a map callback, so the walker runs on a plain buffer in the unit tests. */
#ifndef VMMPLAT_VIRTQ_H
#define VMMPLAT_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

/* Longest chain a device takes: a request's header, 254 data segments and its status. */
#define VIRTQ_MAX_SEGS 256

/* Where guest-physical [gpa, gpa+len) is in the VMM, or NULL unless all of it is guest RAM. */
struct virtq_mem {
    void *cookie;
    void *(*map)(void *cookie, uint64_t gpa, size_t len);
};

struct virtq {
    uint16_t num;               /* entries, a power of 2; 0: not set up */
    uint64_t desc, avail, used; /* guest-physical addresses of the three parts */
    uint16_t last_avail;        /* the next available entry to take */
    uint16_t next_used;         /* the used ring's index, as the device (not the guest's copy) keeps it */
};

struct virtq_seg {
    uint8_t *p;
    uint32_t len;
    bool write; /* device-writable */
};

struct virtq_chain {
    uint16_t head;
    unsigned nsegs;
    uint32_t readable, writable; /* bytes of each kind */
    struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Set the queue's parts as the legacy interface places them, from the page frame number pfn (0: none). */
void virtq_set_legacy(struct virtq *q, uint16_t num, uint64_t pfn);

/* Set the queue's parts where the virtio 1.x interface put them: num entries (a power of 2), each part aligned
   as the split queue needs (16, 2, 4 bytes). 0, or -1 (EINVAL) leaving q unset. */
int virtq_set(struct virtq *q, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used);

/* Take the next available chain into c: 1, 0 when none is waiting, -1 with errno when the guest's ring is
   malformed (EFAULT: a part or a buffer outside RAM; ELOOP: a chain longer than the queue or VIRTQ_MAX_SEGS;
   EINVAL: an index past the queue, an indirect or zero-length descriptor, a readable one after a writable). The
   entry is consumed only when it is taken. */
int virtq_pop(struct virtq *q, const struct virtq_mem *m, struct virtq_chain *c);

/* Return chain head to the guest with len bytes written: 0, or -1 (EFAULT) when the used ring is not RAM. */
int virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t len);

/* Whether the guest has made a chain available that is not taken yet. */
bool virtq_pending(const struct virtq *q, const struct virtq_mem *m);

/* Whether the guest asked for no interrupt (VRING_AVAIL_F_NO_INTERRUPT). */
bool virtq_quiet(const struct virtq *q, const struct virtq_mem *m);

/* The pieces of up to len bytes of the chain's readable (write false) or writable bytes from byte at on, in
   order, each to fn(arg, where it is in the VMM, its length) until fn says false; returns the bytes fn took. */
typedef bool (*virtq_piece_fn)(void *arg, uint8_t *p, size_t n);
size_t virtq_each(const struct virtq_chain *c, bool write, size_t at, size_t len, virtq_piece_fn fn, void *arg);

/* Copy up to len bytes of the chain's readable (write false) or writable bytes from byte at on, to or from
   buf; returns the bytes moved. */
size_t virtq_copy(const struct virtq_chain *c, bool write, size_t at, void *buf, size_t len);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTQ_H */
