/* sel4vmmplatsupport/drivers/virtio_pci_emul.h: libsel4vmmplatsupport's virtio device core: the legacy
   virtio-over-PCI register file a device's I/O BAR shows (virtio 1.2, 4.1.4.10), its queues, and the ring
   helpers. vcpuctx keeps upstream's types and fields; where it differs (guest faults are errors the guest sees,
   not assertions; the ISR clears on read; a status of 0 resets the device) docs/api.md says so. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_EMUL_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_EMUL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ethdrivers/raw.h>
#include <platsupport/io.h>
#include <satadrivers/raw.h>
#include <sel4vmmplatsupport/drivers/virtio_pci_console.h>
#include <sel4vm/guest_irq_controller.h>
#include <sel4vm/guest_vm.h>
#include <virtio/virtio_blk.h>
#include <virtio/virtio_con.h>
#include <virtio/virtio_net.h>
#include <virtio/virtio_config.h>
#include <virtio/virtio_pci.h>
#include <virtio/virtio_ring.h>

#define RX_QUEUE 0
#define TX_QUEUE 1

typedef enum virtio_pci_devices {
    VIRTIO_NET,
    VIRTIO_CONSOLE,
    VIRTIO_BLOCK,
    VIRTIO_VSOCK,
} virtio_pci_devices_t;

#define VQUEUE_NUM_VRINGS (VIRTIO_CON_MAX_PORTS * 2 + 2)

/* The queues as the guest set them: status, the selected queue, and per queue its size, page frame number,
   guest-physical ring addresses and the next available entry the device takes. */
typedef struct v_queue {
    int status;
    uint16_t queue;
    struct vring vring[VQUEUE_NUM_VRINGS];
    uint16_t queue_size[VQUEUE_NUM_VRINGS];
    uint32_t queue_pfn[VQUEUE_NUM_VRINGS];
    uint16_t last_idx[VQUEUE_NUM_VRINGS];
} vqueue_t;

typedef struct virtio_emul {
    void *internal; /* the device's own state */
    /* The register file at a byte offset into the I/O BAR: 0, or -1 for an access the device refuses. */
    int (*io_in)(struct virtio_emul *emul, unsigned int offset, unsigned int size, unsigned int *result);
    int (*io_out)(struct virtio_emul *emul, unsigned int offset, unsigned int size, unsigned int value);
    /* Process the device's transmit queue again (the backend calls it when it can take more). */
    void (*notify)(struct virtio_emul *emul);
    /* The device's registers (features, configuration, notify), offered each access first: true if taken. */
    bool (*device_io_in)(struct virtio_emul *emul, unsigned int offset, unsigned int size, unsigned int *result);
    bool (*device_io_out)(struct virtio_emul *emul, unsigned int offset, unsigned int size, unsigned int result);
    vqueue_t virtq;
    vm_t *vm;
} virtio_emul_t;

virtio_emul_t *virtio_emul_init(ps_io_ops_t io_ops, int queue_size, vm_t *vm, void *driver, void *config,
                                virtio_pci_devices_t device);

/* The ring helpers, on the guest's rings through vm_guest_read_mem and vm_guest_write_mem. */
void ring_used_add(virtio_emul_t *emul, struct vring *vring, struct vring_used_elem elem);
struct vring_desc ring_desc(virtio_emul_t *emul, struct vring *vring, uint16_t idx);
uint16_t ring_avail_idx(virtio_emul_t *emul, struct vring *vring);
uint16_t ring_avail(virtio_emul_t *emul, struct vring *vring, uint16_t idx);

/* vcpuctx: how its vcpuctx_make_virtio_* maker shows a device, beyond upstream's arguments. cb_cookie: the
   backend's own, in its driver's cb_cookie from the first call on. modern_bar: 0 for upstream's legacy-only
   function; else the device is transitional, as QEMU's are: the legacy registers in BAR 0 and the virtio 1.x
   interface (with VIRTIO_F_VERSION_1) in a 32 KiB memory BAR 4 at this guest-physical address (32 KiB-aligned,
   below 4 GiB, outside RAM), which the maker reserves on the VM. msix (with modern_bar): an MSI-X capability
   too, with a vector for the configuration and one for each queue, its table in BAR 4, each message sent with
   vcpuctx_vm_signal_msi (so the VM needs the in-kernel irqchip); INTx serves while the guest leaves MSI-X off. */
#define VCPUCTX_VIRTIO_BAR_SIZE 0x8000
struct vcpuctx_virtio_pci {
    void *cb_cookie;
    uintptr_t modern_bar;
    bool msix;
};

/* vcpuctx: the device drives the guest's interrupt line itself, level-triggered as PCI's INTx is: raised
   with its ISR, lowered when the guest reads the ISR or resets the device (instead of calling the backend's
   handleIRQ). vcpu is any of the VM's. 0, or -1 (EINVAL). */
int vcpuctx_virtio_intx(virtio_emul_t *emul, vm_vcpu_t *vcpu, int line);

/* vcpuctx: offer the guest these feature bits (0-31) as well as the device's own, for a backend that can, for
   example VIRTIO_BLK_F_RO or VIRTIO_BLK_F_FLUSH. Call before the guest's driver starts. 0, or -1 (EINVAL). */
int vcpuctx_virtio_add_features(virtio_emul_t *emul, uint32_t features);

void *block_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, diskif_driver_init driver, void *config);
void *net_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, ethif_driver_init driver, void *config);
void *console_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, console_driver_init driver, void *config);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_EMUL_H */
