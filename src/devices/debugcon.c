/* debugcon.c: the Bochs/QEMU debug console port (0xE9, and 0x402 where SeaBIOS looks). */
#include "devices.h"

static uint32_t debugcon_read(void *dev, unsigned reg, unsigned size)
{
    (void)dev;
    (void)reg;
    (void)size;
    return 0xe9;
}

static void debugcon_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    struct debugcon *d = dev;
    uint8_t byte = (uint8_t)value;
    sink_write(d->out, &byte, 1);
}

int debugcon_register(vm_t *vm, struct debugcon *d, uint16_t port)
{
    static const struct port_ops ops = {debugcon_read, debugcon_write, 1};
    return port_range_register(vm, &d->io, (struct port_range){&ops, d, port, 1, 0}, "debugcon");
}
