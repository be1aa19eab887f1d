/* pc_testdev.c: QEMU's pc-testdev (hw/misc/pc-testdev.c), which KVM's x86 unit tests use: a scratch register
   at 0xE0 (and byte by byte at 0xE8), a page flush at 0xE4, IRQ lines at 0x2000 + n, MMIO scratch at 0xFF000000. */
#include <string.h>

#include "devices.h"

/* The scratch register, as 0xE0-0xE3 see it: size bytes at byte offset reg (0xE8-0xEB take one byte a time). */
uint32_t pc_testdev_read(struct pc_testdev *t, unsigned reg, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && reg + i < 4; i++)
        v |= ((t->scratch >> (8 * (reg + i))) & 0xffu) << (8 * i);
    return v;
}

void pc_testdev_write(struct pc_testdev *t, unsigned reg, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size && reg + i < 4; i++) {
        unsigned shift = 8 * (reg + i);
        t->scratch = (t->scratch & ~(0xffu << shift)) | (((value >> (8 * i)) & 0xffu) << shift);
    }
}

/* A write of V to 0x2000 + n sets line n to V != 0: ISA IRQ n on the PICs and GSI n on the IOAPIC, as QEMU's
   isa_get_irq gives it (the lines are 0-23). */
static void irq_line_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)size;
    struct pc_testdev *t = dev;
    if (vm_set_irq_level(t->vcpu, (int)reg, value != 0) < 0)
        t->irq_errors++;
}

static uint32_t scratch_read(void *dev, unsigned reg, unsigned size)
{
    return pc_testdev_read(dev, reg, size);
}

static void scratch_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    pc_testdev_write(dev, reg, size, value);
}

/* 0xE4: QEMU unmaps and remaps the page written (mprotect), which a guest sees as nothing; so here. */
static void flush_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg, (void)size, (void)value;
    ((struct pc_testdev *)dev)->flushes++;
}

/* The MMIO scratch area: the bytes of each access, in order, little-endian (a fault wider than a seL4_Word, 8
   bytes in the ia32 ABI, is refused). */
static memory_fault_result_t iomem_fault(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t addr, size_t len, void *cookie)
{
    (void)vm;
    struct pc_testdev *t = cookie;
    uintptr_t off = addr - PC_TESTDEV_IOMEM;
    if (len == 0 || len > sizeof(seL4_Word) || off + len > PC_TESTDEV_IOMEM_LEN)
        return FAULT_ERROR;
    seL4_Word v = 0;
    if (is_vcpu_read_fault(vcpu)) {
        memcpy(&v, t->iomem + off, len);
        if (set_vcpu_fault_data(vcpu, v) < 0)
            return FAULT_ERROR;
    } else {
        v = get_vcpu_fault_data(vcpu);
        memcpy(t->iomem + off, &v, len);
    }
    advance_vcpu_fault(vcpu);
    return FAULT_HANDLED;
}

int pc_testdev_register(vm_t *vm, vm_vcpu_t *vcpu, struct pc_testdev *t)
{
    static const struct port_ops scratch = {scratch_read, scratch_write, 4}, bytes = {scratch_read, scratch_write, 1},
                                 flush = {NULL, flush_write, 4}, irq = {NULL, irq_line_write, 1};
    memset(t, 0, sizeof(*t));
    t->vcpu = vcpu;
    if (port_range_register(vm, &t->io[0], (struct port_range){&scratch, t, 0xe0, 4, 0}, "pc-testdev") < 0 ||
        port_range_register(vm, &t->io[1], (struct port_range){&flush, t, 0xe4, 4, 0}, "pc-testdev-flush") < 0 ||
        port_range_register(vm, &t->io[2], (struct port_range){&bytes, t, 0xe8, 4, 0}, "pc-testdev-byte") < 0 ||
        port_range_register(vm, &t->io[3], (struct port_range){&irq, t, 0x2000, 24, 0}, "pc-testdev-irq") < 0)
        return -1;
    return vm_reserve_memory_at(vm, PC_TESTDEV_IOMEM, PC_TESTDEV_IOMEM_LEN, iomem_fault, t) ? 0 : -1;
}
