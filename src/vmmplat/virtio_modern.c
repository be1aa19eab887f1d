/* virtio_modern.c: the virtio 1.x interface of a transitional device (virtio 1.2, 4.1.4): the common
   configuration, the ISR, the device's configuration and the notification area, laid out in its memory BAR at
   the VIO_MODERN_* offsets, the MSI-X table after them. The legacy register file (virtio_emul.c) shows the same device
   through its I/O BAR. Every access has an answer: one no field takes reads as zero and is dropped. */
#include <virtio/virtio_config.h>

#include "virtio_dev.h"

#define VIRTIO_F_VERSION_1 32

/* The common configuration structure's fields (4.1.4.3), by offset. */
enum {
    CC_DFSELECT = 0x00,
    CC_DF = 0x04,
    CC_GFSELECT = 0x08,
    CC_GF = 0x0c,
    CC_MSIX = 0x10,
    CC_NUMQ = 0x12,
    CC_STATUS = 0x14,
    CC_CFGGEN = 0x15,
    CC_Q_SELECT = 0x16,
    CC_Q_SIZE = 0x18,
    CC_Q_MSIX = 0x1a,
    CC_Q_ENABLE = 0x1c,
    CC_Q_NOFF = 0x1e,
    CC_Q_DESC = 0x20,
    CC_Q_AVAIL = 0x28,
    CC_Q_USED = 0x30,
    CC_END = 0x38
};

static struct vio_modern_queue *selected(struct vio *v)
{
    unsigned q = v->emul.virtq.queue;
    return q < v->dev->nqueues ? &v->mq[q] : NULL;
}

static uint64_t features_window(uint64_t f, uint32_t select)
{
    return select < 2 ? (uint32_t)(f >> (32 * select)) : 0;
}

static uint64_t queue_read(struct vio *v, unsigned field)
{
    const struct vio_modern_queue *m = selected(v);
    if (!m)
        return field == CC_Q_MSIX ? VIRTIO_MSI_NO_VECTOR : 0;
    switch (field) {
    case CC_Q_SIZE: return m->size;
    case CC_Q_MSIX: return v->msix.queue_vector[v->emul.virtq.queue];
    case CC_Q_ENABLE: return m->enabled;
    case CC_Q_NOFF: return v->emul.virtq.queue;
    case CC_Q_DESC: return m->desc;
    case CC_Q_AVAIL: return m->avail;
    case CC_Q_USED: return m->used;
    }
    return 0;
}

/* A field's value, the field at the access's start offset (the widths the structure defines). */
static uint64_t common_read(struct vio *v, unsigned field)
{
    switch (field) {
    case CC_DFSELECT: return v->feature_select;
    case CC_DF: return features_window(v->features, v->feature_select);
    case CC_GFSELECT: return v->driver_feature_select;
    case CC_GF: return features_window(v->guest_features, v->driver_feature_select);
    case CC_MSIX: return v->msix.config_vector;
    case CC_NUMQ: return v->dev->nqueues;
    case CC_STATUS: return (uint8_t)v->emul.virtq.status;
    case CC_CFGGEN: return 0;
    case CC_Q_SELECT: return v->emul.virtq.queue;
    }
    return queue_read(v, field);
}

static void set_driver_features(struct vio *v, uint32_t value)
{
    unsigned shift = 32 * v->driver_feature_select;
    if (v->driver_feature_select > 1 || (v->emul.virtq.status & VIRTIO_CONFIG_S_FEATURES_OK))
        return;
    uint64_t window = (uint64_t)0xffffffffu << shift;
    v->guest_features = (v->guest_features & ~window) | (((uint64_t)value << shift) & v->features);
}

/* The guest enables the selected queue: its parts as set, if they make a queue. */
static void enable_queue(struct vio *v, struct vio_modern_queue *m)
{
    unsigned q = v->emul.virtq.queue;
    if (m->enabled || virtq_set(&v->q[q], m->size, m->desc, m->avail, m->used) < 0)
        return;
    m->enabled = true;
    v->emul.virtq.queue_size[q] = m->size;
}

static void queue_write(struct vio *v, unsigned field, uint64_t value)
{
    struct vio_modern_queue *m = selected(v);
    if (m && field == CC_Q_MSIX) { /* a vector may change at any time */
        v->msix.queue_vector[v->emul.virtq.queue] = vio_msix_vector(&v->msix, (uint32_t)value);
        return;
    }
    if (!m || m->enabled) /* a queue's fields are fixed once it is enabled, until a reset */
        return;
    switch (field) {
    case CC_Q_SIZE:
        if (value && value <= v->queue_max && !(value & (value - 1)))
            m->size = (uint16_t)value;
        break;
    case CC_Q_ENABLE:
        if (value == 1)
            enable_queue(v, m);
        break;
    case CC_Q_DESC: m->desc = value; break;
    case CC_Q_AVAIL: m->avail = value; break;
    case CC_Q_USED: m->used = value; break;
    }
}

/* FEATURES_OK stays set only for features the device offered with VERSION_1 among them (3.1.1). */
static void set_status(struct vio *v, uint8_t status)
{
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !(v->guest_features >> VIRTIO_F_VERSION_1 & 1))
        status &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
    vio_set_status(v, status);
}

static void common_write(struct vio *v, unsigned field, uint64_t value)
{
    switch (field) {
    case CC_DFSELECT: v->feature_select = (uint32_t)value; return;
    case CC_MSIX: v->msix.config_vector = vio_msix_vector(&v->msix, (uint32_t)value); return;
    case CC_GFSELECT: v->driver_feature_select = (uint32_t)value; return;
    case CC_GF: set_driver_features(v, (uint32_t)value); return;
    case CC_STATUS: set_status(v, (uint8_t)value); return;
    case CC_Q_SELECT: v->emul.virtq.queue = (uint16_t)value; return;
    }
    queue_write(v, field, value);
}

/* Whether an access of size bytes at field offset off is one of the structure's (its width, or a 64-bit field
   as two 32-bit halves). */
static int common_width(unsigned off)
{
    if (off < CC_MSIX)
        return 4;
    if (off == CC_STATUS || off == CC_CFGGEN)
        return 1;
    return off < CC_Q_DESC ? 2 : 8;
}

uint64_t vio_modern_read(struct vio *v, uint64_t offset, unsigned size)
{
    uint64_t value = 0;
    if (offset >= VIO_MODERN_MSIX) {
        value = vio_msix_read(&v->msix, offset - VIO_MODERN_MSIX, size);
    } else if (offset < VIO_MODERN_COMMON + CC_END) {
        unsigned field = (unsigned)offset & ~(common_width((unsigned)offset & ~7u) == 8 ? 7u : 0u);
        unsigned w = (unsigned)common_width(field);
        if (size == w || (w == 8 && size == 4))
            value = common_read(v, field) >> (8 * (offset - field));
    } else if (offset == VIO_MODERN_ISR && size == 1) {
        value = vio_read_isr(v);
    } else if (offset >= VIO_MODERN_DEVICE && offset - VIO_MODERN_DEVICE + size <= v->dev->config_len) {
        memcpy(&value, v->config + (offset - VIO_MODERN_DEVICE), size);
    }
    return size >= 8 ? value : value & ((1ull << (8 * size)) - 1);
}

void vio_modern_write(struct vio *v, uint64_t offset, unsigned size, uint64_t value)
{
    if (offset >= VIO_MODERN_MSIX) {
        vio_msix_write(&v->msix, offset - VIO_MODERN_MSIX, size, value);
        return;
    }
    if (offset >= VIO_MODERN_NOTIFY) {
        uint64_t q = (offset - VIO_MODERN_NOTIFY) / VIO_NOTIFY_MULT;
        if (q < v->dev->nqueues && v->mq[q].enabled)
            vio_kick(v, (uint32_t)q);
        return;
    }
    if (offset >= VIO_MODERN_COMMON + CC_END)
        return;
    unsigned field = (unsigned)offset & ~(common_width((unsigned)offset & ~7u) == 8 ? 7u : 0u);
    unsigned w = (unsigned)common_width(field);
    if (size == w)
        common_write(v, field, value);
    else if (w == 8 && size == 4) { /* one half of a 64-bit address */
        uint64_t old = queue_read(v, field), shift = 8 * (offset - field);
        common_write(v, field, (old & ~(0xffffffffull << shift)) | (value & 0xffffffffu) << shift);
    }
}
