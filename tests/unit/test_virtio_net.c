/* test_virtio_net.c: libsel4vmmplatsupport's virtio network device through its legacy registers, on a plain
   buffer as guest RAM: a frame sent reaches raw_tx without its header and in place, a frame received lands after
   a zeroed header of the interface's length, and no receive buffer means no room; no KVM needed. */
#include <criterion/criterion.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

#include "vmmplat/virtio_net_emul.h"

#define RAM (1u << 20)
static uint8_t ram[RAM];
static struct vio *v;
static uint8_t sent[2048];
static unsigned nsent, frames;

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static int raw_tx(struct eth_driver *d, unsigned int num, uintptr_t *phys, unsigned int *len, void *cookie)
{
    (void)d, (void)cookie;
    nsent = 0;
    for (unsigned i = 0; i < num; i++) {
        memcpy(sent + nsent, (void *)phys[i], len[i]);
        nsent += len[i];
    }
    frames++;
    return ETHIF_TX_COMPLETE;
}

static void low_level_init(struct eth_driver *d, uint8_t *mac, int *mtu)
{
    (void)d, (void)mtu;
    memcpy(mac, "\x52\x54\x00\x12\x34\x56", 6);
}

static int driver_init(struct eth_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->i_fn = (struct raw_iface_funcs){.raw_tx = raw_tx, .low_level_init = low_level_init};
    return 0;
}

static uint64_t qbase(unsigned q)
{
    return (0x10 + 4 * (uint64_t)q) << 12;
}

static void out(unsigned off, unsigned size, uint32_t val)
{
    cr_assert_eq(v->emul.io_out(&v->emul, off, size, val), 0);
}

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    frames = 0;
    v = vio_create((vm_t *)ram, &vio_net_device, 128);
    cr_assert_not_null(v);
    v->mem = (struct virtq_mem){NULL, map};
    cr_assert_not_null(net_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, driver_init, NULL));
    for (unsigned q = 0; q < 2; q++) {
        out(VIRTIO_PCI_QUEUE_SEL, 2, q);
        out(VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(qbase(q) >> 12));
    }
    out(VIRTIO_PCI_GUEST_FEATURES, 4, 1u << VIRTIO_NET_F_MAC);
    out(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_DRIVER_OK | 3);
}

static void teardown(void)
{
    free(v->emul.internal);
    vio_destroy(v);
}

TestSuite(virtio_net, .init = setup, .fini = teardown);

/* Offer a chain of the given pieces on queue q and notify. */
static void offer(unsigned q, const struct vring_desc *pieces, unsigned n)
{
    struct vring_desc *d = (struct vring_desc *)(ram + qbase(q));
    struct vring_avail *a = (struct vring_avail *)(ram + qbase(q) + 16 * 128);
    for (unsigned i = 0; i < n; i++) {
        d[i] = pieces[i];
        if (i + 1 < n)
            d[i].flags |= VRING_DESC_F_NEXT, d[i].next = (uint16_t)(i + 1);
    }
    a->ring[a->idx % 128] = 0;
    a->idx++;
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, q);
}

Test(virtio_net, the_mac_is_in_the_configuration)
{
    unsigned b = 0;
    v->emul.io_in(&v->emul, VIRTIO_PCI_CONFIG_OFF(0) + 5, 1, &b);
    cr_assert_eq(b, 0x56);
    v->emul.io_in(&v->emul, VIRTIO_PCI_HOST_FEATURES, 4, &b);
    cr_assert_eq(b, 1u << VIRTIO_NET_F_MAC);
}

Test(virtio_net, a_sent_frame_reaches_the_backend_without_its_header)
{
    memset(ram + 0x40000, 0xaa, 10); /* the legacy header */
    memcpy(ram + 0x40000 + 10, "dst---src---", 12);
    memcpy(ram + 0x50000, "payload", 7);
    struct vring_desc p[] = {{0x40000, 22, 0, 0}, {0x50000, 7, 0, 0}};
    offer(TX_QUEUE, p, 2);
    cr_assert_eq(frames, 1);
    cr_assert_eq(nsent, 19);
    cr_assert(memcmp(sent, "dst---src---payload", 19) == 0);
    const struct vring_used *u = (const void *)(ram + qbase(1) + 0x1000);
    cr_assert_eq(u->idx, 1, "returned");
}

Test(virtio_net, a_received_frame_lands_after_a_zeroed_header)
{
    struct eth_driver *d = &((struct net_emul *)v->emul.internal)->driver;
    void *cookie;
    cr_assert_eq(d->i_cb.allocate_rx_buf(d->cb_cookie, 60, &cookie), 0, "no receive buffer: no room");
    memset(ram + 0x60000, 0xee, 2048);
    struct vring_desc p[] = {{0x60000, 2048, VRING_DESC_F_WRITE, 0}};
    offer(RX_QUEUE, p, 1);
    uint8_t *buf = (uint8_t *)d->i_cb.allocate_rx_buf(d->cb_cookie, 60, &cookie);
    cr_assert_not_null(buf);
    memset(buf, 'f', 60);
    unsigned len = 60;
    d->i_cb.rx_complete(d->cb_cookie, 1, &cookie, &len);
    for (unsigned i = 0; i < 10; i++)
        cr_assert_eq(ram[0x60000 + i], 0, "header byte %u", i);
    cr_assert_eq(ram[0x60000 + 10], 'f', "the frame right after the 10-byte legacy header");
    cr_assert_eq(ram[0x60000 + 70], 0xee);
    const struct vring_used *u = (const void *)(ram + qbase(0) + 0x1000);
    cr_assert_eq(u->ring[0].len, 70);
}
