/* portdev.c: the port adapter: a device's registers by number from its base, wide accesses split to its width. */
#include <errno.h>

#include "devices.h"

static uint32_t piece_mask(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* The width of each piece of a size-byte access: the whole access when the device takes it, else its width. */
static unsigned piece_size(const struct port_range *r, unsigned size)
{
    return size <= r->ops->width ? size : r->ops->width;
}

uint32_t port_range_read(const struct port_range *r, unsigned port, unsigned size)
{
    unsigned step = piece_size(r, size);
    uint32_t v = 0;
    for (unsigned done = 0; done < size; done += step) {
        unsigned off = port - r->base + done;
        uint32_t piece = off < r->len && r->ops->read ? r->ops->read(r->dev, r->first + off, step) : 0xffffffffu;
        v |= (piece & piece_mask(step)) << (8 * done);
    }
    return v;
}

void port_range_write(const struct port_range *r, unsigned port, unsigned size, uint32_t value)
{
    unsigned step = piece_size(r, size);
    for (unsigned done = 0; done < size; done += step) {
        unsigned off = port - r->base + done;
        if (off < r->len && r->ops->write)
            r->ops->write(r->dev, r->first + off, step, (value >> (8 * done)) & piece_mask(step));
    }
}

static ioport_fault_result_t range_in(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)vcpu;
    *result = port_range_read(cookie, port, size);
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t range_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    port_range_write(cookie, port, size, value);
    return IO_FAULT_HANDLED;
}

int port_range_register(vm_t *vm, struct port_range *slot, struct port_range r, const char *name)
{
    if (!r.ops || !r.len || r.base + r.len > 0x10000 || !r.ops->width || r.ops->width > 4) {
        errno = EINVAL;
        return -1;
    }
    /* A device without a read op leaves reads to the VMM's unclaimed-port handling, as an unregistered port. */
    vm_ioport_interface_t iface = {slot, r.ops->read ? range_in : NULL, range_out, name};
    if (vm_io_port_add_handler(vm, (vm_ioport_range_t){r.base, (uint16_t)(r.base + r.len - 1)}, iface) < 0)
        return -1;
    *slot = r; /* read only at accesses, which come after this returns: a refused range leaves it untouched */
    return 0;
}
