/* sddf.h: the sDDF protocols the board's driver PDs speak, as sDDF 0.7 lays them out (written from its headers'
   facts, pinned by the static asserts below): the configuration a driver finds in its ELF sections (filled in
   by sDDF's tooling, as for sDDF's own drivers), the block queues and storage information, and the network
   queues. A driver sees physical (I/O) addresses in requests, as a device's DMA does. */
#ifndef VCPUCTX_MKD_SDDF_H
#define VCPUCTX_MKD_SDDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDDF_MAGIC_LEN 5
#define SDDF_MAGIC(v)                                                                                                  \
    {                                                                                                                  \
        's', 'D', 'D', 'F', (v)                                                                                        \
    }
#define SDDF_DEVICE_MAGIC_V 1
#define SDDF_BLK_MAGIC_V    2
#define SDDF_NET_MAGIC_V    5

struct sddf_region {
    void *vaddr;
    uint64_t size;
};

struct sddf_device_region {
    struct sddf_region region;
    uintptr_t io_addr;
};

/* Section .device_resources: a driver's device registers and IRQs (the net driver takes its IRQ's id here). */
struct sddf_device_resources {
    char magic[SDDF_MAGIC_LEN];
    uint8_t num_regions, num_irqs;
    struct sddf_device_region regions[64];
    struct {
        uint8_t id;
    } irqs[64];
};

/* Block: section .blk_driver_config. */
#define SDDF_BLK_TRANSFER_SIZE 4096
enum { SDDF_BLK_READ, SDDF_BLK_WRITE, SDDF_BLK_FLUSH, SDDF_BLK_BARRIER };
enum { SDDF_BLK_OK, SDDF_BLK_ERR_UNSPEC, SDDF_BLK_ERR_INVALID_PARAM, SDDF_BLK_ERR_IO, SDDF_BLK_ERR_NO_DEVICE };

struct sddf_blk_connection {
    struct sddf_region storage_info, req_queue, resp_queue;
    uint16_t num_buffers;
    uint8_t id;
};

struct sddf_blk_driver_config {
    char magic[SDDF_MAGIC_LEN];
    struct sddf_blk_connection virt;
};

struct sddf_blk_req {
    uint32_t code;
    uint64_t io_or_offset;
    uint64_t block_number;
    uint16_t count; /* blocks of SDDF_BLK_TRANSFER_SIZE */
    uint32_t id;
};

struct sddf_blk_resp {
    uint32_t status;
    uint16_t success_count;
    uint32_t id;
};

struct sddf_blk_req_queue {
    uint32_t head, tail;
    bool plugged;
    struct sddf_blk_req buffers[];
};

struct sddf_blk_resp_queue {
    uint32_t head, tail;
    struct sddf_blk_resp buffers[];
};

struct sddf_blk_storage_info {
    char serial_number[64];
    bool read_only;
    bool ready; /* written last, with release order */
    uint16_t sector_size;
    uint16_t block_size; /* in SDDF_BLK_TRANSFER_SIZE units */
    uint16_t queue_depth;
    uint16_t cylinders, heads, blocks;
    uint64_t capacity; /* in SDDF_BLK_TRANSFER_SIZE units */
};

/* Network: section .net_driver_config. */
#define SDDF_NET_BUFFER_SIZE 2048

struct sddf_net_connection {
    struct sddf_region free_queue, active_queue;
    uint16_t num_buffers;
    uint8_t id;
};

struct sddf_net_driver_config {
    char magic[SDDF_MAGIC_LEN];
    struct sddf_net_connection virt_rx, virt_tx;
};

struct sddf_net_buff {
    uint64_t io_or_offset;
    uint16_t len;
    uint8_t oid : 6;
};

struct sddf_net_queue {
    uint16_t tail, head;
    uint32_t consumer_signalled; /* 0: the consumer asks to be notified */
    struct sddf_net_buff buffers[];
};

_Static_assert(sizeof(struct sddf_device_resources) == 1608, "sDDF's device_resources_t");
_Static_assert(offsetof(struct sddf_blk_driver_config, virt) == 8 && sizeof(struct sddf_blk_connection) == 56,
               "sDDF's blk_driver_config_t");
_Static_assert(sizeof(struct sddf_blk_req) == 32 && offsetof(struct sddf_blk_req, count) == 24, "sDDF's blk_req_t");
_Static_assert(sizeof(struct sddf_blk_resp) == 12, "sDDF's blk_resp_t");
_Static_assert(offsetof(struct sddf_blk_req_queue, buffers) == 16 && offsetof(struct sddf_blk_resp_queue, buffers) == 8,
               "sDDF's blk queues");
_Static_assert(offsetof(struct sddf_blk_storage_info, capacity) == 80, "sDDF's blk_storage_info_t");
_Static_assert(sizeof(struct sddf_net_driver_config) == 88 && offsetof(struct sddf_net_driver_config, virt_tx) == 48,
               "sDDF's net_driver_config_t");
_Static_assert(sizeof(struct sddf_net_buff) == 16 && offsetof(struct sddf_net_queue, buffers) == 8,
               "sDDF's net queues");

/* The queues' indices: acquire what the other side published, release what this side fills. */
#define SDDF_LOAD(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define SDDF_STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static inline bool sddf_magic_ok(const char *magic, char version)
{
    static const char m[4] = {'s', 'D', 'D', 'F'};
    for (int i = 0; i < 4; i++)
        if (magic[i] != m[i])
            return false;
    return magic[4] == version;
}

#endif /* VCPUCTX_MKD_SDDF_H */
