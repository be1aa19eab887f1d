/* fuzz_pci.c: random configuration-port accesses (address and window, every size and offset) into a PCI space
   holding the host bridge, a device with emulated BARs and interrupt line, and a device whose 256-byte space
   (capabilities from the input) is wrapped by vmm_pci_no_msi_cap_emulation; and random range additions and
   dispatches on a port list. Invariants: an empty slot and a disabled window read all ones, the bridge's ID
   never changes, the port list stays sorted without overlaps. */
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>
#include <sel4vmmplatsupport/ioports.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t space256[256];

static int raw_read(void *cookie, int offset, int size, uint32_t *result)
{
    (void)cookie;
    if (offset < 0 || size < 1 || size > 4 || offset + size > 256)
        abort(); /* the wrappers hand on only what a configuration space takes */
    *result = 0;
    memcpy(result, space256 + offset, (size_t)size);
    return 0;
}

static int raw_write(void *cookie, int offset, int size, uint32_t value)
{
    (void)cookie;
    if (offset < 0 || size < 1 || size > 4 || offset + size > 256)
        abort();
    memcpy(space256 + offset, &value, (size_t)size);
    return 0;
}

static unsigned read_port(vmm_pci_space_t *s, unsigned port, unsigned size)
{
    unsigned v = 0;
    vmm_pci_io_port_in(NULL, s, port, size, &v);
    return v;
}

static void check_space(vmm_pci_space_t *s)
{
    unsigned saved = s->conf_port_addr;
    vmm_pci_io_port_out(NULL, s, 0xcf8, 4, 0x80000000u);
    if (read_port(s, 0xcfc, 4) != 0x00425e14u)
        abort();
    vmm_pci_io_port_out(NULL, s, 0xcf8, 4, 0x8000f800u); /* 00:1f.0: empty */
    if (read_port(s, 0xcfc, 4) != 0xffffffffu)
        abort();
    vmm_pci_io_port_out(NULL, s, 0xcf8, 4, 0x00000000u);
    if (read_port(s, 0xcfc, 2) != 0xffffffffu)
        abort();
    s->conf_port_addr = saved;
}

static void check_list(const vmm_io_port_list_t *l)
{
    for (int i = 1; i < l->num_ioports; i++)
        if (l->ioports[i - 1]->range.end >= l->ioports[i]->range.start)
            abort();
}

static int port_in(void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)cookie, (void)size;
    *result = port;
    return 0;
}

static int port_out(void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)cookie, (void)port, (void)size;
    return value == 0xdead ? -1 : 0;
}

/* The ports list: ranges and dispatches from the input, 5 bytes each. */
static void fuzz_ports(const uint8_t *data, size_t size)
{
    vmm_io_port_list_t *l;
    if (vmm_io_port_init(&l, (uint16_t)(size ? data[0] << 8 : 0)) < 0)
        return;
    for (size_t i = 0; i + 5 <= size; i += 5) {
        uint16_t a = (uint16_t)(data[i + 1] << 8 | data[i + 2]), n = data[i + 3];
        ioport_interface_t f = {NULL, port_in, port_out, "fuzz"};
        unsigned v = data[i + 4];
        switch (data[i] % 3) {
        case 0: vmm_io_port_add_handler(l, (ioport_range_t){a, (uint16_t)(a + n), n}, f, IOPORT_ADDR); break;
        case 1: vmm_io_port_add_handler(l, (ioport_range_t){0, 0, n}, f, IOPORT_FREE); break;
        default: emulate_io_handler(l, a, data[i + 4] & 1, 1u << (data[i + 4] % 3), &v); break;
        }
        check_list(l);
    }
    vcpuctx_io_port_list_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vmm_pci_space_t *s;
    if (vmm_pci_init(&s) < 0)
        return 0;
    static vmm_pci_device_def_t def;
    def = (vmm_pci_device_def_t){.vendor_id = 0x1af4, .device_id = 0x1000};
    vmm_pci_bar_t bars[2] = {{NON_MEM, 0xc000, 6}, {PREFETCH_MEM, 0xfe000000, 20}};
    vmm_pci_entry_t mem = {&def, vmm_pci_mem_device_read, vmm_pci_mem_device_write};
    vmm_pci_entry_t bar = vmm_pci_create_bar_emulation(mem, 2, bars);
    vmm_pci_entry_t irq = vmm_pci_create_irq_emulation(bar, 11);
    vmm_pci_add_entry(s, irq, NULL);
    memset(space256, 0, sizeof(space256));
    memcpy(space256, data, size < sizeof(space256) ? size : sizeof(space256)); /* capabilities from the input */
    vmm_pci_entry_t caps = vmm_pci_no_msi_cap_emulation((vmm_pci_entry_t){NULL, raw_read, raw_write});
    vmm_pci_add_entry(s, caps, NULL);
    for (size_t i = 0; i + 6 <= size; i += 6) {
        unsigned port = 0xcf8 + data[i] % 8, len = 1u << (data[i + 1] % 3);
        unsigned value;
        memcpy(&value, data + i + 2, 4);
        if (data[i + 1] & 0x80)
            vmm_pci_io_port_out(NULL, s, port, len, value);
        else
            read_port(s, port, len);
    }
    check_space(s);
    fuzz_ports(data, size);
    if (caps.ioread != raw_read && caps.cookie) {
        pci_cap_emulation_t *c = caps.cookie;
        free(c->caps);
        free(c->ignore_start);
        free(c->ignore_end);
        free(c);
    }
    free(irq.cookie);
    free(bar.cookie);
    vcpuctx_pci_free(s);
    return 0;
}
