/* virtio_emul.c: the legacy virtio-over-PCI register file (virtio 1.2, 4.1.4.10) of libsel4vmmplatsupport's
   devices, and upstream's ring helpers. Every access a guest can make has an answer: a register read at the
   wrong width reads all ones and a write there is dropped, as on a bus with nothing to decode it. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vm/guest_irq_controller.h>
#include <sel4vm/guest_ram.h>
#include <vcpuctx.h>

#include "virtio_dev.h"

static void *ram_map(void *cookie, uint64_t gpa, size_t len)
{
    return vcpuctx_guest_ram(cookie, gpa, len);
}

static void set_line(struct vio *v, int level)
{
    if (v->intx_vcpu)
        vm_set_irq_level(v->intx_vcpu, v->intx_line, level && !vio_msix_on(&v->msix));
}

/* Tell the guest: vector's message with MSI-X on, else the INTx line (or upstream's way, the backend's). */
static void raise_interrupt(struct vio *v, uint16_t vector)
{
    if (vio_msix_on(&v->msix))
        vio_msix_notify(&v->msix, vector);
    else if (v->intx_vcpu)
        set_line(v, 1);
    else if (v->dev->raise)
        v->dev->raise(v);
}

void vio_reset(struct vio *v)
{
    v->emul.virtq.status = 0;
    v->guest_features = 0;
    v->feature_select = v->driver_feature_select = 0;
    v->isr = 0;
    set_line(v, 0);
    vio_msix_reset(&v->msix);
    for (unsigned i = 0; i < VQUEUE_NUM_VRINGS; i++) {
        v->q[i] = (struct virtq){0};
        v->emul.virtq.queue_size[i] = v->queue_max;
        v->mq[i] = (struct vio_modern_queue){.size = v->queue_max};
        v->emul.virtq.queue_pfn[i] = 0;
        v->emul.virtq.last_idx[i] = 0;
    }
    if (v->dev->reset)
        v->dev->reset(v);
}

uint8_t vio_read_isr(struct vio *v)
{
    uint8_t isr = v->isr;
    v->isr = 0;
    set_line(v, 0);
    return isr;
}

void vio_set_status(struct vio *v, uint8_t status)
{
    uint8_t was = v->emul.virtq.status;
    if (status == 0) {
        vio_reset(v);
        return;
    }
    v->emul.virtq.status = status;
    if (status & ~was & VIRTIO_CONFIG_S_DRIVER_OK && v->dev->ready)
        v->dev->ready(v);
}

void vio_interrupt(struct vio *v, unsigned q)
{
    v->emul.virtq.last_idx[q] = v->q[q].last_avail;
    if (virtq_quiet(&v->q[q], &v->mem))
        return;
    if (!vio_msix_on(&v->msix))
        v->isr |= 1; /* with MSI-X the queue's own vector says it */
    raise_interrupt(v, v->msix.queue_vector[q]);
}

void vio_broken(struct vio *v)
{
    v->emul.virtq.status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    v->isr |= VIRTIO_PCI_ISR_CONFIG;
    raise_interrupt(v, v->msix.config_vector);
}

void vio_set_msix_control(struct vio *v, uint16_t control)
{
    pthread_mutex_lock(&v->lock);
    vio_msix_control(&v->msix, control);
    set_line(v, v->isr != 0);
    pthread_mutex_unlock(&v->lock);
}

static uint32_t queue_reg_in(struct vio *v, unsigned offset)
{
    unsigned q = v->emul.virtq.queue;
    bool ok = q < v->dev->nqueues;
    if (offset == VIRTIO_PCI_QUEUE_NUM)
        return ok ? v->emul.virtq.queue_size[q] : 0;
    return ok ? v->emul.virtq.queue_pfn[q] : 0;
}

/* With MSI-X on, the legacy vector register at offset (the configuration's, or the selected queue's); else
   NULL. */
static uint16_t *vector_reg(struct vio *v, unsigned offset)
{
    unsigned q = v->emul.virtq.queue;
    if (!vio_msix_on(&v->msix))
        return NULL;
    if (offset == VIRTIO_MSI_CONFIG_VECTOR)
        return &v->msix.config_vector;
    return offset == VIRTIO_MSI_QUEUE_VECTOR && q < v->dev->nqueues ? &v->msix.queue_vector[q] : NULL;
}

/* The register at offset for an access of size bytes, or -1 when none is that wide there. The device's
   configuration starts after the vector registers while MSI-X is on. */
static int reg_in(struct vio *v, unsigned offset, unsigned size, uint32_t *val)
{
    unsigned cfg_off = VIRTIO_PCI_CONFIG_OFF(vio_msix_on(&v->msix));
    size_t cfg = offset - cfg_off;
    uint16_t *vec = size == 2 ? vector_reg(v, offset) : NULL;
    if (vec) {
        *val = *vec;
        return 0;
    }
    if (offset >= cfg_off) {
        if (cfg + size > v->dev->config_len)
            return -1;
        *val = 0;
        memcpy(val, v->config + cfg, size);
        return 0;
    }
    switch (offset | size << 8) {
    case VIRTIO_PCI_HOST_FEATURES | 4 << 8: *val = (uint32_t)v->features; return 0;
    case VIRTIO_PCI_GUEST_FEATURES | 4 << 8: *val = (uint32_t)v->guest_features; return 0;
    case VIRTIO_PCI_QUEUE_PFN | 4 << 8:
    case VIRTIO_PCI_QUEUE_NUM | 2 << 8: *val = queue_reg_in(v, offset); return 0;
    case VIRTIO_PCI_QUEUE_SEL | 2 << 8: *val = v->emul.virtq.queue; return 0;
    case VIRTIO_PCI_STATUS | 1 << 8: *val = (uint32_t)v->emul.virtq.status & 0xff; return 0;
    case VIRTIO_PCI_ISR | 1 << 8: *val = vio_read_isr(v); return 0;
    }
    return -1;
}

static void set_pfn(struct vio *v, uint32_t pfn)
{
    unsigned q = v->emul.virtq.queue;
    if (q >= v->dev->nqueues)
        return;
    v->emul.virtq.queue_pfn[q] = pfn;
    virtq_set_legacy(&v->q[q], v->emul.virtq.queue_size[q], pfn);
    vring_init(&v->emul.virtq.vring[q], v->emul.virtq.queue_size[q], (void *)(uintptr_t)v->q[q].desc,
               VIRTIO_PCI_VRING_ALIGN);
}

void vio_kick(struct vio *v, uint32_t q)
{
    if (q < v->dev->nqueues && !(v->emul.virtq.status & VIRTIO_CONFIG_S_NEEDS_RESET))
        v->dev->kick(v, q);
}

static void reg_out(struct vio *v, unsigned offset, unsigned size, uint32_t val)
{
    uint16_t *vec = size == 2 ? vector_reg(v, offset) : NULL;
    if (vec) {
        *vec = vio_msix_vector(&v->msix, val);
        return;
    }
    switch (offset | size << 8) {
    case VIRTIO_PCI_GUEST_FEATURES | 4 << 8: v->guest_features = val & (uint32_t)v->features; break;
    case VIRTIO_PCI_QUEUE_PFN | 4 << 8: set_pfn(v, val); break;
    case VIRTIO_PCI_QUEUE_SEL | 2 << 8: v->emul.virtq.queue = (uint16_t)val; break;
    case VIRTIO_PCI_QUEUE_NOTIFY | 2 << 8: vio_kick(v, val); break;
    case VIRTIO_PCI_STATUS | 1 << 8: vio_set_status(v, (uint8_t)val); break;
    }
}

static int io_in(virtio_emul_t *emul, unsigned int offset, unsigned int size, unsigned int *result)
{
    struct vio *v = vio_of(emul);
    uint32_t val = 0xffffffffu;
    pthread_mutex_lock(&v->lock);
    if (size > 4 || reg_in(v, offset, size, &val) < 0)
        val = 0xffffffffu;
    pthread_mutex_unlock(&v->lock);
    *result = size >= 4 ? val : val & ((1u << (8 * size)) - 1);
    return 0;
}

static int io_out(virtio_emul_t *emul, unsigned int offset, unsigned int size, unsigned int value)
{
    struct vio *v = vio_of(emul);
    pthread_mutex_lock(&v->lock);
    reg_out(v, offset, size, value);
    pthread_mutex_unlock(&v->lock);
    return 0;
}

static void notify_all(virtio_emul_t *emul)
{
    struct vio *v = vio_of(emul);
    pthread_mutex_lock(&v->lock);
    for (unsigned q = 0; q < v->dev->nqueues; q++)
        vio_kick(v, q);
    pthread_mutex_unlock(&v->lock);
}

struct vio *vio_create(vm_t *vm, const struct vio_device *dev, int queue_size)
{
    if (!vm || queue_size <= 0 || queue_size > 32768 || (queue_size & (queue_size - 1)) ||
        dev->nqueues > VQUEUE_NUM_VRINGS || dev->config_len > sizeof(((struct vio *)0)->config)) {
        errno = EINVAL;
        return NULL;
    }
    struct vio *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    pthread_mutex_init(&v->lock, NULL);
    v->dev = dev;
    v->features = dev->features;
    v->queue_max = (uint16_t)queue_size;
    vio_msix_init(&v->msix, 0, NULL, NULL); /* none until the function gives it vectors */
    v->mem = (struct virtq_mem){.cookie = vm, .map = ram_map};
    v->emul = (virtio_emul_t){.io_in = io_in, .io_out = io_out, .notify = notify_all, .vm = vm};
    for (unsigned i = 0; i < VQUEUE_NUM_VRINGS; i++) {
        v->emul.virtq.queue_size[i] = (uint16_t)queue_size;
        v->mq[i].size = (uint16_t)queue_size;
        vring_init(&v->emul.virtq.vring[i], (unsigned)queue_size, NULL, VIRTIO_PCI_VRING_ALIGN);
    }
    return v;
}

void vio_destroy(struct vio *v)
{
    if (!v)
        return;
    pthread_mutex_destroy(&v->lock);
    free(v);
}

/* Upstream's ring helpers: the ring's parts hold guest-physical addresses. */
static void guest_read(virtio_emul_t *emul, void *buf, uintptr_t gpa, size_t len)
{
    if (vm_ram_touch(emul->vm, gpa, len, vm_guest_ram_read_callback, buf) != 0)
        memset(buf, 0, len);
}

static void guest_write(virtio_emul_t *emul, const void *buf, uintptr_t gpa, size_t len)
{
    vm_ram_touch(emul->vm, gpa, len, vm_guest_ram_write_callback, (void *)(uintptr_t)buf);
}

uint16_t ring_avail_idx(virtio_emul_t *emul, struct vring *vring)
{
    uint16_t idx;
    guest_read(emul, &idx, (uintptr_t)&vring->avail->idx, sizeof(idx));
    return idx;
}

uint16_t ring_avail(virtio_emul_t *emul, struct vring *vring, uint16_t idx)
{
    uint16_t elem;
    guest_read(emul, &elem, (uintptr_t)&vring->avail->ring[idx % vring->num], sizeof(elem));
    return elem;
}

struct vring_desc ring_desc(virtio_emul_t *emul, struct vring *vring, uint16_t idx)
{
    struct vring_desc desc;
    guest_read(emul, &desc, (uintptr_t)&vring->desc[idx % vring->num], sizeof(desc));
    return desc;
}

void ring_used_add(virtio_emul_t *emul, struct vring *vring, struct vring_used_elem elem)
{
    uint16_t idx;
    guest_read(emul, &idx, (uintptr_t)&vring->used->idx, sizeof(idx));
    guest_write(emul, &elem, (uintptr_t)&vring->used->ring[idx % vring->num], sizeof(elem));
    idx++;
    guest_write(emul, &idx, (uintptr_t)&vring->used->idx, sizeof(idx));
}
