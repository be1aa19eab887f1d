/* pcibus.c: the machine's PCI bus as QEMU's pc machine shows it to firmware, kernels and test kernels: a
   libsel4vmmplatsupport space with QEMU's i440FX host bridge at 00:00.0, reached through configuration
   mechanism #1. Port 0xCF9 stays the reset control register (sysctl.c), as on a PC: only 0xCF8 (the address
   register's dword), 0xCFA-0xCFB and the data window 0xCFC-0xCFF are the bus's. */
#include <errno.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>
#include <sel4vmmplatsupport/drivers/virtio_blk.h>
#include <sel4vmmplatsupport/drivers/virtio_con.h>
#include <sel4vmmplatsupport/drivers/virtio_net.h>
#include <sel4vmmplatsupport/ioports.h>

#include "../devices/devices.h"
#include "run.h"

/* Where the bus's I/O BARs start, as SeaBIOS places QEMU's; each virtio function's 64 bytes. */
#define IO_BARS_AT     0xc000
#define VIRTIO_PORTS   0x40
/* Where the transitional virtio functions' memory BARs are, one per slot: in the PCI hole above any RAM (whose
   end below 4 GiB is at most 0xE0000000), below the IOAPIC, as QEMU's 32-bit BARs land under SeaBIOS. */
#define MODERN_BARS_AT 0xfe000000u

/* QEMU's i440FX: Intel 82441FX, revision 2, a host bridge, QEMU's default subsystem (Red Hat, 0x1100). */
static void define_i440fx(vmm_pci_device_def_t *d)
{
    *d = (vmm_pci_device_def_t){.vendor_id = 0x8086,
                                .device_id = 0x1237,
                                .revision_id = 0x02,
                                .class_code = 0x06,
                                .subclass = 0x00,
                                .subsystem_vendor_id = 0x1af4,
                                .subsystem_id = 0x1100};
}

/* QEMU's PIIX3 IDE: class 01/01, prog-if 0x80 (both channels in compatibility mode, bus-master capable), no
   BAR decoded (the legacy ports are the ATA model's own). */
static void define_piix3_ide(vmm_pci_device_def_t *d)
{
    *d = (vmm_pci_device_def_t){.vendor_id = 0x8086,
                                .device_id = 0x7010,
                                .class_code = 0x01,
                                .subclass = 0x01,
                                .prog_if = 0x80,
                                .subsystem_vendor_id = 0x1af4,
                                .subsystem_id = 0x1100};
}

int pcibus_add_ide(struct pcibus *b)
{
    define_piix3_ide(&b->ide);
    vmm_pci_entry_t e = {.cookie = &b->ide, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    return vmm_pci_add_entry(b->space, e, NULL) < 0 ? -1 : 0;
}

int pcibus_create(vm_t *vm, struct pcibus *b, bool msix)
{
    *b = (struct pcibus){.msix = msix};
    if (vmm_io_port_init(&b->io, IO_BARS_AT) < 0)
        return -1;
    if (vmm_pci_init(&b->space) < 0) {
        pcibus_free(b);
        return -1;
    }
    define_i440fx(&b->bridge);
    *b->space->bus0[0][0] = (vmm_pci_entry_t){
        .cookie = &b->bridge, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    static const vm_ioport_range_t ranges[] = {{0xcf8, 0xcf8}, {0xcfa, 0xcfb}, {0xcfc, 0xcff}};
    for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
        vm_ioport_interface_t conf = {b->space, vmm_pci_io_port_in, vmm_pci_io_port_out, "PCI configuration"};
        if (vm_io_port_add_handler(vm, ranges[i], conf) < 0) {
            int e = errno;
            pcibus_free(b);
            errno = e;
            return -1;
        }
    }
    return 0;
}

void pcibus_free(struct pcibus *b)
{
    for (unsigned i = 0; i < b->nblk; i++)
        vcpuctx_virtio_blk_free(b->blk[i]);
    b->nblk = 0;
    vcpuctx_virtio_con_free(b->con);
    b->con = NULL;
    vcpuctx_virtio_net_free(b->net);
    b->net = NULL;
    vcpuctx_pci_free(b->space);
    vcpuctx_io_port_list_free(b->io);
    b->space = NULL;
    b->io = NULL;
}

/* The first slot vmm_pci_add_entry will fill. */
static unsigned next_slot(const vmm_pci_space_t *s)
{
    unsigned slot = 0;
    while (slot < 32 && s->bus0[slot][0])
        slot++;
    return slot;
}

/* Where the device about to be made goes, unless it is taken (taken: the machine has its devices of the kind):
   its slot's GSI, and its maker's options with the backend's cookie; -1 (ENOSPC) when taken or the bus is
   full. */
static int next_function(const struct pcibus *b, bool taken, void *cookie, unsigned *gsi,
                         struct vcpuctx_virtio_pci *opts)
{
    unsigned slot = next_slot(b->space);
    if (taken || slot == 32) {
        errno = ENOSPC;
        return -1;
    }
    *gsi = pci_slot_gsi(slot, 1);
    *opts = (struct vcpuctx_virtio_pci){
        .cb_cookie = cookie, .modern_bar = MODERN_BARS_AT + VCPUCTX_VIRTIO_BAR_SIZE * slot, .msix = b->msix};
    return 0;
}

/* The I/O BAR a virtio function asks of the port list. */
static const ioport_range_t virtio_ports = {.size = VIRTIO_PORTS};

/* The made device's INTA driven by the device itself, the features the backend adds. (Its ports reach it through
   the port list, from the VM's unhandled-port callback: exits.c.) */
static int wire(virtio_emul_t *emul, vm_vcpu_t *vcpu, unsigned gsi, uint32_t features)
{
    return vcpuctx_virtio_intx(emul, vcpu, (int)gsi) < 0 || vcpuctx_virtio_add_features(emul, features) < 0 ? -1 : 0;
}

int pcibus_add_disk(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct blkfile *f)
{
    unsigned gsi;
    struct vcpuctx_virtio_pci opts;
    if (next_function(b, b->nblk == ARRAY_SIZE(b->blk), f, &gsi, &opts) < 0)
        return -1;
    virtio_blk_t *d =
        vcpuctx_make_virtio_blk(vm, b->space, b->io, virtio_ports, IOPORT_FREE, 1, gsi, blkfile_backend(), &opts);
    if (!d)
        return -1;
    b->blk[b->nblk++] = d;
    uint32_t features = 1u << VIRTIO_BLK_F_FLUSH | (f->readonly ? 1u << VIRTIO_BLK_F_RO : 0);
    return wire(d->emul, vcpu, gsi, features);
}

static void console_write(void *cookie, int port, const char *buf, size_t len)
{
    (void)port;
    sink_write(cookie, buf, len);
}

int pcibus_add_console(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct sink *out)
{
    unsigned gsi;
    struct vcpuctx_virtio_pci opts;
    if (next_function(b, b->con, out, &gsi, &opts) < 0)
        return -1;
    b->con = vcpuctx_make_virtio_con(vm, b->space, b->io, virtio_ports, IOPORT_FREE, 1, gsi,
                                     (struct virtio_console_passthrough){0}, &opts, console_write);
    return b->con ? wire(b->con->emul, vcpu, gsi, 0) : -1;
}

int pcibus_add_nic(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct tap *t)
{
    unsigned gsi;
    struct vcpuctx_virtio_pci opts;
    if (next_function(b, b->net, t, &gsi, &opts) < 0)
        return -1;
    b->net = vcpuctx_make_virtio_net(vm, b->space, b->io, virtio_ports, IOPORT_FREE, 1, gsi, tap_backend(), &opts);
    if (!b->net || wire(b->net->emul, vcpu, gsi, 0) < 0 ||
        vcpuctx_virtio_net_offload(b->net, VCPUCTX_VIRTIO_NET_OFFLOADS, tap_accept_fn()) < 0)
        return -1;
    return tap_start(t, b->net->emul_driver);
}
