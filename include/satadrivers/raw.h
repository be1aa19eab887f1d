/* satadrivers/raw.h: util_libs' raw disk interface, the backend a libsel4vmmplatsupport virtio block device
   calls. raw_xfer moves len bytes at sector between the disk and guest_buf_phys, which in vcpuctx is the
   VMM's own address of the guest's buffer (upstream: of a DMA bounce buffer), and returns
   VIRTIO_BLK_XFER_COMPLETE or VIRTIO_BLK_XFER_FAILED; direction is the request's type (VIRTIO_BLK_T_IN,
   _OUT, _FLUSH with len 0, _GET_ID with a 20-byte buffer). */
#ifndef SATADRIVERS_RAW_H
#define SATADRIVERS_RAW_H

#include <stdint.h>
#include <stdlib.h>

#include <platsupport/io.h>
#include <virtio/virtio_blk.h>

struct disk_driver;

#define VIRTIO_BLK_XFER_FAILED   (-1)
#define VIRTIO_BLK_XFER_COMPLETE 1

typedef int (*diskif_raw_xfer)(struct disk_driver *driver, uint8_t direction, uint64_t sector, uint32_t len,
                               uintptr_t guest_buf_phys);
typedef void (*diskif_raw_handleIRQ_t)(struct disk_driver *driver, int irq);
typedef void (*diskif_low_level_init_t)(struct disk_driver *driver, struct virtio_blk_config *cfg);
typedef void (*diskif_print_state_t)(struct disk_driver *driver);
typedef void (*diskif_raw_poll)(struct disk_driver *driver);
typedef int (*diskif_driver_init)(struct disk_driver *driver, ps_io_ops_t io_ops, void *config);

typedef struct raw_diskiface_funcs {
    diskif_raw_xfer raw_xfer;
    diskif_raw_handleIRQ_t raw_handleIRQ;
    diskif_raw_poll raw_poll;
    diskif_print_state_t print_state;
    diskif_low_level_init_t low_level_init;
} raw_diskiface_funcs_t;

struct disk_driver {
    void *disk_data;
    raw_diskiface_funcs_t i_fn;
    void *cb_cookie;
    ps_io_ops_t io_ops;
    int dma_alignment;
};

#endif /* SATADRIVERS_RAW_H */
