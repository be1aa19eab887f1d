/* test_pci.c: libsel4vmmplatsupport's PCI space through configuration mechanism #1, and its entry wrappers (BARs,
   the interrupt line, capabilities, passthrough), as upstream defines them; no KVM needed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>

static vmm_pci_space_t *space;

/* What the wrappers a test made allocated: freed at its end (upstream gives no call for it). */
static void *made[8];
static unsigned nmade;
static pci_cap_emulation_t *made_caps;

static vmm_pci_entry_t keep(vmm_pci_entry_t e)
{
    if (e.cookie && nmade < 8)
        made[nmade++] = e.cookie;
    return e;
}

static void setup(void)
{
    cr_assert_eq(vmm_pci_init(&space), 0);
}

static void teardown(void)
{
    vcpuctx_pci_free(space);
    if (made_caps) {
        free(made_caps->caps);
        free(made_caps->ignore_start);
        free(made_caps->ignore_end);
    }
    for (unsigned i = 0; i < nmade; i++)
        free(made[i]);
}

TestSuite(pci, .init = setup, .fini = teardown);

/* A configuration read through the ports, as a guest makes it: the address at 0xCF8, then the data window. */
static uint32_t conf_read(unsigned dev, unsigned reg, unsigned size)
{
    unsigned v = 0;
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x80000000u | dev << 11 | (reg & ~3u)), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcfc + (reg & 3), size, &v), IO_FAULT_HANDLED);
    return v;
}

static void conf_write(unsigned dev, unsigned reg, unsigned size, uint32_t value)
{
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x80000000u | dev << 11 | (reg & ~3u)), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcfc + (reg & 3), size, value), IO_FAULT_HANDLED);
}

Test(pci, the_host_bridge_is_at_00_00_0_with_upstreams_identity)
{
    cr_assert_eq(conf_read(0, 0, 4), 0x00425e14u, "vendor 0x5E14, device 0x42");
    cr_assert_eq(conf_read(0, 0x08, 4), 0x06000001u, "class 06/00/00, revision 1");
    cr_assert_eq(conf_read(0, 0x02, 2), 0x0042u, "a 16-bit read in the window's upper half");
    cr_assert_eq(conf_read(0, 0x0e, 1), 0, "a normal header");
    conf_write(0, 0, 4, 0x12345678);
    cr_assert_eq(conf_read(0, 0, 4), 0x00425e14u, "the bridge ignores writes");
}

Test(pci, the_address_register_reads_back_without_its_low_bits)
{
    unsigned v = 0;
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x8000080fu), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcf8, 4, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0x8000080cu);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcfa, 2, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0x8000u, "a 16-bit read of its upper half");
}

Test(pci, an_empty_slot_reads_all_ones_and_ignores_writes)
{
    cr_assert_eq(conf_read(5, 0, 4), 0xffffffffu);
    conf_write(5, 0x10, 4, 0);
    vmm_pci_address_t other_bus = {.bus = 1, .dev = 0, .fun = 0};
    cr_assert_null(find_device(space, other_bus), "bus 0 only");
}

Test(pci, accesses_across_a_register_read_all_ones_and_write_nothing)
{
    unsigned v = 0;
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x80000000u), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcfb, 4, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0xffffffffu);
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcfa, 4, 0), IO_FAULT_HANDLED);
    cr_assert_eq(space->conf_port_addr, 0x80000000u, "the address register is untouched");
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xd00, 1, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0xffffffffu, "past the window");
    cr_assert_eq(vmm_pci_io_port_in(NULL, NULL, 0xcfc, 4, &v), IO_FAULT_ERROR, "no space");
}

Test(pci, config_addresses_decode_as_mechanism_1)
{
    vmm_pci_address_t a;
    uint8_t reg;
    make_addr_reg_from_config(0x80ab5a3cu, &a, &reg);
    cr_assert(a.bus == 0xab && a.dev == 11 && a.fun == 2 && reg == 0x3c, "%x %x %x %x", a.bus, a.dev, a.fun, reg);
}

/* A device with a type-0 header in memory, as a VMM makes one. */
static vmm_pci_device_def_t def = {.vendor_id = 0x1af4, .device_id = 0x1001, .header_type = 0x80};

static vmm_pci_entry_t mem_device(void)
{
    return (vmm_pci_entry_t){.cookie = &def, .ioread = vmm_pci_mem_device_read, .iowrite = vmm_pci_mem_device_write};
}

Test(pci, devices_go_to_the_next_free_slot_until_all_32_are_taken)
{
    vmm_pci_address_t a;
    for (unsigned dev = 1; dev < 32; dev++) {
        cr_assert_eq(vmm_pci_add_entry(space, mem_device(), &a), 0);
        cr_assert(a.bus == 0 && a.dev == dev && a.fun == 0, "device %u went to %u", dev, a.dev);
    }
    errno = 0;
    cr_assert_eq(vmm_pci_add_entry(space, mem_device(), &a), -1);
    cr_assert_eq(errno, ENOSPC);
    cr_assert_eq(vmm_pci_add_entry(space, (vmm_pci_entry_t){0}, NULL), -1, "an entry that cannot be read");
}

Test(pci, a_header_in_memory_reads_and_writes_through_the_window)
{
    cr_assert_eq(vmm_pci_add_entry(space, mem_device(), NULL), 0);
    cr_assert_eq(conf_read(1, 0, 4), 0x10011af4u);
    cr_assert_eq(conf_read(1, 0x0e, 1), 0, "the multi-function bit is never shown");
    cr_assert_eq(conf_read(1, 0x40, 4), 0, "no capability space");
    conf_write(1, 0x04, 2, 0x0001);
    cr_assert_eq(def.command, 1, "the command register written");
    cr_assert_eq(conf_read(1, 0x04, 4) & 0xffff, 1);
}

Test(pci, an_io_bar_is_sized_by_writing_ones_and_keeps_its_address)
{
    vmm_pci_bar_t bars[2] = {{.mem_type = NON_MEM, .address = 0xc000, .size_bits = 8},
                             {.mem_type = PREFETCH_MEM, .address = 0xfe000000, .size_bits = 20}};
    vmm_pci_entry_t e = keep(vmm_pci_create_bar_emulation(mem_device(), 2, bars));
    cr_assert_eq(vmm_pci_add_entry(space, e, NULL), 0);
    cr_assert_eq(conf_read(1, 0x10, 4), 0xc001u, "an I/O BAR: bit 0");
    conf_write(1, 0x10, 4, 0xffffffffu);
    cr_assert_eq(conf_read(1, 0x10, 4), 0xffffff01u, "256 ports");
    conf_write(1, 0x10, 4, 0xc000);
    cr_assert_eq(conf_read(1, 0x10, 4), 0xc001u, "restored");
    cr_assert_eq(conf_read(1, 0x14, 4), 0xfe000008u, "prefetchable memory: bit 3");
    conf_write(1, 0x14, 4, 0xffffffffu);
    cr_assert_eq(conf_read(1, 0x14, 4), 0xfff00008u, "1 MiB");
    cr_assert_eq(conf_read(1, 0x18, 4), 0, "a BAR beyond the emulated ones");
    cr_assert_eq(conf_read(1, 0x11, 1), 0xc0, "a byte of a BAR");
    cr_assert_eq(conf_read(1, 0, 4), 0x10011af4u, "the rest goes to the wrapped entry");
}

Test(pci, the_interrupt_line_reads_the_emulated_irq)
{
    def.interrupt_line = 3;
    def.interrupt_pin = 1;
    vmm_pci_entry_t e = keep(vmm_pci_create_irq_emulation(mem_device(), 11));
    cr_assert_eq(vmm_pci_add_entry(space, e, NULL), 0);
    cr_assert_eq(conf_read(1, 0x3c, 4) & 0xffff, 0x010b, "line 11, pin 1");
    conf_write(1, 0x3c, 1, 5);
    cr_assert_eq(def.interrupt_line, 3, "a byte written to the line is dropped");
    cr_assert_eq(conf_read(1, 0x3c, 1), 11);
    cr_assert_neq(e.iowrite(e.cookie, 0x3a, 4, 0), 0, "a write across the line from below is refused");
}

/* A device with a whole 256-byte space: MSI at 0x40, a vendor capability at 0x50, MSI-X at 0x60. */
static uint8_t full[256];

static int full_read(void *cookie, int offset, int size, uint32_t *result)
{
    (void)cookie;
    *result = 0;
    memcpy(result, full + offset, (size_t)size);
    return 0;
}

static int full_write(void *cookie, int offset, int size, uint32_t value)
{
    (void)cookie;
    memcpy(full + offset, &value, (size_t)size);
    return 0;
}

static vmm_pci_entry_t full_device(void)
{
    memset(full, 0, sizeof(full));
    full[0x06] = 0x10; /* capability list */
    full[0x34] = 0x40;
    full[0x40] = 0x05, full[0x41] = 0x50, full[0x44] = 0xaa;
    full[0x50] = 0x09, full[0x51] = 0x60;
    full[0x60] = 0x11, full[0x61] = 0x00;
    return (vmm_pci_entry_t){.ioread = full_read, .iowrite = full_write};
}

Test(pci, msi_and_msi_x_are_hidden_and_the_list_relinked)
{
    vmm_pci_entry_t e = full_device();
    full[0x42] = 0x80; /* 64-bit MSI: 14 bytes, to 0x4d */
    full[0x4c] = 0xbb;
    e = keep(vmm_pci_no_msi_cap_emulation(e));
    made_caps = e.cookie;
    cr_assert_neq(e.ioread, full_read, "a wrapper was made");
    cr_assert_eq(vmm_pci_add_entry(space, e, NULL), 0);
    cr_assert_eq(conf_read(1, 0x06, 1) & 0x10, 0x10, "a list remains");
    cr_assert_eq(conf_read(1, 0x34, 1), 0x50, "it starts at the vendor capability");
    cr_assert_eq(conf_read(1, 0x50, 4), 0x0009u, "which ends it");
    cr_assert_eq(conf_read(1, 0x44, 4), 0, "MSI's registers read 0");
    cr_assert_eq(conf_read(1, 0x4c, 1), 0, "its 64-bit data register too");
    conf_write(1, 0x44, 4, 0x12345678u);
    cr_assert_eq(full[0x44], 0xaa, "and drop writes");
    conf_write(1, 0x58, 4, 0x01020304u);
    cr_assert_eq(full[0x58], 0x04, "the rest is written through");
}

Test(pci, a_device_with_msi_alone_shows_no_capabilities)
{
    vmm_pci_entry_t e = full_device();
    full[0x41] = 0;
    e = keep(vmm_pci_no_msi_cap_emulation(e));
    made_caps = e.cookie;
    cr_assert_eq(vmm_pci_add_entry(space, e, NULL), 0);
    cr_assert_eq(conf_read(1, 0x04, 4) >> 16 & 0x10, 0, "the status bit cleared");
    cr_assert_eq(conf_read(1, 0x34, 1), 0);
}

Test(pci, a_device_without_msi_is_left_as_it_is)
{
    vmm_pci_entry_t e = full_device();
    full[0x34] = 0x50;
    full[0x51] = 0;
    e = vmm_pci_no_msi_cap_emulation(e);
    cr_assert_eq(e.ioread, full_read);
}

Test(pci, a_looping_capability_list_ends)
{
    vmm_pci_entry_t e = full_device();
    full[0x61] = 0x40; /* back to the start */
    e = keep(vmm_pci_no_msi_cap_emulation(e));
    made_caps = e.cookie;
    cr_assert_neq(e.ioread, NULL);
    cr_assert_eq(made_caps->num_caps, 1, "the vendor capability once, however often the loop passes it");
    cr_assert_eq(made_caps->num_ignore, 2);
}

Test(pci, the_window_reaches_nothing_while_the_enable_bit_is_clear)
{
    unsigned v = 0;
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x00000000u), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcfc, 4, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0xffffffffu, "as a PC's host bridge: no configuration cycle");
}

Test(pci, a_byte_written_to_the_address_register_keeps_the_others)
{
    unsigned v = 0;
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf8, 4, 0x80000000u), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_out(NULL, space, 0xcf9, 1, 0x0b), IO_FAULT_HANDLED);
    cr_assert_eq(vmm_pci_io_port_in(NULL, space, 0xcf8, 4, &v), IO_FAULT_HANDLED);
    cr_assert_eq(v, 0x80000b00u, "device 1, function 3: only bits 1:0 are cleared");
}

Test(pci, wrappers_refuse_what_they_cannot_forward_and_bad_sizes)
{
    vmm_pci_entry_t none = {0};
    cr_assert_null(vmm_pci_create_bar_emulation(none, 0, NULL).ioread, "over an entry that cannot be read");
    cr_assert_null(vmm_pci_create_irq_emulation(none, 5).ioread);
    cr_assert_null(vmm_pci_create_cap_emulation(none, 0, NULL, 0, NULL, NULL).ioread);
    cr_assert_null(vmm_pci_no_msi_cap_emulation(none).ioread);
    cr_assert_eq(vmm_pci_add_entry(space, vmm_pci_create_bar_emulation(none, 0, NULL), NULL), -1);
    vmm_pci_bar_t bar = {.mem_type = NON_MEM, .address = 0xc000, .size_bits = 4};
    vmm_pci_entry_t read_only = {.cookie = &def, .ioread = vmm_pci_mem_device_read};
    vmm_pci_entry_t e = keep(vmm_pci_create_bar_emulation(read_only, 1, &bar));
    uint32_t v;
    cr_assert_eq(e.iowrite(e.cookie, 0x04, 2, 7), 0, "a write the wrapped entry has no callback for is dropped");
    cr_assert_neq(e.iowrite(e.cookie, 0x10, -1, 0), 0, "a negative size");
    cr_assert_neq(e.ioread(e.cookie, 0x10, 0, &v), 0, "no bytes");
    cr_assert_neq(e.ioread(e.cookie, 0xfe, 4, &v), 0, "past the 256 bytes");
    cr_assert_neq(vmm_pci_mem_device_read(&def, 0x7fffffff, 4, &v), 0, "an offset that overflows");
}

/* A host's configuration space: each access recorded. */
static unsigned host_size, host_offset;
static uint8_t h8(void *c, vmm_pci_address_t a, unsigned o)
{
    (void)c, (void)a;
    host_size = 1, host_offset = o;
    return 0x11;
}
static uint16_t h16(void *c, vmm_pci_address_t a, unsigned o)
{
    (void)c, (void)a;
    host_size = 2, host_offset = o;
    return 0x2222;
}
static uint32_t h32(void *c, vmm_pci_address_t a, unsigned o)
{
    (void)c;
    host_size = 4, host_offset = o;
    return 0x40000000u | a.dev;
}
static void w8(void *c, vmm_pci_address_t a, unsigned o, uint8_t v)
{
    (void)c, (void)a, (void)v;
    host_size = 1, host_offset = o;
}
static void w16(void *c, vmm_pci_address_t a, unsigned o, uint16_t v)
{
    (void)c, (void)a, (void)v;
    host_size = 2, host_offset = o;
}
static void w32(void *c, vmm_pci_address_t a, unsigned o, uint32_t v)
{
    (void)c, (void)a, (void)v;
    host_size = 4, host_offset = o;
}

Test(pci, passthrough_reaches_the_hosts_device_by_size)
{
    vmm_pci_config_t cfg = {NULL, h8, h16, h32, w8, w16, w32};
    vmm_pci_entry_t e = vmm_pci_create_passthrough((vmm_pci_address_t){0, 7, 0}, cfg);
    uint32_t v;
    cr_assert_eq(e.ioread(e.cookie, 0x10, 4, &v), 0);
    cr_assert(v == 0x40000007u && host_size == 4 && host_offset == 0x10, "the host's device 7");
    cr_assert_eq(e.ioread(e.cookie, 0x3d, 1, &v), 0);
    cr_assert(v == 0x11 && host_size == 1 && host_offset == 0x3d);
    cr_assert_eq(e.iowrite(e.cookie, 0x04, 2, 7), 0);
    cr_assert(host_size == 2 && host_offset == 0x04);
    cr_assert_neq(e.ioread(e.cookie, 0, 3, &v), 0, "three bytes is no access");
    free(e.cookie);
}
