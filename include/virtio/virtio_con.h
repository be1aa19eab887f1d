/* virtio/virtio_con.h: the console device's features, configuration and multiport control messages (virtio
   1.2, 5.3), with util_libs' libvirtio names. */
#ifndef VIRTIO_VIRTIO_CON_H
#define VIRTIO_VIRTIO_CON_H

#include <stddef.h>
#include <stdint.h>

#include <virtio/virtio_pci.h>

#define CTL_RX_QUEUE 2
#define CTL_TX_QUEUE 3

#define VIRTIO_CON_F_SIZE        0
#define VIRTIO_CON_F_MULTIPORT   1
#define VIRTIO_CON_F_EMERG_WRITE 2
#define VIRTIO_CON_BAD_ID        (~(uint32_t)0)
#ifndef VIRTIO_CON_MAX_PORTS
#define VIRTIO_CON_MAX_PORTS 4
#endif
#define VIRTIO_CON_CFG_MAX_PORTS (VIRTIO_PCI_CONFIG_OFF(0) + offsetof(struct virtio_con_cfg, max_nr_ports))

struct virtio_con_cfg {
    uint16_t cols;
    uint16_t rows;
    uint32_t max_nr_ports;
    uint32_t emerg_wr;
} __attribute__((packed));

struct virtio_con_ctl {
    uint32_t id;
    uint16_t event;
    uint16_t value;
} __attribute__((packed));

#define VIRTIO_CON_DEVICE_READY 0
#define VIRTIO_CON_PORT_ADD     1
#define VIRTIO_CON_PORT_REMOVE  2
#define VIRTIO_CON_PORT_READY   3
#define VIRTIO_CON_CON_PORT     4
#define VIRTIO_CON_RESIZE       5
#define VIRTIO_CON_PORT_OPEN    6
#define VIRTIO_CON_PORT_NAME    7

#endif /* VIRTIO_VIRTIO_CON_H */
