/* blk.c: a block driver PD on the board's disk (the launcher's --disk), to stand where sDDF's block driver
   stands. It speaks sDDF's block protocol to its virtualiser: its configuration is in the .blk_driver_config
   section, as sDDF's drivers' (sDDF's tooling fills it in); each request names a physical (I/O) address, which
   it reaches as a device's DMA would (vcpuctx_mk_dma). Requests are served in order when the virtualiser
   notifies, with pread, pwrite and fdatasync on the image. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include <microkit.h>
#include <vcpuctx_microkit.h>

#include "sddf.h"

__attribute__((section(".blk_driver_config"))) struct sddf_blk_driver_config config;

static struct {
    int fd;
    bool read_only;
    uint64_t blocks;
    struct sddf_blk_req_queue *req;
    struct sddf_blk_resp_queue *resp;
    uint32_t capacity;
} disk;

static void refuse(const char *why)
{
    microkit_dbg_puts("blk: ");
    microkit_dbg_puts(why);
    microkit_dbg_puts("\n");
    microkit_internal_crash(seL4_InvalidArgument);
}

static void publish_info(uint64_t bytes)
{
    struct sddf_blk_storage_info *info = config.virt.storage_info.vaddr;
    static const char serial[] = "vcpuctx-disk";
    for (size_t i = 0; i < sizeof(serial); i++)
        info->serial_number[i] = serial[i];
    info->read_only = disk.read_only;
    info->sector_size = 512;
    info->block_size = 1;
    info->queue_depth = config.virt.num_buffers;
    info->capacity = bytes / SDDF_BLK_TRANSFER_SIZE;
    SDDF_STORE(info->ready, true);
}

void init(void)
{
    uint64_t bytes;
    if (!sddf_magic_ok(config.magic, SDDF_BLK_MAGIC_V))
        refuse("no configuration in .blk_driver_config (sDDF's tooling writes it)");
    disk.fd = vcpuctx_mk_board_disk(&bytes, &disk.read_only);
    if (disk.fd < 0)
        refuse("the board has no disk: start the system with vcpuctx-microkit --disk=FILE");
    disk.blocks = bytes / SDDF_BLK_TRANSFER_SIZE;
    disk.req = config.virt.req_queue.vaddr;
    disk.resp = config.virt.resp_queue.vaddr;
    disk.capacity = config.virt.num_buffers;
    publish_info(bytes);
}

/* One whole transfer between the image and memory: 0, or -1 (a host error, or past the image's end). */
static int transfer(bool write, void *buf, uint64_t bytes, uint64_t offset)
{
    while (bytes) {
        ssize_t n = write ? pwrite(disk.fd, buf, bytes, (off_t)offset) : pread(disk.fd, buf, bytes, (off_t)offset);
        if (n <= 0)
            return -1;
        buf = (char *)buf + n;
        bytes -= (uint64_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

/* A request's status and the blocks it moved. */
static uint32_t serve(const struct sddf_blk_req *r, uint16_t *done)
{
    *done = 0;
    if (r->code == SDDF_BLK_FLUSH || r->code == SDDF_BLK_BARRIER)
        return disk.read_only || fdatasync(disk.fd) == 0 ? SDDF_BLK_OK : SDDF_BLK_ERR_IO;
    if (r->code != SDDF_BLK_READ && r->code != SDDF_BLK_WRITE)
        return SDDF_BLK_ERR_INVALID_PARAM;
    uint64_t bytes = (uint64_t)r->count * SDDF_BLK_TRANSFER_SIZE;
    void *buf = vcpuctx_mk_dma(r->io_or_offset, bytes);
    if (!buf || r->block_number > disk.blocks || r->count > disk.blocks - r->block_number)
        return SDDF_BLK_ERR_INVALID_PARAM;
    if (r->code == SDDF_BLK_WRITE && disk.read_only)
        return SDDF_BLK_ERR_IO;
    if (transfer(r->code == SDDF_BLK_WRITE, buf, bytes, r->block_number * SDDF_BLK_TRANSFER_SIZE) < 0)
        return SDDF_BLK_ERR_IO;
    *done = r->count;
    return SDDF_BLK_OK;
}

/* Serve requests while there are some and room for their responses; whether any was. */
static bool drain(void)
{
    bool any = false;
    uint32_t head = disk.req->head, rtail = disk.resp->tail;
    while (head != SDDF_LOAD(disk.req->tail) && rtail - SDDF_LOAD(disk.resp->head) < disk.capacity) {
        struct sddf_blk_req r = disk.req->buffers[head % disk.capacity];
        struct sddf_blk_resp *out = &disk.resp->buffers[rtail % disk.capacity];
        out->status = serve(&r, &out->success_count);
        out->id = r.id;
        SDDF_STORE(disk.req->head, ++head);
        SDDF_STORE(disk.resp->tail, ++rtail);
        any = true;
    }
    return any;
}

void notified(microkit_channel ch)
{
    if (ch == config.virt.id && drain())
        microkit_notify(config.virt.id);
}
