/* debugcon.c: the Bochs/QEMU debug console port (0xE9, and 0x402 where SeaBIOS looks). */
#include "devices.h"

static ioport_fault_result_t debugcon_in(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)vcpu;
    (void)cookie;
    (void)port;
    (void)size;
    *result = 0xe9;
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t debugcon_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    (void)port;
    (void)size;
    struct debugcon *d = cookie;
    uint8_t byte = (uint8_t)value;
    sink_write(d->out, &byte, 1);
    return IO_FAULT_HANDLED;
}

int debugcon_register(vm_t *vm, struct debugcon *d, uint16_t port)
{
    vm_ioport_interface_t iface = {d, debugcon_in, debugcon_out, "debugcon"};
    return vm_io_port_add_handler(vm, (vm_ioport_range_t){port, port}, iface);
}
