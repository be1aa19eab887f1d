/* virtio_function.c: a virtio device's place on the bus and in the port list, alike for every kind. */
#include <errno.h>
#include <stdlib.h>

#include <sel4vmmplatsupport/drivers/virtio.h>

#include "pci_regs.h"
#include "virtio_function.h"

#define VIO_QUEUE_SIZE 128 /* upstream's QUEUE_SIZE */

/* Whether BAR 0's ports decode: always for upstream's header; as the command register says with vcpuctx's. */
static bool io_decodes(const struct vio_function *f)
{
    return !f->modern.mmio || vio_pci_decodes(&f->modern, PCI_COMMAND_IO);
}

static int port_in(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result)
{
    struct vio_function *f = cookie;
    if (!io_decodes(f)) {
        *result = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1; /* no device answers */
        return 0;
    }
    return f->head->emul->io_in(f->head->emul, port_no - f->head->iobase, size, result);
}

static int port_out(void *cookie, unsigned int port_no, unsigned int size, unsigned int value)
{
    struct vio_function *f = cookie;
    return io_decodes(f) ? f->head->emul->io_out(f->head->emul, port_no - f->head->iobase, size, value) : 0;
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

static int add_entry(struct vio_function *f, const struct vio_kind *k, struct vio_head *dev, ioport_entry_t *io,
                     const struct vio_place *at)
{
    unsigned size = io->range.size;
    if (at->opts && at->opts->modern_bar) {
        f->modern.def = f->def;
        if (vio_pci_init(&f->modern, at->vm, vio_of(dev->emul), at->ioport, io, &dev->iobase, at->opts->modern_bar,
                         at->opts->msix) < 0)
            return -1;
        return vmm_pci_add_entry(at->pci, vio_pci_entry(&f->modern), NULL);
    }
    vmm_pci_entry_t entry = {.cookie = &f->def,
                             .ioread = vmm_pci_mem_device_read,
                             .iowrite = k->header_writable ? vmm_pci_mem_device_write : vmm_pci_entry_ignore_write};
    vmm_pci_bar_t bar = {.mem_type = NON_MEM, .address = dev->iobase, .size_bits = size_bits(size)};
    return vmm_pci_add_entry(at->pci, vmm_pci_create_bar_emulation(entry, 1, &bar), NULL);
}

void *vio_alloc(size_t size, const struct vio_place *at)
{
    if (!at->vm || !at->pci || !at->ioport) {
        errno = EINVAL;
        return NULL;
    }
    return calloc(1, size);
}

static void free_keeping_errno(void *p)
{
    int e = errno;
    free(p);
    errno = e;
}

int vio_make(void *d, struct vio_head *head, struct vio_function *f, const struct vio_kind *k,
             virtio_pci_devices_t type, void *driver_init, const struct vio_place *at)
{
    head->emul = virtio_emul_init((ps_io_ops_t){0}, VIO_QUEUE_SIZE, at->vm, driver_init, d, type);
    if (!head->emul) {
        free_keeping_errno(d);
        return -1;
    }
    f->head = head;
    ioport_interface_t iface = {f, port_in, port_out, k->desc};
    ioport_entry_t *io = vmm_io_port_add_handler(at->ioport, at->range, iface, at->port_type);
    if (!io) {
        int e = errno;
        vio_unmake(d, head, f);
        errno = e;
        return -1;
    }
    head->iobase = io->range.start;
    define(&f->def, k, head->iobase, at->pin, at->line);
    return add_entry(f, k, head, io, at) < 0 ? -2 : 0;
}

void vio_unmake(void *d, struct vio_head *head, struct vio_function *f)
{
    if (f->modern.mmio)
        vm_free_reserved_memory(head->emul->vm, f->modern.mmio);
    free(head->emul->internal);
    vio_destroy(vio_of(head->emul));
    free(d);
}
