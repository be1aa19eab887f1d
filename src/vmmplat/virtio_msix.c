/* virtio_msix.c: a virtio function's MSI-X table, pending bits and vectors; messages sent, or kept pending
   while masked and sent when unmasked, as PCI's MSI-X does. */
#include <string.h>

#include <virtio/virtio_pci.h>

#include "virtio_msix.h"

_Static_assert(sizeof(struct vio_msix_entry) == 16, "an MSI-X table entry is 16 bytes");
_Static_assert(VIO_MSIX_MAX <= 64, "the pending bits are one 64-bit word");

void vio_msix_init(struct vio_msix *m, unsigned nvectors, int (*signal)(void *, uint64_t, uint32_t), void *cookie)
{
    *m = (struct vio_msix){
        .nvectors = nvectors < VIO_MSIX_MAX ? nvectors : VIO_MSIX_MAX, .signal = signal, .cookie = cookie};
    for (unsigned i = 0; i < VIO_MSIX_MAX; i++)
        m->table[i].ctrl = 1;
    vio_msix_reset(m);
}

bool vio_msix_on(const struct vio_msix *m)
{
    return m->nvectors && m->control & VIO_MSIX_CTRL_ENABLE;
}

void vio_msix_reset(struct vio_msix *m)
{
    m->config_vector = VIRTIO_MSI_NO_VECTOR;
    for (unsigned i = 0; i < VQUEUE_NUM_VRINGS; i++)
        m->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
}

uint16_t vio_msix_vector(const struct vio_msix *m, uint32_t vector)
{
    return vector < m->nvectors ? (uint16_t)vector : VIRTIO_MSI_NO_VECTOR;
}

static bool masked(const struct vio_msix *m, unsigned vector)
{
    return m->control & VIO_MSIX_CTRL_MASK || m->table[vector].ctrl & 1;
}

static void send(struct vio_msix *m, unsigned vector)
{
    const struct vio_msix_entry *e = &m->table[vector];
    m->pending &= ~(1ull << vector);
    if (m->signal)
        m->signal(m->cookie, (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
}

void vio_msix_notify(struct vio_msix *m, uint16_t vector)
{
    if (!vio_msix_on(m) || vector >= m->nvectors)
        return;
    if (masked(m, vector))
        m->pending |= 1ull << vector;
    else
        send(m, vector);
}

/* Every pending message whose vector is no longer masked. */
static void send_unmasked(struct vio_msix *m)
{
    for (unsigned i = 0; i < m->nvectors && vio_msix_on(m); i++)
        if (m->pending >> i & 1 && !masked(m, i))
            send(m, i);
}

void vio_msix_control(struct vio_msix *m, uint16_t control)
{
    m->control = control & (VIO_MSIX_CTRL_ENABLE | VIO_MSIX_CTRL_MASK);
    send_unmasked(m);
}

uint64_t vio_msix_read(const struct vio_msix *m, uint64_t offset, unsigned size)
{
    if ((size != 4 && size != 8) || offset % size)
        return 0;
    if (offset >= VIO_MSIX_PBA)
        return offset - VIO_MSIX_PBA < 8 ? m->pending >> (8 * (offset - VIO_MSIX_PBA)) : 0;
    if (offset + size > 16 * m->nvectors)
        return 0;
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)m->table + offset, size);
    return v;
}

void vio_msix_write(struct vio_msix *m, uint64_t offset, unsigned size, uint64_t value)
{
    if ((size != 4 && size != 8) || offset % size || offset + size > 16 * m->nvectors)
        return; /* the pending bits are read-only */
    memcpy((uint8_t *)m->table + offset, &value, size);
    for (unsigned i = 0; i < m->nvectors; i++)
        m->table[i].ctrl &= 1; /* the vector control's other bits are reserved: zero */
    send_unmasked(m);
}
