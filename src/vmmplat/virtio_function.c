/* virtio_function.c: a virtio device's place on the bus and in the port list, alike for every kind. */
#include <errno.h>

#include <sel4vmmplatsupport/drivers/virtio.h>

#include "pci_regs.h"
#include "virtio_function.h"

static int port_in(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result)
{
    struct vio_head *d = cookie;
    return d->emul->io_in(d->emul, port_no - d->iobase, size, result);
}

static int port_out(void *cookie, unsigned int port_no, unsigned int size, unsigned int value)
{
    struct vio_head *d = cookie;
    return d->emul->io_out(d->emul, port_no - d->iobase, size, value);
}

static unsigned size_bits(unsigned size)
{
    unsigned b = 0;
    while (b < 16 && (1u << (b + 1)) <= size)
        b++;
    return b;
}

/* Upstream's header: the kind's identity, BAR 0 at iobase, the pin and line as given. */
static void define(vmm_pci_device_def_t *def, const struct vio_kind *k, unsigned iobase, unsigned pin, unsigned line)
{
    *def = (vmm_pci_device_def_t){.vendor_id = VIRTIO_PCI_VENDOR_ID,
                                  .device_id = k->device_id,
                                  .command = k->command,
                                  .subsystem_vendor_id = VIRTIO_PCI_SUBSYSTEM_VENDOR_ID,
                                  .subsystem_id = k->subsystem_id,
                                  .interrupt_pin = (uint8_t)pin,
                                  .interrupt_line = (uint8_t)line,
                                  .bar0 = iobase | PCI_BAR_IO,
                                  .cache_line_size = 64,
                                  .latency_timer = 64,
                                  .prog_if = k->class & 0xff,
                                  .subclass = (k->class >> 8) & 0xff,
                                  .class_code = (k->class >> 16) & 0xff};
}

static int add_entry(struct vio_function *f, const struct vio_kind *k, struct vio_head *dev, vm_t *vm,
                     vmm_pci_space_t *pci, vmm_io_port_list_t *ioport, ioport_entry_t *io, uintptr_t modern_bar)
{
    unsigned size = io->range.size;
    if (modern_bar) {
        f->modern.def = f->def;
        if (vio_pci_init(&f->modern, vm, vio_of(dev->emul), ioport, io, &dev->iobase, modern_bar) < 0)
            return -1;
        return vmm_pci_add_entry(pci, vio_pci_entry(&f->modern), NULL);
    }
    vmm_pci_entry_t entry = {.cookie = &f->def,
                             .ioread = vmm_pci_mem_device_read,
                             .iowrite = k->header_writable ? vmm_pci_mem_device_write : vmm_pci_entry_ignore_write};
    vmm_pci_bar_t bar = {.mem_type = NON_MEM, .address = dev->iobase, .size_bits = size_bits(size)};
    return vmm_pci_add_entry(pci, vmm_pci_create_bar_emulation(entry, 1, &bar), NULL);
}

int vio_function_add(struct vio_function *f, const struct vio_kind *k, struct vio_head *dev, vm_t *vm,
                     vmm_pci_space_t *pci, vmm_io_port_list_t *ioport, ioport_range_t range, ioport_type_t port_type,
                     unsigned pin, unsigned line, uintptr_t modern_bar)
{
    ioport_entry_t *io =
        vmm_io_port_add_handler(ioport, range, (ioport_interface_t){dev, port_in, port_out, k->desc}, port_type);
    if (!io)
        return -1;
    dev->iobase = io->range.start;
    define(&f->def, k, dev->iobase, pin, line);
    return add_entry(f, k, dev, vm, pci, ioport, io, modern_bar);
}

void vio_function_free(struct vio_function *f, vm_t *vm)
{
    if (f->modern.mmio)
        vm_free_reserved_memory(vm, f->modern.mmio);
    f->modern.mmio = NULL;
}
