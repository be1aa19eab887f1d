/* ring.h: the bytes the VMM hands the serial driver, in the shared region serial_tx (one writer, one reader). */
#ifndef EXAMPLE_RING_H
#define EXAMPLE_RING_H

#include <stdint.h>

struct ring {
    uint32_t head, tail; /* read at head, written at tail, both counting bytes ever */
    char buf[4096 - 8];
};

static inline int ring_put(struct ring *r, char c)
{
    uint32_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
    if (tail - __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == sizeof(r->buf))
        return -1;
    r->buf[tail % sizeof(r->buf)] = c;
    __atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
    return 0;
}

static inline int ring_get(struct ring *r)
{
    uint32_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
    if (head == __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE))
        return -1;
    char c = r->buf[head % sizeof(r->buf)];
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
    return (unsigned char)c;
}

#endif /* EXAMPLE_RING_H */
