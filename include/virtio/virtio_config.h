/* virtio/virtio_config.h: the device status bits and transport feature bits (virtio 1.2, 2.1 and 6), with
   util_libs' libvirtio names. */
#ifndef VIRTIO_VIRTIO_CONFIG_H
#define VIRTIO_VIRTIO_CONFIG_H

#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER      2
#define VIRTIO_CONFIG_S_DRIVER_OK   4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED      0x80
#define VIRTIO_TRANSPORT_F_START    28
#define VIRTIO_TRANSPORT_F_END      32
#define VIRTIO_F_NOTIFY_ON_EMPTY    24
#define VIRTIO_F_ANY_LAYOUT         27

#endif /* VIRTIO_VIRTIO_CONFIG_H */
