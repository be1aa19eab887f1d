/* blkclient.c: the client of blk.system, in the place of sDDF's block virtualiser before the board's block
   driver PD: it sends sDDF block requests with physical addresses in its data region (setvar region_paddr) and
   checks each answer against the disk image the test made (block b's byte i is (b * 7 + i) & 0xff). Each step
   checks one thing; the last ends the system with V = 0 (status 1), else V = the failed step. */
#include <microkit.h>
#include <unistd.h>

#include "mkdrivers/sddf.h"

#define DRIVER     1
#define DEBUG_EXIT 2
#define STEPS_PD   "blkclient"
#define BLOCKS     16 /* the test's image: 64 KiB */
#define QUEUE      8

#include "steps.h"

uint64_t storage, req_queue, resp_queue, data, data_paddr;
static uint32_t next_id = 100;

static void request(uint32_t code, uint64_t offset, uint64_t block, uint16_t count)
{
    struct sddf_blk_req_queue *q = (void *)req_queue;
    q->buffers[q->tail % QUEUE] = (struct sddf_blk_req){code, data_paddr + offset, block, count, next_id++};
    SDDF_STORE(q->tail, q->tail + 1);
    microkit_notify(DRIVER);
}

static const char text[] = "written by blkclient through the board's disk";

static int pattern_ok(const uint8_t *p, uint64_t block)
{
    for (int i = 0; i < SDDF_BLK_TRANSFER_SIZE; i++)
        if (p[i] != (uint8_t)(block * 7 + i))
            return 0;
    return 1;
}

/* Step by step: each response starts the next request. */
void init(void)
{
    const struct sddf_blk_storage_info *info = (void *)storage;
    for (int i = 0; i < 10000 && !SDDF_LOAD(info->ready); i++)
        usleep(1000);
    check(SDDF_LOAD(info->ready));
    check(info->capacity == BLOCKS && info->sector_size == 512 && !info->read_only && info->queue_depth == QUEUE);
    check(data_paddr >= 0x100000000ULL && data == 0x30010000); /* the launcher gave the region a physical address */
    request(SDDF_BLK_READ, 0x1000, 3, 2);
}

/* Each response checked, and the next request sent. */
static void answered(const struct sddf_blk_resp *r)
{
    static int phase;
    const uint8_t *d = (const uint8_t *)data;
    check(r->id == next_id - 1);
    switch (phase++) {
    case 0:
        check(r->status == SDDF_BLK_OK && r->success_count == 2 && pattern_ok(d + 0x1000, 3) &&
              pattern_ok(d + 0x2000, 4));
        for (size_t i = 0; i < sizeof(text); i++)
            ((char *)data)[0x8000 + i] = text[i];
        request(SDDF_BLK_WRITE, 0x8000, 9, 1);
        break;
    case 1:
        check(r->status == SDDF_BLK_OK && r->success_count == 1);
        request(SDDF_BLK_FLUSH, 0, 0, 0);
        break;
    case 2:
        check(r->status == SDDF_BLK_OK);
        request(SDDF_BLK_READ, 0, BLOCKS - 1, 2); /* past the end */
        break;
    case 3:
        check(r->status == SDDF_BLK_ERR_INVALID_PARAM && r->success_count == 0);
        data_paddr += 0x10000; /* past the data region: no memory there */
        request(SDDF_BLK_READ, 0, 0, 1);
        break;
    default: check(r->status == SDDF_BLK_ERR_INVALID_PARAM); finish(0);
    }
}

void notified(microkit_channel ch)
{
    struct sddf_blk_resp_queue *q = (void *)resp_queue;
    check(ch == DRIVER);
    while (q->head != SDDF_LOAD(q->tail)) {
        struct sddf_blk_resp r = q->buffers[q->head % QUEUE];
        SDDF_STORE(q->head, q->head + 1);
        answered(&r);
    }
}
