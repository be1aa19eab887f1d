/* vmm.c: a VMM built as camkes-vm's is, on libsel4vm's and libsel4vmmplatsupport's APIs alone: a PCI space and an
   I/O port list, and a virtio console and a virtio disk added to them through upstream's calls, with backends as
   camkes-vm's are (function tables; the console's output into a buffer, the disk a sector in memory). Ports no
   libsel4vm handler takes reach the port list through the unhandled-port callback. */
#include <string.h>

#include <sel4vm/arch/guest_x86_context.h>
#include <sel4vm/arch/ioports.h>
#include <sel4vm/arch/vmcs_fields.h>
#include <sel4vm/arch/vmexit_reasons.h>
#include <sel4vm/boot.h>
#include <sel4vm/guest_ram.h>
#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>
#include <sel4vmmplatsupport/arch/ioport_defs.h>
#include <sel4vmmplatsupport/drivers/pci.h>
#include <sel4vmmplatsupport/drivers/virtio_blk.h>
#include <sel4vmmplatsupport/drivers/virtio_con.h>
#include <sel4vmmplatsupport/ioports.h>

#include "../common/example.h"
#include "vmm.h"

#define GUEST_ENTRY        0x1000
#define FREE_IOPORT_START  0x9000 /* camkes-vm's */
#define VIRTIO_IOPORT_SIZE 0x400  /* camkes-vm's */
#define VIRTIO_BLK_IRQ     7
#define VIRTIO_CON_IRQ     9

/* As camkes-vm keeps them: the VMM's PCI space and port list, and what its backends report to. */
static vmm_pci_space_t *pci;
static vmm_io_port_list_t *io_ports;
static struct vmm_result *result;
static const char sector0[512] = "VCPUCTX-SECTOR-0 and the rest of the sector";

static void console_putchar(int port, char c)
{
    if (port == 0 && result->console_len < sizeof(result->console))
        result->console[result->console_len++] = c;
}

static void console_handle_irq(void *cookie)
{
    (void)cookie; /* the guest polls; camkes-vm injects VIRTIO_CON_IRQ here */
}

static int disk_xfer(struct disk_driver *driver, uint8_t direction, uint64_t sector, uint32_t len, uintptr_t buf)
{
    (void)driver;
    if (direction != VIRTIO_BLK_T_IN || sector != 0 || len != sizeof(sector0))
        return VIRTIO_BLK_XFER_FAILED;
    memcpy((void *)buf, sector0, len);
    result->reads++;
    return VIRTIO_BLK_XFER_COMPLETE;
}

static void disk_init(struct disk_driver *driver, struct virtio_blk_config *cfg)
{
    (void)driver;
    cfg->capacity = 1;
}

static void disk_handle_irq(struct disk_driver *driver, int irq)
{
    (void)driver, (void)irq;
}

/* camkes-vm's make_virtio_con and make_virtio_blk. */
static int make_devices(vm_t *vm)
{
    struct virtio_console_passthrough con = {console_handle_irq, console_putchar, NULL};
    ioport_range_t range = {0, 0, VIRTIO_IOPORT_SIZE};
    if (!common_make_virtio_con(vm, pci, io_ports, range, IOPORT_FREE, VIRTIO_CON_IRQ, VIRTIO_CON_IRQ, con))
        return -1;
    raw_diskiface_funcs_t disk = virtio_blk_default_backend();
    disk.raw_xfer = disk_xfer;
    disk.low_level_init = disk_init;
    disk.raw_handleIRQ = disk_handle_irq;
    return common_make_virtio_blk(vm, pci, io_ports, range, IOPORT_FREE, VIRTIO_BLK_IRQ, VIRTIO_BLK_IRQ, disk) ? 0 : -1;
}

/* camkes-vm's: ports no libsel4vm handler takes go to the port list. */
static ioport_fault_result_t ioport_callback_handler(vm_vcpu_t *vcpu, unsigned int port_no, bool is_in,
                                                     unsigned int *value, size_t size, void *cookie)
{
    (void)vcpu, (void)cookie;
    int r = emulate_io_handler(io_ports, port_no, is_in, size, value);
    return r == 0 ? IO_FAULT_HANDLED : r == 1 ? IO_FAULT_UNHANDLED : IO_FAULT_ERROR;
}

int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r)
{
    memset(r, 0, sizeof(*r));
    result = r;
    if (vm_register_unhandled_ioport_callback(vm, ioport_callback_handler, NULL) < 0 ||
        vmm_io_port_init(&io_ports, FREE_IOPORT_START) < 0 || vmm_pci_init(&pci) < 0 || make_devices(vm) < 0)
        return -1;
    vm_ioport_interface_t config = {pci, vmm_pci_io_port_in, vmm_pci_io_port_out, "PCI Configuration Space"};
    if (vm_io_port_add_handler(vm, (vm_ioport_range_t){X86_IO_PCI_CONFIG_START, X86_IO_PCI_CONFIG_END}, config) < 0 ||
        !vm_create_vcpu(vm, 100))
        return -1;
    vm_vcpu_t *vcpu = vm->vcpus[BOOT_VCPU];
    if (vm_ram_touch(vm, GUEST_ENTRY, size, vm_guest_ram_write_callback, image) < 0 ||
        example_real_mode(vcpu, GUEST_ENTRY) < 0 || vcpu_start(vcpu) < 0 || vm_run(vm) < 0)
        return -1;
    seL4_Word reason = 0;
    vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_REASON, &reason);
    r->halted = reason == EXIT_REASON_HLT;
    return 0;
}
