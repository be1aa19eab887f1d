/* virtio_dev.h: what a libsel4vmmplatsupport virtio device (block, console, network) gives the transport that
   shows it to the guest, and the transport's state. The device's code sees its queues and its configuration
   bytes; the transport owns the register file, the interrupt and the lock. */
#ifndef VMMPLAT_VIRTIO_DEV_H
#define VMMPLAT_VIRTIO_DEV_H

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

#include "virtio_msix.h"
#include "virtq.h"

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

struct vio;

struct vio_device {
    uint32_t features;                       /* offered feature bits 0-31 */
    unsigned nqueues;                        /* queues 0 .. nqueues-1 */
    size_t config_len;                       /* bytes of configuration at VIRTIO_PCI_CONFIG_OFF(0) */
    void (*kick)(struct vio *v, unsigned q); /* the guest notified queue q (the lock held) */
    void (*raise)(struct vio *v);            /* upstream's way to interrupt: the backend's handleIRQ */
    void (*reset)(struct vio *v);            /* the guest reset the device (may be NULL) */
    void (*ready)(struct vio *v);            /* the guest set DRIVER_OK (may be NULL) */
};

struct vio {
    virtio_emul_t emul; /* upstream's view; first, so an emul is its vio */
    pthread_mutex_t lock;
    const struct vio_device *dev;
    uint64_t features; /* dev's, what vcpuctx_virtio_add_features added, VERSION_1 when modern */
    uint8_t config[64];
    uint16_t queue_max; /* each queue's size as made: what a reset restores (a driver may choose fewer) */
    uint64_t guest_features;
    uint8_t isr;
    struct virtq q[VQUEUE_NUM_VRINGS];
    struct vio_modern_queue { /* a queue as the virtio 1.x interface sets it up, until enabled */
        uint16_t size;
        bool enabled;
        uint64_t desc, avail, used;
    } mq[VQUEUE_NUM_VRINGS];
    uint32_t feature_select, driver_feature_select; /* the virtio 1.x interface's 32-bit windows */
    struct virtq_mem mem;
    vm_vcpu_t *intx_vcpu; /* set: the transport drives intx_line itself, level-triggered */
    int intx_line;
    struct vio_msix msix; /* a transitional function's MSI-X, when it has it */
};

static inline struct vio *vio_of(virtio_emul_t *emul)
{
    return (struct vio *)emul;
}

/* A device's part of size bytes, zeroed, for emul with the backend's driver init (both given): NULL with errno
   (EINVAL, ENOMEM) otherwise. */
static inline void *vio_part_alloc(virtio_emul_t *emul, const void *driver, size_t size)
{
    void *p = emul && driver ? calloc(1, size) : NULL;
    if (!p && !(emul && driver))
        errno = EINVAL;
    return p;
}

/* Make a transport for dev with queues of queue_size entries (a power of 2 up to 32768); device state goes in
   emul.internal. */
struct vio *vio_create(vm_t *vm, const struct vio_device *dev, int queue_size);
void vio_destroy(struct vio *v);

/* Shared by the two interfaces (the lock held): reset the device, take a notification of queue q, read (and
   clear) the ISR, set the status. */
void vio_reset(struct vio *v);
void vio_kick(struct vio *v, uint32_t q);
uint8_t vio_read_isr(struct vio *v);
void vio_set_status(struct vio *v, uint8_t status);
/* The function's MSI-X message control as the guest writes it (the lock not held): INTx stays low while MSI-X is
   on, and follows the ISR again when it is off. */
void vio_set_msix_control(struct vio *v, uint16_t control);

/* The virtio 1.x interface (virtio_modern.c): its structures in the memory BAR, by offset (VIO_MODERN_*). */
#define VIO_MODERN_COMMON 0x0000
#define VIO_MODERN_ISR    0x1000
#define VIO_MODERN_DEVICE 0x2000
#define VIO_MODERN_NOTIFY 0x3000
#define VIO_MODERN_MSIX   0x4000 /* the MSI-X table, its pending bits VIO_MSIX_PBA after */
#define VIO_MODERN_SIZE   VCPUCTX_VIRTIO_BAR_SIZE
#define VIO_NOTIFY_MULT   4
uint64_t vio_modern_read(struct vio *v, uint64_t offset, unsigned size);
void vio_modern_write(struct vio *v, uint64_t offset, unsigned size, uint64_t value);

/* The guest's used buffers are there: interrupt it (ISR bit 0), unless it asked for none on queue q. */
void vio_interrupt(struct vio *v, unsigned q);

/* The guest's ring for queue q is malformed: the device needs a reset (status bit 0x40, a configuration
   interrupt) and takes no more from its queues until the guest resets it. */
void vio_broken(struct vio *v);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_DEV_H */
