/* vmm.c: a VMM built as camkes-vm's is, on libsel4vm's and libsel4vmmplatsupport's APIs alone: a PCI space and an
   I/O port list, a device on the bus whose I/O BAR the list places and whose ports the unhandled-port callback
   reaches through emulate_io_handler, and the configuration ports registered with libsel4vm. */
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
#include <sel4vmmplatsupport/drivers/pci_helper.h>
#include <sel4vmmplatsupport/ioports.h>

#include "../common/example.h"
#include "vmm.h"

#define GUEST_ENTRY  0x1000
#define IOPORT_BASE  0x9000 /* where the port list places I/O BARs, as camkes-vm's does */
#define DEVICE_PORTS 16
#define DEVICE_IRQ   11

/* As camkes-vm keeps them: the VMM's PCI space and port list. */
static vmm_pci_space_t *pci;
static vmm_io_port_list_t *io_ports;

/* The device: a value written at offset 0 reads back doubled at 4; the guest's answer at 8, the line it read at
   12. */
struct device {
    uint16_t base;
    unsigned value;
    struct vmm_result *r;
};

static int device_in(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result)
{
    struct device *d = cookie;
    (void)size;
    if (port_no - d->base != 4)
        return -1;
    *result = d->value * 2;
    return 0;
}

static int device_out(void *cookie, unsigned int port_no, unsigned int size, unsigned int value)
{
    struct device *d = cookie;
    (void)size;
    switch (port_no - d->base) {
    case 0: d->value = value; return 0;
    case 8: d->r->answer = value; return 0;
    case 12: d->r->irq_line = value; return 0;
    default: return -1;
    }
}

/* camkes-vm's: ports no libsel4vm handler takes go to the port list. */
static ioport_fault_result_t ioport_callback_handler(vm_vcpu_t *vcpu, unsigned int port_no, bool is_in,
                                                     unsigned int *value, size_t size, void *cookie)
{
    (void)vcpu, (void)cookie;
    int r = emulate_io_handler(io_ports, port_no, is_in, size, value);
    return r == 0 ? IO_FAULT_HANDLED : r == 1 ? IO_FAULT_UNHANDLED : IO_FAULT_ERROR;
}

/* The device on the bus: its ports from the list, a header in memory, its BAR and interrupt line emulated. */
static int make_device(struct device *d)
{
    ioport_interface_t iface = {d, device_in, device_out, "example device"};
    ioport_entry_t *io = vmm_io_port_add_handler(io_ports, (ioport_range_t){.size = DEVICE_PORTS}, iface, IOPORT_FREE);
    if (!io)
        return -1;
    d->base = io->range.start;
    static vmm_pci_device_def_t def = {.vendor_id = 0x1234, .device_id = 0x0001, .header_type = 0, .interrupt_pin = 1};
    def.bar0 = d->base | 1;
    vmm_pci_bar_t bars[1] = {{.mem_type = NON_MEM, .address = d->base, .size_bits = 4}};
    vmm_pci_entry_t entry = {.cookie = &def, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_entry_ignore_write};
    entry = vmm_pci_create_bar_emulation(entry, 1, bars);
    entry = vmm_pci_create_irq_emulation(entry, DEVICE_IRQ);
    return vmm_pci_add_entry(pci, entry, NULL);
}

int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r)
{
    static struct device device;
    memset(r, 0, sizeof(*r));
    device.r = r;
    if (vm_register_unhandled_ioport_callback(vm, ioport_callback_handler, NULL) < 0 ||
        vmm_io_port_init(&io_ports, IOPORT_BASE) < 0 || vmm_pci_init(&pci) < 0 || make_device(&device) < 0)
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
    r->bar = device.base;
    r->halted = reason == EXIT_REASON_HLT;
    return 0;
}
