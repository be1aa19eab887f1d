/* sysctl.c: port 0x92 (A20 gate and fast reset), 0xCF9 (reset control), port 0x80 (POST codes, kept). */
#include "devices.h"

/* A reset request ends the run at once; the VMM then reboots or, with --no-reboot, exits. */
void sysctl_reset(struct sysctl *s)
{
    s->reset_requested = true;
    vcpuctx_vm_stop(s->vm, 0);
}

static uint32_t p92_read(void *dev, unsigned reg, unsigned size)
{
    (void)reg;
    (void)size;
    return ((struct sysctl *)dev)->port92;
}

static void p92_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    struct sysctl *s = dev;
    if ((value & 1) && !(s->port92 & 1))
        sysctl_reset(s);                 /* bit 0 rising: fast reset */
    s->port92 = (uint8_t)(value & 0x02); /* A20 is always on here; the bit is kept for reads */
}

static uint32_t post_read(void *dev, unsigned reg, unsigned size)
{
    (void)reg;
    (void)size;
    return ((struct sysctl *)dev)->last_post;
}

static void post_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    ((struct sysctl *)dev)->last_post = (uint8_t)value;
}

/* 0xCF9 (PIIX reset control): writing with bit 2 set resets the machine. */
static void cf9_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    if (value & 0x04)
        sysctl_reset(dev);
}

int sysctl_register(vm_t *vm, struct sysctl *s)
{
    static const struct port_ops p92 = {p92_read, p92_write, 1}, cf9 = {NULL, cf9_write, 1},
                                 post = {post_read, post_write, 1};
    s->vm = vm;
    s->port92 = 0x02; /* A20 enabled */
    if (port_range_register(vm, &s->io[0], (struct port_range){&p92, s, 0x92, 1, 0}, "port92") < 0 ||
        port_range_register(vm, &s->io[1], (struct port_range){&cf9, s, 0xcf9, 1, 0}, "reset-control") < 0)
        return -1;
    return port_range_register(vm, &s->io[2], (struct port_range){&post, s, 0x80, 1, 0}, "post");
}
