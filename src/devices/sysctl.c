/* sysctl.c: port 0x92 (A20 gate and fast reset), 0xCF9 (reset control), port 0x80 (POST codes, kept). */
#include "devices.h"

/* A reset request ends the run at once; the VMM then reboots or, with --no-reboot, exits. */
void sysctl_reset(struct sysctl *s)
{
    s->reset_requested = true;
    vcpuctx_vm_stop(s->vm, 0);
}

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
        sysctl_reset(s);                 /* bit 0 rising: fast reset */
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

/* 0xCF9 (PIIX reset control): writing with bit 2 set resets the machine. */
static ioport_fault_result_t cf9_out(vm_vcpu_t *vcpu, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)vcpu;
    (void)port;
    (void)size;
    if (value & 0x04)
        sysctl_reset(cookie);
    return IO_FAULT_HANDLED;
}

int sysctl_register(vm_t *vm, struct sysctl *s)
{
    s->vm = vm;
    s->port92 = 0x02; /* A20 enabled */
    vm_ioport_interface_t a = {s, p92_in, p92_out, "port92"};
    vm_ioport_interface_t b = {s, post_in, post_out, "post"};
    vm_ioport_interface_t c = {s, NULL, cf9_out, "reset-control"};
    if (vm_io_port_add_handler(vm, (vm_ioport_range_t){0x92, 0x92}, a) < 0 ||
        vm_io_port_add_handler(vm, (vm_ioport_range_t){0xcf9, 0xcf9}, c) < 0)
        return -1;
    return vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x80}, b);
}
