/* sel4vmmplatsupport/drivers/virtio.h: the PCI identities of libsel4vmmplatsupport's virtio devices (legacy,
   "transitional" device IDs 0x1000-0x103f; virtio 1.2, 4.1.2). */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_H

#define VIRTIO_PCI_VENDOR_ID           0x1af4
#define VIRTIO_PCI_SUBSYSTEM_VENDOR_ID 0x1af4
#define VIRTIO_NET_PCI_DEVICE_ID       0x1000
#define VIRTIO_BLOCK_PCI_DEVICE_ID     0x1001
#define VIRTIO_CONSOLE_PCI_DEVICE_ID   0x1003
#define VIRTIO_VSOCK_PCI_DEVICE_ID     0x1012

#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_VSOCK   19

#define VIRTIO_PCI_CLASS_NET     0x020000
#define VIRTIO_PCI_CLASS_BLOCK   0x010000
#define VIRTIO_PCI_CLASS_CONSOLE 0x078000
#define VIRTIO_PCI_CLASS_VSOCK   0x078000

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_H */
