/* test_virtio_net.c: libsel4vmmplatsupport's virtio network device through its legacy registers, on a plain
   buffer as guest RAM: a frame sent reaches raw_tx without its header and in place, a frame received lands after
   a zeroed header of the interface's length, and no receive buffer means no room; with offloads, headers pass
   both ways and a frame the guest cannot take is dropped and counted; no KVM needed. */
#include <criterion/criterion.h>
#include <string.h>

#include <errno.h>
#include <sel4vmmplatsupport/drivers/virtio_net.h>
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

static uint64_t accepted = ~0ull;
static unsigned accepts;

static int accept(struct eth_driver *d, uint64_t guest_features)
{
    (void)d;
    accepted = guest_features;
    accepts++;
    return 0;
}

/* Reset the device, set its queues up again and take features; the backend is told at DRIVER_OK. */
static void renegotiate(uint32_t features)
{
    out(VIRTIO_PCI_STATUS, 1, 0);
    cr_assert_eq(accepted, 0, "a reset tells the backend the guest takes nothing");
    for (unsigned q = 0; q < 2; q++) {
        out(VIRTIO_PCI_QUEUE_SEL, 2, q);
        out(VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(qbase(q) >> 12));
    }
    out(VIRTIO_PCI_GUEST_FEATURES, 4, features);
    out(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_DRIVER_OK | 3);
    cr_assert_eq(accepted, features, "DRIVER_OK tells the backend what the guest took");
}

static void offload(void)
{
    accepts = 0;
    cr_assert_eq(net_emul_offload(v->emul.internal, VCPUCTX_VIRTIO_NET_OFFLOADS, accept), 0);
}

Test(virtio_net, only_offload_bits_and_an_accept_are_taken)
{
    struct net_emul *n = v->emul.internal;
    errno = 0;
    cr_assert_eq(net_emul_offload(n, 1u << VIRTIO_NET_F_MAC, accept), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(net_emul_offload(n, 1u << VIRTIO_NET_F_CSUM, NULL), -1);
    cr_assert_eq(vcpuctx_virtio_net_offload(NULL, 0, accept), -1);
    cr_assert_null(n->accept, "nothing changed by a refusal");
    unsigned b = 0;
    offload();
    v->emul.io_in(&v->emul, VIRTIO_PCI_HOST_FEATURES, 4, &b);
    cr_assert_eq(b, 1u << VIRTIO_NET_F_MAC | VCPUCTX_VIRTIO_NET_OFFLOADS);
}

Test(virtio_net, with_offloads_the_guests_header_goes_first_as_twelve_bytes)
{
    offload();
    uint32_t f = 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_CSUM | 1u << VIRTIO_NET_F_HOST_TSO4;
    renegotiate(f);
    cr_assert_eq(accepts, 2);
    struct virtio_net_hdr h = {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1448, 34, 16};
    memcpy(ram + 0x40000, &h, sizeof(h));
    memcpy(ram + 0x50000, "dst---src---payload", 19);
    struct vring_desc p[] = {{0x40000, 10, 0, 0}, {0x50000, 19, 0, 0}};
    offer(TX_QUEUE, p, 2);
    cr_assert_eq(frames, 1);
    cr_assert_eq(nsent, 12 + 19);
    cr_assert(memcmp(sent, &h, 10) == 0, "the guest's 10-byte legacy header, as it wrote it");
    cr_assert_eq(sent[10] | sent[11], 0, "num_buffers 0");
    cr_assert(memcmp(sent + 12, "dst---src---payload", 19) == 0);
}

/* Hand the device one frame of the backend's: a header h, then 60 bytes of 'f'. */
static void receive(const struct virtio_net_hdr *h)
{
    struct eth_driver *d = &((struct net_emul *)v->emul.internal)->driver;
    void *cookie;
    uint8_t *buf = (uint8_t *)d->i_cb.allocate_rx_buf(d->cb_cookie, 72, &cookie);
    cr_assert_not_null(buf);
    memset(buf, 0, 12);
    memcpy(buf, h, sizeof(*h));
    memset(buf + 12, 'f', 60);
    unsigned len = 72;
    d->i_cb.rx_complete(d->cb_cookie, 1, &cookie, &len);
}

Test(virtio_net, a_frame_the_guest_cannot_take_is_dropped_and_counted)
{
    offload();
    renegotiate(1u << VIRTIO_NET_F_MAC);
    struct vring_desc p[] = {{0x60000, 2048, VRING_DESC_F_WRITE, 0}};
    offer(RX_QUEUE, p, 1);
    struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16};
    receive(&h);
    const struct vring_used *u = (const void *)(ram + qbase(0) + 0x1000);
    cr_assert_eq(u->idx, 0, "a checksum to finish, and the guest took no GUEST_CSUM: not delivered");
    cr_assert_eq(((struct net_emul *)v->emul.internal)->rx_dropped, 1);
    receive(&(struct virtio_net_hdr){.flags = VIRTIO_NET_HDR_F_DATA_VALID});
    cr_assert_eq(u->idx, 1, "a frame needing nothing is delivered");
    cr_assert_eq(u->ring[0].len, 70);
}

Test(virtio_net, a_frame_with_offloads_the_guest_took_lands_with_its_header)
{
    offload();
    renegotiate(1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_GUEST_CSUM | 1u << VIRTIO_NET_F_GUEST_TSO4);
    struct vring_desc p[] = {{0x60000, 2048, VRING_DESC_F_WRITE, 0}};
    offer(RX_QUEUE, p, 1);
    struct virtio_net_hdr h = {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1448, 34, 16};
    receive(&h);
    const struct vring_used *u = (const void *)(ram + qbase(0) + 0x1000);
    cr_assert_eq(u->idx, 1);
    cr_assert_eq(u->ring[0].len, 70, "a 10-byte legacy header and the 60 bytes");
    cr_assert(memcmp(ram + 0x60000, &h, 10) == 0, "the backend's header, as it sent it");
    cr_assert_eq(ram[0x60000 + 10], 'f');
    h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
    offer(RX_QUEUE, p, 1);
    receive(&h);
    cr_assert_eq(u->idx, 1, "TCPv6 segmentation not taken: dropped");
}
