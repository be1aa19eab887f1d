/* debug_exit.c: QEMU's isa-debug-exit: a write of V stops the VM with exit status (V << 1) | 1. */
#include "devices.h"

/* The whole access is the value (QEMU takes accesses up to its iosize whole). */
static void exit_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    struct debug_exit *d = dev;
    d->fired = true;
    d->value = value;
    vcpuctx_vm_stop(d->vm, debug_exit_status(d));
}

static uint32_t exit_read(void *dev, unsigned reg, unsigned size)
{
    (void)dev;
    (void)reg;
    (void)size;
    return 0; /* QEMU's device reads as 0 */
}

/* As QEMU: exit((V << 1) | 1), which the shell sees modulo 256. */
int debug_exit_status(const struct debug_exit *d)
{
    return (int)(((d->value << 1) | 1) & 0xff);
}

int debug_exit_register(vm_t *vm, struct debug_exit *d, uint16_t base, unsigned iosize)
{
    static const struct port_ops ops = {exit_read, exit_write, 4};
    d->vm = vm;
    return port_range_register(vm, &d->io, (struct port_range){&ops, d, base, (uint16_t)iosize, 0}, "isa-debug-exit");
}
