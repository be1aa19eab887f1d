/* test_virtq.c: the device side of a split virtqueue on a plain buffer as guest RAM: chains taken whole, every
   malformed ring a guest can write refused with its reason and nothing consumed; no KVM needed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <virtio/virtio_ring.h>

#include "vmmplat/virtq.h"

#define RAM (1u << 20)
#define NUM 8
#define PFN 1 /* the queue at 0x1000 */
static uint8_t ram[RAM];
static struct virtq q;
static struct virtq_chain c;

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}
static const struct virtq_mem mem = {NULL, map};

static struct vring_desc *desc(unsigned i)
{
    return (struct vring_desc *)(ram + q.desc) + i;
}

static struct vring_avail *avail(void)
{
    return (struct vring_avail *)(ram + q.avail);
}

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    virtq_set_legacy(&q, NUM, PFN);
}

/* Offer the chain starting at head. */
static void offer(uint16_t head)
{
    avail()->ring[avail()->idx % NUM] = head;
    avail()->idx++;
}

static void set(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    *desc(i) = (struct vring_desc){addr, len, flags, next};
}

TestSuite(virtq, .init = setup);

Test(virtq, the_legacy_layout_puts_used_on_the_next_4k_boundary)
{
    cr_assert_eq(q.desc, 0x1000);
    cr_assert_eq(q.avail, 0x1000 + 16 * NUM);
    cr_assert_eq(q.used, 0x2000);
    virtq_set_legacy(&q, NUM, 0);
    cr_assert_eq(q.num, 0, "PFN 0: no queue");
    cr_assert_eq(virtq_pop(&q, &mem, &c), 0);
}

Test(virtq, a_chain_comes_whole_with_its_readable_and_writable_bytes)
{
    set(0, 0x10000, 16, VRING_DESC_F_NEXT, 3);
    set(3, 0x20000, 4096, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 5);
    set(5, 0x30000, 1, VRING_DESC_F_WRITE, 0);
    offer(0);
    cr_assert_eq(virtq_pop(&q, &mem, &c), 1);
    cr_assert_eq(c.head, 0);
    cr_assert_eq(c.nsegs, 3);
    cr_assert_eq(c.readable, 16);
    cr_assert_eq(c.writable, 4097);
    cr_assert_eq(c.seg[1].p, ram + 0x20000);
    cr_assert_eq(virtq_pop(&q, &mem, &c), 0, "nothing more");
    cr_assert_eq(virtq_push(&q, &mem, 0, 4097), 0);
    const struct vring_used *u = (const void *)(ram + q.used);
    cr_assert_eq(u->idx, 1);
    cr_assert_eq(u->ring[0].id, 0);
    cr_assert_eq(u->ring[0].len, 4097);
}

Test(virtq, copy_moves_bytes_across_segments_of_one_kind)
{
    set(0, 0x10000, 3, VRING_DESC_F_NEXT, 1);
    set(1, 0x20000, 5, VRING_DESC_F_NEXT, 2);
    set(2, 0x30000, 4, VRING_DESC_F_WRITE, 0);
    memcpy(ram + 0x10000, "abc", 3);
    memcpy(ram + 0x20000, "defgh", 5);
    offer(0);
    cr_assert_eq(virtq_pop(&q, &mem, &c), 1);
    char buf[8] = {0};
    cr_assert_eq(virtq_copy(&c, false, 1, buf, 6), 6);
    cr_assert_str_eq(buf, "bcdefg");
    cr_assert_eq(virtq_copy(&c, true, 2, "XYZ", 3), 2, "only 2 writable bytes from 2 on");
    cr_assert(memcmp(ram + 0x30002, "XY", 2) == 0);
}

/* Each malformed ring: refused with errno e, and the entry still waiting. */
static void refused(int e)
{
    errno = 0;
    cr_assert_eq(virtq_pop(&q, &mem, &c), -1);
    cr_assert_eq(errno, e, "errno %d, not %d", errno, e);
    cr_assert_eq(q.last_avail, 0, "nothing consumed");
}

Test(virtq, a_descriptor_loop_is_refused)
{
    set(0, 0x10000, 16, VRING_DESC_F_NEXT, 1);
    set(1, 0x10000, 16, VRING_DESC_F_NEXT, 0);
    offer(0);
    refused(ELOOP);
}

Test(virtq, an_index_past_the_queue_is_refused)
{
    set(0, 0x10000, 16, VRING_DESC_F_NEXT, NUM);
    offer(0);
    refused(EINVAL);
    avail()->ring[0] = 0xffff;
    refused(EINVAL);
}

Test(virtq, a_buffer_outside_ram_is_refused)
{
    set(0, RAM - 8, 16, 0, 0);
    offer(0);
    refused(EFAULT);
    set(0, UINT64_MAX - 7, 16, 0, 0);
    refused(EFAULT);
}

Test(virtq, zero_length_indirect_and_readable_after_writable_are_refused)
{
    set(0, 0x10000, 0, 0, 0);
    offer(0);
    refused(EINVAL);
    set(0, 0x10000, 16, VRING_DESC_F_INDIRECT, 0);
    refused(EINVAL);
    set(0, 0x10000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
    set(1, 0x10000, 16, 0, 0);
    refused(EINVAL);
}

Test(virtq, a_chain_longer_than_a_device_takes_is_refused)
{
    virtq_set_legacy(&q, 512, PFN);
    for (unsigned i = 0; i < 511; i++)
        set(i, 0x40000, 1, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
    set(511, 0x40000, 1, 0, 0);
    offer(0);
    refused(ELOOP);
}

Test(virtq, an_available_index_more_than_a_queue_ahead_is_refused)
{
    avail()->idx = NUM + 1;
    refused(EINVAL);
}

Test(virtq, a_ring_outside_ram_is_refused)
{
    virtq_set_legacy(&q, NUM, RAM >> 12);
    refused(EFAULT);
    cr_assert_eq(virtq_push(&q, &mem, 0, 0), -1);
}

Test(virtq, the_guest_may_ask_for_no_interrupt)
{
    cr_assert_not(virtq_quiet(&q, &mem));
    avail()->flags = VRING_AVAIL_F_NO_INTERRUPT;
    cr_assert(virtq_quiet(&q, &mem));
}
