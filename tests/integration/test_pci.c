/* test_pci.c: a VMM built as camkes-vm builds one, on KVM: a PCI space and a port list from
   libsel4vmmplatsupport, the configuration ports registered with libsel4vm, a device's I/O BAR from the list
   reached through the unhandled-port callback; a guest enumerates the bus, sizes the BAR and reads through it. */
#include <stdlib.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>
#include <sel4vmmplatsupport/arch/ioport_defs.h>
#include <sel4vmmplatsupport/ioports.h>

#include "vmtest.h"

static vmm_pci_space_t *pci;
static vmm_io_port_list_t *ports;
static void *bar_cookie; /* the BAR emulation's, which upstream gives no call to free */

static void teardown_pci(void)
{
    vcpuctx_vm_destroy(vm);
    vm = NULL;
    vcpuctx_pci_free(pci);
    vcpuctx_io_port_list_free(ports);
    free(bar_cookie);
}

TestSuite(pci, .fini = teardown_pci);

struct outs {
    unsigned n;
    unsigned values[8];
};

static ioport_fault_result_t record(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)v, (void)port, (void)size;
    struct outs *o = cookie;
    if (o->n < 8)
        o->values[o->n++] = value;
    return IO_FAULT_HANDLED;
}

/* The device's I/O BAR: a read is 0xbe00 + the port's offset in the BAR. */
static int bar_in(void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)size;
    *result = 0xbe00u + (port - *(uint16_t *)cookie);
    return 0;
}

static int bar_out(void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)cookie, (void)port, (void)size, (void)value;
    return 0;
}

/* camkes-vm's callback: what no libsel4vm handler takes goes to the port list. */
static ioport_fault_result_t to_port_list(vm_vcpu_t *v, unsigned port, bool is_in, unsigned *value, size_t size,
                                          void *cookie)
{
    (void)v;
    int r = emulate_io_handler(cookie, port, is_in, size, value);
    return r == 0 ? IO_FAULT_HANDLED : r == 1 ? IO_FAULT_UNHANDLED : IO_FAULT_ERROR;
}

Test(pci, a_guest_enumerates_the_bus_and_reads_through_a_bar)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    load_guest(vm, "pci");
    setup_real_mode(vcpu);
    cr_assert_eq(vmm_pci_init(&pci), 0);
    cr_assert_eq(vmm_io_port_init(&ports, 0x9000), 0);
    static uint16_t base;
    ioport_entry_t *io = vmm_io_port_add_handler(ports, (ioport_range_t){.size = 0x40},
                                                 (ioport_interface_t){&base, bar_in, bar_out, "bar"}, IOPORT_FREE);
    cr_assert_not_null(io);
    base = io->range.start;
    static vmm_pci_device_def_t def = {.vendor_id = 0x1af4, .device_id = 0x1001, .command = 1};
    vmm_pci_bar_t bar = {.mem_type = NON_MEM, .address = base, .size_bits = 6};
    vmm_pci_entry_t dev = {.cookie = &def, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_mem_device_write};
    vmm_pci_entry_t with_bar = vmm_pci_create_bar_emulation(dev, 1, &bar);
    bar_cookie = with_bar.cookie;
    cr_assert_eq(vmm_pci_add_entry(pci, with_bar, NULL), 0);
    struct outs got = {0};
    vm_ioport_interface_t conf = {pci, vmm_pci_io_port_in, vmm_pci_io_port_out, "PCI configuration"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){X86_IO_PCI_CONFIG_START, X86_IO_PCI_CONFIG_END}, conf),
                 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x90, 0x90},
                                        (vm_ioport_interface_t){&got, NULL, record, "recorder"}),
                 0);
    cr_assert_eq(vm_register_unhandled_ioport_callback(vm, to_port_list, ports), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(got.n, 4, "%u values", got.n);
    cr_assert_eq(got.values[0], 0x00425e14u, "the host bridge at 00:00.0");
    cr_assert_eq(got.values[1], 0x10011af4u, "the device at 00:01.0");
    cr_assert_eq(got.values[2], 0xffffffc1u, "a 64-port I/O BAR");
    cr_assert_eq(got.values[3] & 0xffff, 0xbe02u, "the BAR's port + 2, through the port list");
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_REASON), EXIT_REASON_HLT);
}
