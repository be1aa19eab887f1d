/* ethdrivers/raw.h: util_libs' raw Ethernet interface, the backend a libsel4vmmplatsupport virtio network device
   calls (i_fn) and the calls it offers the backend (i_cb). raw_tx sends num pieces of one frame (phys[i], len[i]:
   in vcpuctx the VMM's own addresses of the guest's buffers) and returns ETHIF_TX_COMPLETE, ETHIF_TX_ENQUEUED
   (the buffers stay the backend's until it calls tx_complete with cookie) or ETHIF_TX_FAILED (the frame is
   dropped). A frame for the guest: allocate_rx_buf (0: no room now), fill it, rx_complete. */
#ifndef ETHDRIVERS_RAW_H
#define ETHDRIVERS_RAW_H

#include <stdint.h>
#include <stdlib.h>

#include <platsupport/io.h>

struct eth_driver;

#define ETHIF_TX_ENQUEUED 0
#define ETHIF_TX_FAILED   -1
#define ETHIF_TX_COMPLETE 1

typedef int (*ethif_raw_tx)(struct eth_driver *driver, unsigned int num, uintptr_t *phys, unsigned int *len,
                            void *cookie);
typedef void (*ethif_raw_handleIRQ_t)(struct eth_driver *driver, int irq);
typedef void (*ethif_low_level_init_t)(struct eth_driver *driver, uint8_t *mac, int *mtu);
typedef void (*ethif_print_state_t)(struct eth_driver *driver);
typedef void (*ethif_raw_poll)(struct eth_driver *driver);
typedef uintptr_t (*ethif_raw_allocate_rx_buf)(void *cb_cookie, size_t buf_size, void **cookie);
typedef void (*ethif_raw_rx_complete)(void *cb_cookie, unsigned int num_bufs, void **cookies, unsigned int *lens);
typedef void (*ethif_raw_tx_complete)(void *cb_cookie, void *cookie);
typedef int (*ethif_driver_init)(struct eth_driver *driver, ps_io_ops_t io_ops, void *config);
typedef void (*ethif_get_mac)(struct eth_driver *driver, uint8_t *mac);

struct raw_iface_funcs {
    ethif_raw_tx raw_tx;
    ethif_raw_handleIRQ_t raw_handleIRQ;
    ethif_raw_poll raw_poll;
    ethif_print_state_t print_state;
    ethif_low_level_init_t low_level_init;
    ethif_get_mac get_mac;
};

struct raw_iface_callbacks {
    ethif_raw_tx_complete tx_complete;
    ethif_raw_rx_complete rx_complete;
    ethif_raw_allocate_rx_buf allocate_rx_buf;
};

struct eth_driver {
    void *eth_data;
    struct raw_iface_funcs i_fn;
    struct raw_iface_callbacks i_cb;
    void *cb_cookie;
    ps_io_ops_t io_ops;
    int dma_alignment;
};

#endif /* ETHDRIVERS_RAW_H */
