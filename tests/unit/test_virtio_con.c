/* test_virtio_con.c: libsel4vmmplatsupport's virtio console through its legacy registers, on a plain buffer as
   guest RAM: the multiport control protocol as Linux drives it, a port's output to the backend, the backend's
   input into the guest's buffer; no KVM needed. */
#include <criterion/criterion.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

#include "vmmplat/virtio_con_emul.h"

#define RAM (1u << 20)
static uint8_t ram[RAM];
static struct vio *v;
static char written[256];
static size_t nwritten;
static int last_port = -1;

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static void putchar_fn(int port, char c)
{
    last_port = port;
    if (nwritten < sizeof(written))
        written[nwritten++] = c;
}

static int driver_init(struct virtio_console_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->backend_fn.backend_putchar = putchar_fn;
    return 0;
}

/* Queue q at page 0x10 + 4q: its descriptors, available and used rings (legacy layout, 128 entries). */
static uint64_t qbase(unsigned q)
{
    return (0x10 + 4 * (uint64_t)q) << 12;
}

static void out(unsigned off, unsigned size, uint32_t val)
{
    cr_assert_eq(v->emul.io_out(&v->emul, off, size, val), 0);
}

static unsigned in(unsigned off, unsigned size)
{
    unsigned val = 0;
    cr_assert_eq(v->emul.io_in(&v->emul, off, size, &val), 0);
    return val;
}

/* Offer one buffer of len bytes at gpa on queue q (device-writable when write), and notify. */
static void offer(unsigned q, uint64_t gpa, uint32_t len, bool write)
{
    struct vring_desc *d = (struct vring_desc *)(ram + qbase(q));
    struct vring_avail *a = (struct vring_avail *)(ram + qbase(q) + 16 * 128);
    unsigned i = a->idx % 128;
    d[i] = (struct vring_desc){gpa, len, write ? VRING_DESC_F_WRITE : 0, 0};
    a->ring[i] = (uint16_t)i;
    a->idx++;
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, q);
}

static const struct vring_used *used(unsigned q)
{
    return (const void *)(ram + ((qbase(q) + 16 * 128 + 2 * (3 + 128) + 4095) & ~4095ull));
}

static void setup(void)
{
    memset(ram, 0, sizeof(ram));
    nwritten = 0;
    v = vio_create((vm_t *)ram, &vio_con_device, 128);
    cr_assert_not_null(v);
    v->mem = (struct virtq_mem){NULL, map};
    cr_assert_not_null(console_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, driver_init, NULL));
    for (unsigned q = 0; q < 4; q++) {
        out(VIRTIO_PCI_QUEUE_SEL, 2, q);
        out(VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(qbase(q) >> 12));
    }
    out(VIRTIO_PCI_GUEST_FEATURES, 4, 1u << VIRTIO_CON_F_MULTIPORT);
    out(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_DRIVER_OK | 3);
}

static void teardown(void)
{
    free(v->emul.internal);
    vio_destroy(v);
}

TestSuite(virtio_con, .init = setup, .fini = teardown);

static void send_ctl(uint32_t id, uint16_t event, uint16_t value)
{
    struct virtio_con_ctl m = {id, event, value};
    memcpy(ram + 0x80000, &m, sizeof(m));
    offer(CTL_TX_QUEUE, 0x80000, sizeof(m), false);
}

static struct virtio_con_ctl received(unsigned i)
{
    struct virtio_con_ctl m;
    memcpy(&m, ram + 0x90000 + 16 * i, sizeof(m));
    return m;
}

Test(virtio_con, multiport_as_upstream_and_the_control_protocol_as_linux_drives_it)
{
    cr_assert_eq(in(VIRTIO_PCI_HOST_FEATURES, 4), 1u << VIRTIO_CON_F_MULTIPORT);
    cr_assert_eq(in(VIRTIO_CON_CFG_MAX_PORTS, 4), VIRTIO_CON_MAX_PORTS);
    send_ctl(0, VIRTIO_CON_DEVICE_READY, 1);
    for (unsigned i = 0; i < 8; i++) /* the guest's receive buffers come after: the messages wait for them */
        offer(CTL_RX_QUEUE, 0x90000 + 16 * i, 16, true);
    cr_assert_eq(used(CTL_RX_QUEUE)->idx, VIRTIO_CON_MAX_PORTS, "a PORT_ADD per port");
    for (unsigned p = 0; p < VIRTIO_CON_MAX_PORTS; p++)
        cr_assert(received(p).id == p && received(p).event == VIRTIO_CON_PORT_ADD);
    send_ctl(0, VIRTIO_CON_PORT_READY, 1);
    cr_assert_eq(used(CTL_RX_QUEUE)->idx, VIRTIO_CON_MAX_PORTS + 2);
    cr_assert(received(4).id == 0 && received(4).event == VIRTIO_CON_CON_PORT && received(4).value == 1,
              "port 0 is the console");
    cr_assert(received(5).id == 0 && received(5).event == VIRTIO_CON_PORT_OPEN && received(5).value == 1);
    cr_assert_eq(used(CTL_TX_QUEUE)->idx, 2, "each control message returned");
}

Test(virtio_con, a_ports_output_goes_to_the_backend_and_input_to_the_guest)
{
    memcpy(ram + 0x70000, "login: ", 7);
    offer(1, 0x70000, 7, false); /* port 0's transmit queue */
    cr_assert_eq(nwritten, 7);
    cr_assert(memcmp(written, "login: ", 7) == 0);
    cr_assert_eq(last_port, 0);
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), 1);
    offer(0, 0x60000, 64, true); /* a receive buffer on port 0 */
    char ring[VUART_BUFLEN];
    memcpy(ring + VUART_BUFLEN - 3, "roo", 3);
    memcpy(ring, "t\n", 2);
    struct virtio_console_driver *drv = &((struct con_emul *)v->emul.internal)->driver;
    drv->emul_cb.emul_putchar(0, &v->emul, ring, VUART_BUFLEN - 3, 2);
    cr_assert(memcmp(ram + 0x60000, "root\n", 5) == 0, "the ring's bytes, across its wrap");
    cr_assert_eq(used(0)->ring[0].len, 5);
}
