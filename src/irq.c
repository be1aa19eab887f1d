/* irq.c: libsel4vm's IRQ interface on KVM's in-kernel interrupt controllers (KVM_IRQ_LINE). */
#include <errno.h>
#include <string.h>

#include "internal.h"

int vm_create_default_irq_controller(vm_t *vm)
{
    return vcpuctx_vm_enable_irqchip(vm);
}

int vm_set_irq_level(vm_vcpu_t *vcpu, int irq, int irq_level)
{
    if (!vcpu || irq < 0 || irq >= VCPUCTX_IRQ_LINES) {
        errno = EINVAL;
        return -1;
    }
    if (!vcpu->vm->irqchip) {
        errno = ENODEV;
        return -1;
    }
    struct kvm_irq_level line;
    memset(&line, 0, sizeof(line));
    line.irq = (uint32_t)irq;
    line.level = irq_level ? 1 : 0;
    return kvm_vm_ioctl(vcpu->vm, KVM_IRQ_LINE, &line) < 0 ? -1 : 0;
}

int vm_inject_irq(vm_vcpu_t *vcpu, int irq)
{
    if (vm_set_irq_level(vcpu, irq, 1) < 0)
        return -1;
    return vm_set_irq_level(vcpu, irq, 0);
}
