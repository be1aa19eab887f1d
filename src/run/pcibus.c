/* pcibus.c: the machine's PCI bus as QEMU's pc machine shows it to firmware, kernels and test kernels: a
   libsel4vmmplatsupport space with QEMU's i440FX host bridge at 00:00.0, reached through configuration
   mechanism #1. Port 0xCF9 stays the reset control register (sysctl.c), as on a PC: only 0xCF8 (the address
   register's dword), 0xCFA-0xCFB and the data window 0xCFC-0xCFF are the bus's. */
#include <errno.h>

#include <sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h>

#include "run.h"

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

int pcibus_create(vm_t *vm, struct pcibus *b)
{
    if (vmm_pci_init(&b->space) < 0)
        return -1;
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
    vcpuctx_pci_free(b->space);
    b->space = NULL;
}
