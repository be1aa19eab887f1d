/* virtio/virtio_pci.h: the legacy virtio-over-PCI register file in I/O BAR 0 (virtio 1.2, 4.1.4.10), with
   util_libs' libvirtio names. */
#ifndef VIRTIO_VIRTIO_PCI_H
#define VIRTIO_VIRTIO_PCI_H

#define VIRTIO_PCI_HOST_FEATURES            0  /* 32 bits, read-only */
#define VIRTIO_PCI_GUEST_FEATURES           4  /* 32 bits */
#define VIRTIO_PCI_QUEUE_PFN                8  /* 32 bits: the selected queue's address >> 12 */
#define VIRTIO_PCI_QUEUE_NUM                12 /* 16 bits, read-only: the selected queue's size */
#define VIRTIO_PCI_QUEUE_SEL                14 /* 16 bits */
#define VIRTIO_PCI_QUEUE_NOTIFY             16 /* 16 bits: a queue's index */
#define VIRTIO_PCI_STATUS                   18 /* 8 bits */
#define VIRTIO_PCI_ISR                      19 /* 8 bits, read clears */
#define VIRTIO_PCI_ISR_CONFIG               0x2
#define VIRTIO_MSI_CONFIG_VECTOR            20
#define VIRTIO_MSI_QUEUE_VECTOR             22
#define VIRTIO_MSI_NO_VECTOR                0xffff
#define VIRTIO_PCI_CONFIG_OFF(msix_enabled) ((msix_enabled) ? 24 : 20)
#define VIRTIO_PCI_ABI_VERSION              0
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT         12
#define VIRTIO_PCI_VRING_ALIGN              4096

#endif /* VIRTIO_VIRTIO_PCI_H */
