/* irq.c: libsel4vm's IRQ interface on KVM's in-kernel interrupt controllers (KVM_IRQ_LINE, KVM_IRQFD resample). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "irq.h"
#include "kvm.h"

/* One vm_register_irq: an irqfd on the line whose resample eventfd KVM signals at each EOI of it. The irqfd is
   never written (vm_set_irq_level drives the line); it exists for its ack notifier. */
struct irq_ack {
    int irqfd, resamplefd;
    irq_ack_fn_t fn;
    void *cookie;
};

/* A PC's wiring, as QEMU gives KVM (and the MADT's override says): ISA IRQs 0-15 on the two 8259s (2 is the
   cascade), GSIs 0-23 on the IOAPIC's pins, except that the PIT's IRQ 0 arrives at pin 2 and no GSI drives pin 0. */
static int irq_pc_routing(struct vm *vm)
{
    enum { PINS = 24 };
    struct {
        struct kvm_irq_routing r;
        struct kvm_irq_routing_entry e[16 + PINS];
    } t;
    memset(&t, 0, sizeof(t));
    unsigned n = 0;
    for (uint32_t irq = 0; irq < 16; irq++)
        if (irq != 2)
            t.e[n++] = (struct kvm_irq_routing_entry){
                .gsi = irq,
                .type = KVM_IRQ_ROUTING_IRQCHIP,
                .u.irqchip = {irq < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE, irq % 8}};
    for (uint32_t gsi = 0; gsi < PINS; gsi++)
        if (gsi != 2)
            t.e[n++] = (struct kvm_irq_routing_entry){
                .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip = {KVM_IRQCHIP_IOAPIC, gsi ? gsi : 2}};
    t.r.nr = n;
    return kvm_vm_ioctl(vm, KVM_SET_GSI_ROUTING, &t.r);
}

int vm_set_irq_level(vm_vcpu_t *vcpu, int irq, int irq_level)
{
    if (!vcpu || irq < 0 || irq >= VCPUCTX_IRQ_LINES) {
        errno = EINVAL;
        return -1;
    }
    if (!VM_P(vcpu->vm)->irqs.chip) {
        errno = ENODEV;
        return -1;
    }
    struct kvm_irq_level line;
    memset(&line, 0, sizeof(line));
    line.irq = (uint32_t)irq;
    line.level = irq_level ? 1 : 0;
    return kvm_vm_ioctl(vcpu->vm, KVM_IRQ_LINE, &line) < 0 ? -1 : 0;
}

int vcpuctx_vm_signal_msi(vm_t *vm, uint64_t address, uint32_t data)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    if (!VM_P(vm)->irqs.chip) {
        errno = ENODEV;
        return -1;
    }
    struct kvm_msi msi;
    memset(&msi, 0, sizeof(msi));
    msi.address_lo = (uint32_t)address;
    msi.address_hi = (uint32_t)(address >> 32);
    msi.data = data;
    return kvm_vm_ioctl(vm, KVM_SIGNAL_MSI, &msi) < 0 ? -1 : 0;
}

int vm_inject_irq(vm_vcpu_t *vcpu, int irq)
{
    if (vm_set_irq_level(vcpu, irq, 1) < 0)
        return -1;
    return vm_set_irq_level(vcpu, irq, 0);
}

/* The local APIC's register page of vcpu, for the register at offset; -1 with errno when it cannot be read. */
static int lapic_page(vm_vcpu_t *vcpu, unsigned int offset, struct kvm_lapic_state *page)
{
    if (!vcpu || offset % 16 || offset >= sizeof(page->regs)) {
        errno = EINVAL;
        return -1;
    }
    if (!VM_P(vcpu->vm)->irqs.chip) {
        errno = ENODEV;
        return -1;
    }
    return kvm_vcpu_ioctl(vcpu, KVM_GET_LAPIC, page) < 0 ? -1 : 0;
}

int vcpuctx_vcpu_lapic_get(vm_vcpu_t *vcpu, unsigned int offset, uint32_t *value)
{
    struct kvm_lapic_state page;
    if (!value) {
        errno = EINVAL;
        return -1;
    }
    if (lapic_page(vcpu, offset, &page) < 0)
        return -1;
    memcpy(value, page.regs + offset, sizeof(*value));
    return 0;
}

int vcpuctx_vcpu_lapic_set(vm_vcpu_t *vcpu, unsigned int offset, uint32_t value)
{
    struct kvm_lapic_state page;
    if (lapic_page(vcpu, offset, &page) < 0)
        return -1;
    memcpy(page.regs + offset, &value, sizeof(value));
    return kvm_vcpu_ioctl(vcpu, KVM_SET_LAPIC, &page) < 0 ? -1 : 0;
}

static void ack_close(struct vm *vm, int irq)
{
    struct irq_ack *a = VM_P(vm)->irqs.acks[irq];
    kvm_vm_irqfd(vm, a->irqfd, (uint32_t)irq, -1, true);
    close(a->irqfd);
    close(a->resamplefd);
    free(a);
    VM_P(vm)->irqs.acks[irq] = NULL;
    VM_P(vm)->irqs.nacks--;
}

static struct irq_ack *ack_open(struct vm *vm, int irq)
{
    struct irq_ack *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->irqfd = eventfd(0, EFD_CLOEXEC);
    a->resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (a->irqfd >= 0 && a->resamplefd >= 0 && kvm_vm_irqfd(vm, a->irqfd, (uint32_t)irq, a->resamplefd, false) == 0)
        return a;
    int e = errno;
    if (a->irqfd >= 0)
        close(a->irqfd);
    if (a->resamplefd >= 0)
        close(a->resamplefd);
    free(a);
    errno = e;
    return NULL;
}

int vm_register_irq(vm_vcpu_t *vcpu, int irq, irq_ack_fn_t ack_fn, void *cookie)
{
    if (!vcpu || irq < 0 || irq >= VCPUCTX_IRQ_LINES) {
        errno = EINVAL;
        return -1;
    }
    struct vm *vm = vcpu->vm;
    if (!VM_P(vm)->irqs.chip) {
        errno = ENODEV;
        return -1;
    }
    if (!ack_fn) {
        if (VM_P(vm)->irqs.acks[irq])
            ack_close(vm, irq);
        return 0;
    }
    if (!VM_P(vm)->irqs.acks[irq]) {
        struct irq_ack *a = ack_open(vm, irq);
        if (!a)
            return -1;
        VM_P(vm)->irqs.acks[irq] = a;
        VM_P(vm)->irqs.nacks++;
    }
    VM_P(vm)->irqs.acks[irq]->fn = ack_fn;
    VM_P(vm)->irqs.acks[irq]->cookie = cookie;
    return 0;
}

HOT void irq_deliver_acks(struct vm *vm)
{
    if (!VM_P(vm)->irqs.nacks)
        return;
    for (int irq = 0; irq < VCPUCTX_IRQ_LINES; irq++) {
        struct irq_ack *a = VM_P(vm)->irqs.acks[irq];
        uint64_t n;
        if (a && read(a->resamplefd, &n, sizeof(n)) == (ssize_t)sizeof(n))
            a->fn(vm->vcpus[BOOT_VCPU], irq, a->cookie); /* one call for however many EOIs came since */
    }
}

void irq_free_all(struct vm *vm)
{
    for (int irq = 0; irq < VCPUCTX_IRQ_LINES; irq++)
        if (VM_P(vm)->irqs.acks[irq])
            ack_close(vm, irq);
}

int vcpuctx_vm_enable_irqchip(vm_t *vm)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    if (vm->num_vcpus || VM_P(vm)->irqs.chip) {
        errno = EBUSY;
        return -1;
    }
    if (!kvm_check_ext(VM_P(vm)->fd, KVM_CAP_IRQCHIP) || !kvm_check_ext(VM_P(vm)->fd, KVM_CAP_PIT2)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    struct kvm_pit_config pit = {.flags = 0};
    if (kvm_vm_ioctl(vm, KVM_CREATE_IRQCHIP, NULL) < 0 || irq_pc_routing(vm) < 0 ||
        kvm_vm_ioctl(vm, KVM_CREATE_PIT2, &pit) < 0)
        return -1;
    VM_P(vm)->irqs.chip = true;
    free(VM_P(vm)->cpu.list); /* the model's list is made again for the local APIC (x2apic, tsc-deadline) */
    VM_P(vm)->cpu.list = NULL;
    return 0;
}

int vm_create_default_irq_controller(vm_t *vm)
{
    return vcpuctx_vm_enable_irqchip(vm);
}
