/* sysctl.c: port 0x92 (A20 gate and fast reset) and port 0x80 (POST codes, kept but not shown). */
#include "devices.h"

static ioport_fault_result_t p92_in(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)vcpu;
    (void)port;
    (void)size;
    *result = ((struct sysctl *)cookie)->port92;
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t p92_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    (void)port;
    (void)size;
    struct sysctl *s = cookie;
    if ((value & 1) && !(s->port92 & 1))
        s->reset_requested = true;       /* bit 0 rising: fast reset */
    s->port92 = (uint8_t)(value & 0x02); /* A20 is always on here; the bit is kept for reads */
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t post_in(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)vcpu;
    (void)port;
    (void)size;
    *result = ((struct sysctl *)cookie)->last_post;
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t post_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    (void)port;
    (void)size;
    ((struct sysctl *)cookie)->last_post = (uint8_t)value;
    return IO_FAULT_HANDLED;
}

int sysctl_register(vm_t *vm, struct sysctl *s)
{
    s->port92 = 0x02; /* A20 enabled */
    vm_ioport_interface_t a = {s, p92_in, p92_out, "port92"};
    vm_ioport_interface_t b = {s, post_in, post_out, "post"};
    if (vm_io_port_add_handler(vm, (vm_ioport_range_t){0x92, 0x92}, a) < 0)
        return -1;
    return vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x80}, b);
}
