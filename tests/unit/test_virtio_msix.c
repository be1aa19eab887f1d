/* test_virtio_msix.c: a virtio function's MSI-X on a device of the test's own (two queues; a notification of a
   queue is answered with that queue's interrupt): the table and pending bits, the vectors through both
   interfaces (the legacy registers move the device's configuration to offset 24 while MSI-X is on), messages
   sent, held while masked and sent on unmasking, nothing on INTx or the ISR meanwhile; no KVM needed. */
#include <criterion/criterion.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>

#include "vmmplat/virtio_dev.h"

#define RAM (1u << 20)
static uint8_t ram[RAM];
static struct vio *v;
static struct msg {
    uint64_t address;
    uint32_t data;
} sent[8];
static unsigned nsent, raised;

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static int signal_msi(void *cookie, uint64_t address, uint32_t data)
{
    cr_assert_eq(cookie, ram);
    if (nsent < 8)
        sent[nsent] = (struct msg){address, data};
    nsent++;
    return 0;
}

static void kick(struct vio *d, unsigned q)
{
    vio_interrupt(d, q);
}

static void raise_intx(struct vio *d)
{
    (void)d;
    raised++;
}

static const struct vio_device dev = {.features = 0, .nqueues = 2, .config_len = 4, .kick = kick, .raise = raise_intx};

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
    nsent = raised = 0;
    v = vio_create((vm_t *)ram, &dev, 128);
    cr_assert_not_null(v);
    v->mem = (struct virtq_mem){NULL, map};
    memcpy(v->config, "cfg!", 4);
    vio_msix_init(&v->msix, dev.nqueues + 1, signal_msi, ram);
    for (unsigned q = 0; q < 2; q++) {
        out(VIRTIO_PCI_QUEUE_SEL, 2, q);
        out(VIRTIO_PCI_QUEUE_PFN, 4, 0x10 + 4 * q);
    }
    out(VIRTIO_PCI_STATUS, 1, VIRTIO_CONFIG_S_DRIVER_OK | 3);
}

static void teardown(void)
{
    vio_destroy(v);
}

TestSuite(virtio_msix, .init = setup, .fini = teardown);

/* Table entry i: the message address and data, unmasked. */
static void program(unsigned i, uint32_t address, uint32_t data)
{
    vio_modern_write(v, VIO_MODERN_MSIX + 16 * i, 4, address);
    vio_modern_write(v, VIO_MODERN_MSIX + 16 * i + 4, 4, 0);
    vio_modern_write(v, VIO_MODERN_MSIX + 16 * i + 8, 4, data);
    vio_modern_write(v, VIO_MODERN_MSIX + 16 * i + 12, 4, 0);
}

Test(virtio_msix, off_until_enabled_and_intx_serves_meanwhile)
{
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(0), 4), 0x21676663, "the configuration at 20 while MSI-X is off");
    program(1, 0xfee00000, 0x41);
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    cr_assert_eq(nsent, 0);
    cr_assert_eq(raised, 1, "INTx");
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), 1);
}

Test(virtio_msix, vectors_through_the_legacy_registers_and_messages_per_queue)
{
    vio_set_msix_control(v, VIO_MSIX_CTRL_ENABLE);
    cr_assert_eq(in(VIRTIO_PCI_CONFIG_OFF(1), 4), 0x21676663, "the configuration at 24 while MSI-X is on");
    cr_assert_eq(in(VIRTIO_MSI_CONFIG_VECTOR, 2), VIRTIO_MSI_NO_VECTOR, "no vector until the driver gives one");
    out(VIRTIO_MSI_CONFIG_VECTOR, 2, 0);
    out(VIRTIO_PCI_QUEUE_SEL, 2, 1);
    out(VIRTIO_MSI_QUEUE_VECTOR, 2, 2);
    cr_assert_eq(in(VIRTIO_MSI_QUEUE_VECTOR, 2), 2);
    out(VIRTIO_PCI_QUEUE_SEL, 2, 0);
    out(VIRTIO_MSI_QUEUE_VECTOR, 2, 3);
    cr_assert_eq(in(VIRTIO_MSI_QUEUE_VECTOR, 2), VIRTIO_MSI_NO_VECTOR, "vector 3 of 3: not the function's");
    out(VIRTIO_MSI_QUEUE_VECTOR, 2, 1);
    program(1, 0xfee01000, 0x4041);
    program(2, 0xfee02000, 0x42);
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 1);
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    cr_assert_eq(nsent, 2);
    cr_assert_eq(sent[0].address, 0xfee02000u, "queue 1: vector 2's message");
    cr_assert_eq(sent[0].data, 0x42u);
    cr_assert_eq(sent[1].address, 0xfee01000u);
    cr_assert_eq(sent[1].data, 0x4041u);
    cr_assert_eq(raised, 0, "no INTx with MSI-X on");
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), 0, "the queue's bit is not set: its vector says it");
}

Test(virtio_msix, a_masked_vector_is_pending_until_unmasked)
{
    vio_set_msix_control(v, VIO_MSIX_CTRL_ENABLE);
    vio_modern_write(v, 0x16, 2, 0);
    vio_modern_write(v, 0x1a, 2, 1); /* queue 0: vector 1, through the virtio 1.x common configuration */
    cr_assert_eq(vio_modern_read(v, 0x1a, 2), 1);
    cr_assert_eq(vio_modern_read(v, VIO_MODERN_MSIX + 16 + 12, 4), 1, "entries start masked");
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    cr_assert_eq(nsent, 0);
    cr_assert_eq(vio_modern_read(v, VIO_MODERN_MSIX + VIO_MSIX_PBA, 8), 2, "vector 1 pending");
    program(1, 0xfee00000, 0x51); /* the unmasking write sends it */
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent[0].data, 0x51u);
    cr_assert_eq(vio_modern_read(v, VIO_MODERN_MSIX + VIO_MSIX_PBA, 8), 0);
    vio_set_msix_control(v, VIO_MSIX_CTRL_ENABLE | VIO_MSIX_CTRL_MASK);
    out(VIRTIO_PCI_QUEUE_NOTIFY, 2, 0);
    cr_assert_eq(nsent, 1, "the function masked");
    vio_set_msix_control(v, VIO_MSIX_CTRL_ENABLE);
    cr_assert_eq(nsent, 2, "sent on unmasking the function");
}

Test(virtio_msix, a_broken_ring_sends_the_configuration_vector_and_a_reset_forgets_the_vectors)
{
    vio_set_msix_control(v, VIO_MSIX_CTRL_ENABLE);
    vio_modern_write(v, 0x10, 2, 0);
    cr_assert_eq(vio_modern_read(v, 0x10, 2), 0, "msix_config: vector 0");
    program(0, 0xfee00000, 0x60);
    vio_broken(v);
    cr_assert_eq(nsent, 1);
    cr_assert_eq(sent[0].data, 0x60u);
    cr_assert_eq(in(VIRTIO_PCI_ISR, 1), VIRTIO_PCI_ISR_CONFIG, "the configuration bit, as the specification asks");
    out(VIRTIO_PCI_STATUS, 1, 0);
    cr_assert_eq(vio_modern_read(v, 0x10, 2), VIRTIO_MSI_NO_VECTOR, "a reset forgets the vectors");
    cr_assert_eq(vio_modern_read(v, VIO_MODERN_MSIX + 8, 4), 0x60, "but the table is the function's");
    cr_assert_eq(vio_modern_read(v, VIO_MODERN_MSIX + 16 * 3, 4), 0, "past the table: nothing");
}
