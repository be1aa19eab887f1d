/* test_virtio_blk.c: libsel4vmmplatsupport's virtio block device through its legacy register file, on a plain
   buffer as guest RAM and a disk in memory: requests served and answered, a malformed ring ending in
   NEEDS_RESET, a reset, the ISR; no KVM needed. */
#include <criterion/criterion.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

#include "vmmplat/virtio_blk_emul.h"

#define RAM     (1u << 20)
#define SECTORS 64
static uint8_t ram[RAM], disk[SECTORS * 512];
static struct vio *v;
static unsigned irqs, flushes;
static bool backend_fails;

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static int xfer(struct disk_driver *d, uint8_t type, uint64_t sector, uint32_t len, uintptr_t buf)
{
    (void)d;
    if (backend_fails)
        return VIRTIO_BLK_XFER_FAILED;
    if (type == VIRTIO_BLK_T_FLUSH)
        flushes++;
    else if (type == VIRTIO_BLK_T_IN)
        memcpy((void *)buf, disk + sector * 512, len);
    else
        memcpy(disk + sector * 512, (void *)buf, len);
    return VIRTIO_BLK_XFER_COMPLETE;
}

static void handle_irq(struct disk_driver *d, int irq)
{
    (void)d, (void)irq;
    irqs++;
}

static void low_level_init(struct disk_driver *d, struct virtio_blk_config *cfg)
{
    (void)d;
    cfg->capacity = SECTORS;
}

static int driver_init(struct disk_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->i_fn =
        (raw_diskiface_funcs_t){.raw_xfer = xfer, .raw_handleIRQ = handle_irq, .low_level_init = low_level_init};
    return 0;
}

static uint32_t in(unsigned off, unsigned size)
{
    unsigned val = 0;
    cr_assert_eq(v->emul.io_in(&v->emul, off, size, &val), 0);
    return val;
}

static void out(unsigned off, unsigned size, uint32_t val)
{
    cr_assert_eq(v->emul.io_out(&v->emul, off, size, val), 0);
}

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    irqs = flushes = 0;
    backend_fails = false;
    v = vio_create((vm_t *)ram, &vio_blk_device, 128); /* the VM is never touched: RAM is the map below */
    cr_assert_not_null(v);
    v->mem = (struct virtq_mem){NULL, map};
    cr_assert_not_null(block_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, driver_init, NULL));
    out(VIRTIO_PCI_QUEUE_SEL, 2, 0);
    out(VIRTIO_PCI_QUEUE_PFN, 4, 1); /* the queue at 0x1000, used at 0x2000 */
    out(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void teardown(void)
{
    free(v->emul.internal);
    vio_destroy(v);
}

TestSuite(virtio_blk, .init = setup, .fini = teardown);

/* Queue a request: its header at 0x10000, data at 0x20000 (len bytes), status at 0x30000; notify. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len)
{
    struct vring_desc *d = (struct vring_desc *)(ram + 0x1000);
    struct vring_avail *a = (struct vring_avail *)(ram + 0x1000 + 16 * 128);
    struct virtio_blk_outhdr h = {.type = type, .sector = sector};
    memcpy(ram + 0x10000, &h, sizeof(h));
    uint16_t write = type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0;
    d[0] = (struct vring_desc){0x10000, sizeof(h), VRING_DESC_F_NEXT, len ? 1 : 2};
    d[1] = (struct vring_desc){0x20000, len, VRING_DESC_F_NEXT | write, 2};
    d[2] = (struct vring_desc){0x30000, 1, VRING_DESC_F_WRITE, 0};
    ram[0x30000] = 0xee;
    a->ring[a->idx % 128] = 0;
    a->idx++;
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    return ram[0x30000];
}

static const struct vring_used *used(void)
{
    return (const void *)(ram + 0x2000);
}

Test(virtio_blk, the_registers_show_the_device_and_its_disk)
{
    cr_assert_eq(in(VIRTIO_PCI_HOST_FEATURES, 4),
                 1u << VIRTIO_BLK_F_BLK_SIZE | 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_SIZE_MAX);
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_NUM, 2), 128);
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_PFN, 4), 1);
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(0), 4), SECTORS, "capacity, low half");
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(0) + 12, 4), 126, "seg_max: the queue less header and status");
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(0) + 20, 4), 512, "blk_size");
    cr_assert_eq(in(VIRTIO_PCI_STATUS, 4), 0xffffffffu, "no 4-byte status register: all ones");
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(0) + 64, 1), 0xff, "past the configuration");
    out(VIRTIO_PCI_QUEUE_SEL, 2, 1);
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_NUM, 2), 0, "one queue only");
}

Test(virtio_blk, reads_and_writes_reach_the_disk_and_complete)
{
    memset(ram + 0x20000, 'w', 1024);
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 3, 1024), VIRTIO_BLK_S_OK);
    cr_assert_eq(disk[3 * 512], 'w');
    cr_assert_eq(disk[5 * 512 - 1], 'w');
    memset(ram + 0x20000, 0, 1024);
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 3, 512), VIRTIO_BLK_S_OK);
    cr_assert_eq(ram[0x20000 + 511], 'w');
    cr_assert_eq(used()->idx, 2);
    cr_assert_eq(used()->ring[1].len, 513, "the data and the status written");
    cr_assert_eq(irqs, 2, "the backend's handleIRQ, as upstream's");
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), 1);
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), 0, "the ISR clears on read");
}

Test(virtio_blk, a_flush_goes_to_the_backend)
{
    cr_assert_eq(request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    cr_assert_eq(flushes, 1);
}

Test(virtio_blk, bad_requests_are_answered_with_an_error)
{
    cr_assert_eq(request(VIRTIO_BLK_T_IN, SECTORS, 512), VIRTIO_BLK_S_IOERR, "past the end");
    cr_assert_eq(request(VIRTIO_BLK_T_IN, UINT64_MAX, 512), VIRTIO_BLK_S_IOERR, "a sector that wraps");
    cr_assert_eq(request(VIRTIO_BLK_T_IN, 0, 100), VIRTIO_BLK_S_IOERR, "not whole sectors");
    cr_assert_eq(request(77, 0, 512), VIRTIO_BLK_S_UNSUPP);
    backend_fails = true;
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, 512), VIRTIO_BLK_S_IOERR, "the backend failed (a full host disk)");
    backend_fails = false;
    cr_assert_eq(vcpuctx_virtio_add_features(&v->emul, 1u << VIRTIO_BLK_F_RO), 0);
    cr_assert_eq(request(VIRTIO_BLK_T_OUT, 0, 512), VIRTIO_BLK_S_IOERR, "read-only");
    cr_assert_eq(used()->idx, 6, "each one completed");
}

Test(virtio_blk, a_malformed_ring_needs_a_reset_and_nothing_more_is_taken)
{
    struct vring_desc *d = (struct vring_desc *)(ram + 0x1000);
    struct vring_avail *a = (struct vring_avail *)(ram + 0x1000 + 16 * 128);
    d[0] = (struct vring_desc){0x10000, 16, VRING_DESC_F_NEXT, 0}; /* a loop */
    a->ring[0] = 0;
    a->idx = 1;
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    cr_assert(in(VIRTIO_PCI_STATUS, 1) & VIRTIO_CONFIG_S_NEEDS_RESET);
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), VIRTIO_PCI_ISR_CONFIG, "a configuration interrupt");
    cr_assert_eq(used()->idx, 0);
    out(VIRTIO_PCI_STATUS, 1, 0);
    cr_assert_eq(in(VIRTIO_PCI_STATUS, 1), 0, "reset");
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_PFN, 4), 0, "the queue is gone");
}

/* The virtio 1.x interface (BAR 4's structures), on the same device: features in two windows, FEATURES_OK only
   with VERSION_1, a queue set up by address and enabled, notified through its notification address. */
static uint64_t mrd(uint64_t off, unsigned size)
{
    return vio_modern_read(v, off, size);
}

Test(virtio_blk, the_virtio_1_interface_sets_up_and_serves_a_queue)
{
    out(VIRTIO_PCI_STATUS, 1, 0); /* reset what setup did through the legacy registers */
    v->features |= 1ull << 32;
    vio_modern_write(v, 0x00, 4, 1); /* device_feature_select: bits 32-63 */
    cr_assert_eq(mrd(0x04, 4), 1, "VERSION_1");
    cr_assert_eq(mrd(0x12, 2), 1, "one queue");
    cr_assert_eq(mrd(0x10, 2), 0xffff, "no MSI-X vector");
    vio_modern_write(v, 0x14, 1, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    vio_modern_write(v, 0x14, 1, VIRTIO_CONFIG_S_FEATURES_OK | 3);
    cr_assert_not(mrd(0x14, 1) & VIRTIO_CONFIG_S_FEATURES_OK, "not without VERSION_1");
    vio_modern_write(v, 0x08, 4, 1);
    vio_modern_write(v, 0x0c, 4, 1); /* VERSION_1 */
    vio_modern_write(v, 0x08, 4, 0);
    vio_modern_write(v, 0x0c, 4, 0xffffffffu);
    cr_assert_eq(mrd(0x0c, 4), 1u << VIRTIO_BLK_F_BLK_SIZE | 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_SIZE_MAX,
                 "only what was offered");
    vio_modern_write(v, 0x14, 1, VIRTIO_CONFIG_S_FEATURES_OK | 3);
    cr_assert(mrd(0x14, 1) & VIRTIO_CONFIG_S_FEATURES_OK);
    cr_assert_eq(mrd(0x18, 2), 128, "the queue's largest size");
    vio_modern_write(v, 0x18, 2, 100);
    cr_assert_eq(mrd(0x18, 2), 128, "not a power of 2: refused");
    vio_modern_write(v, 0x20, 4, 0x1000); /* desc, in two halves */
    vio_modern_write(v, 0x24, 4, 0);
    vio_modern_write(v, 0x28, 8, 0x1000 + 16 * 128);
    vio_modern_write(v, 0x30, 8, 0x2000);
    vio_modern_write(v, 0x1c, 2, 1);
    cr_assert_eq(mrd(0x1c, 2), 1, "enabled");
    vio_modern_write(v, 0x20, 8, 0x5000);
    cr_assert_eq(mrd(0x20, 8), 0x1000, "fixed once enabled");
    vio_modern_write(v, 0x14, 1, VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_FEATURES_OK | 3);
    cr_assert_eq(mrd(VIO_MODERN_DEVICE, 4), SECTORS, "the device's configuration: capacity");
    /* a read request, notified at queue 0's notification address */
    struct vring_desc *d = (struct vring_desc *)(ram + 0x1000);
    struct vring_avail *a = (struct vring_avail *)(ram + 0x1000 + 16 * 128);
    struct virtio_blk_outhdr h = {.type = VIRTIO_BLK_T_IN, .sector = 1};
    memcpy(ram + 0x10000, &h, sizeof(h));
    disk[512] = 'm';
    d[0] = (struct vring_desc){0x10000, sizeof(h), VRING_DESC_F_NEXT, 1};
    d[1] = (struct vring_desc){0x20000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2};
    d[2] = (struct vring_desc){0x30000, 1, VRING_DESC_F_WRITE, 0};
    a->ring[0] = 0;
    a->idx = 1;
    vio_modern_write(v, VIO_MODERN_NOTIFY, 2, 0);
    cr_assert_eq(ram[0x20000], 'm');
    cr_assert_eq(ram[0x30000], VIRTIO_BLK_S_OK);
    cr_assert_eq(mrd(VIO_MODERN_ISR, 1), 1);
    cr_assert_eq(mrd(VIO_MODERN_ISR, 1), 0, "read clears");
    vio_modern_write(v, 0x14, 1, 0);
    cr_assert_eq(mrd(0x1c, 2), 0, "a reset disables the queue");
}

/* A driver may take a smaller queue; a reset gives the next driver (a legacy one among them) the largest again. */
Test(virtio_blk, a_reset_restores_the_largest_queue_size)
{
    out(VIRTIO_PCI_STATUS, 1, 0);
    vio_modern_write(v, 0x16, 2, 0);  /* queue 0 */
    vio_modern_write(v, 0x18, 2, 64); /* a smaller queue */
    vio_modern_write(v, 0x20, 8, 0x1000);
    vio_modern_write(v, 0x28, 8, 0x1000 + 16 * 64);
    vio_modern_write(v, 0x30, 8, 0x2000);
    vio_modern_write(v, 0x1c, 2, 1);
    cr_assert_eq(mrd(0x1c, 2), 1, "enabled with 64 entries");
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_NUM, 2), 64, "the size in use");
    vio_modern_write(v, 0x14, 1, 0);
    cr_assert_eq(mrd(0x18, 2), 128, "after a reset, the largest size again");
    cr_assert_eq(in(VIRTIO_PCI_QUEUE_NUM, 2), 128, "on the legacy interface too");
    vio_modern_write(v, 0x18, 2, 256);
    cr_assert_eq(mrd(0x18, 2), 128, "never more than the largest");
}
