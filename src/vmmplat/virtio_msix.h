/* virtio_msix.h: a transitional virtio function's MSI-X (PCI Local Bus 3.0, 6.8.2; virtio 1.2, 4.1.4.3, 4.1.5.1.2):
   its table and pending bits in the memory BAR, the message control's enable and mask, the vectors the driver
   gives the configuration and each queue, and delivery as a message (vcpuctx_vm_signal_msi). */
#ifndef VMMPLAT_VIRTIO_MSIX_H
#define VMMPLAT_VIRTIO_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

/* The library's own: hidden, so the sealed archive localises it (as -fvisibility=hidden does in src/lib). */
#pragma GCC visibility push(hidden)

#define VIO_MSIX_MAX         (VQUEUE_NUM_VRINGS + 1) /* the configuration's vector and one per queue */
#define VIO_MSIX_CTRL_ENABLE 0x8000
#define VIO_MSIX_CTRL_MASK   0x4000
#define VIO_MSIX_PBA         0x800 /* the pending bits' offset from the table's */

struct vio_msix {
    unsigned nvectors; /* 0: no MSI-X (the function shows no capability) */
    uint16_t control;  /* the message control's enable and function mask bits */
    struct vio_msix_entry {
        uint32_t addr_lo, addr_hi, data, ctrl; /* ctrl bit 0: masked */
    } table[VIO_MSIX_MAX];
    uint64_t pending;
    uint16_t config_vector, queue_vector[VQUEUE_NUM_VRINGS];
    int (*signal)(void *cookie, uint64_t address, uint32_t data);
    void *cookie;
};

/* nvectors vectors (at most VIO_MSIX_MAX), every entry masked, delivered through signal(cookie, ...). */
void vio_msix_init(struct vio_msix *m, unsigned nvectors, int (*signal)(void *, uint64_t, uint32_t), void *cookie);
/* Whether the driver turned MSI-X on: then interrupts are messages and INTx stays low. */
bool vio_msix_on(const struct vio_msix *m);
/* The device's reset: every vector NO_VECTOR (the table is the function's, and stays). */
void vio_msix_reset(struct vio_msix *m);
/* The vector the driver asks: itself when the function has it, else NO_VECTOR (what the driver reads back). */
uint16_t vio_msix_vector(const struct vio_msix *m, uint32_t vector);
/* Send vector's message, or note it pending while it or the function is masked; NO_VECTOR sends nothing. */
void vio_msix_notify(struct vio_msix *m, uint16_t vector);
/* The message control's enable and mask bits, as the driver writes them; pending messages unmasked go. */
void vio_msix_control(struct vio_msix *m, uint16_t control);
/* The table (offsets 0 .. 16 * nvectors) and the pending bits (VIO_MSIX_PBA on), as 4- or 8-byte accesses;
   anything else reads 0 and is dropped. */
uint64_t vio_msix_read(const struct vio_msix *m, uint64_t offset, unsigned size);
void vio_msix_write(struct vio_msix *m, uint64_t offset, unsigned size, uint64_t value);

#pragma GCC visibility pop

#endif /* VMMPLAT_VIRTIO_MSIX_H */
