/* passthrough.c: vm_enable_passthrough_ioport: guest port accesses relayed to the host's ports (ioperm). */
#include <errno.h>
#include <sys/io.h>

#include "ioports.h"

static ioport_fault_result_t host_in(vm_vcpu_t *vcpu, void *cookie, unsigned int port, unsigned int size,
                                     unsigned int *result)
{
    (void)vcpu, (void)cookie;
    *result = size == 1 ? inb((uint16_t)port) : size == 2 ? inw((uint16_t)port) : inl((uint16_t)port);
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t host_out(vm_vcpu_t *vcpu, void *cookie, unsigned int port, unsigned int size,
                                      unsigned int value)
{
    (void)vcpu, (void)cookie;
    if (size == 1)
        outb((uint8_t)value, (uint16_t)port);
    else if (size == 2)
        outw((uint16_t)value, (uint16_t)port);
    else
        outl(value, (uint16_t)port);
    return IO_FAULT_HANDLED;
}

int vm_enable_passthrough_ioport(vm_vcpu_t *vcpu, uint16_t port_start, uint16_t port_end)
{
    if (!vcpu || port_start > port_end) {
        errno = EINVAL;
        return -1;
    }
    vm_ioport_range_t range = {port_start, port_end};
    vm_ioport_interface_t relay = {NULL, host_in, host_out, "passthrough"};
    if (vm_io_port_add_handler(vcpu->vm, range, relay) < 0)
        return -1;
    /* The calling thread's I/O permission bitmap: the thread that runs vm_run must be this one. */
    if (ioperm(port_start, (unsigned long)port_end - port_start + 1, 1) < 0) {
        int e = errno;
        ioport_remove(vcpu->vm, port_start);
        errno = e;
        return -1;
    }
    return 0;
}
