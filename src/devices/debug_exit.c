/* debug_exit.c: QEMU's isa-debug-exit: a write of V stops the VM with exit status (V << 1) | 1. */
#include "devices.h"

static ioport_fault_result_t exit_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    (void)port;
    (void)size;
    struct debug_exit *d = cookie;
    d->fired = true;
    d->value = value;
    vcpuctx_vm_stop(d->vm, debug_exit_status(d));
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t exit_in(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)vcpu;
    (void)cookie;
    (void)port;
    (void)size;
    *result = 0; /* QEMU's device reads as 0 */
    return IO_FAULT_HANDLED;
}

/* As QEMU: exit((V << 1) | 1), which the shell sees modulo 256. */
int debug_exit_status(const struct debug_exit *d)
{
    return (int)(((d->value << 1) | 1) & 0xff);
}

int debug_exit_register(vm_t *vm, struct debug_exit *d, uint16_t base, unsigned iosize)
{
    d->vm = vm;
    vm_ioport_interface_t iface = {d, exit_in, exit_out, "isa-debug-exit"};
    return vm_io_port_add_handler(vm, (vm_ioport_range_t){base, (uint16_t)(base + iosize - 1)}, iface);
}
