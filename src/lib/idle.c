/* idle.c: whether any vCPU of a VM can run again (vcpuctx_vm_halted_for_good). */
#include <errno.h>

#include "internal.h"
#include "kvm.h"

/* An IOAPIC redirection entry: bit 16 masks it, bits 10:8 are its delivery mode. */
#define IOAPIC_MASKED    (1ULL << 16)
#define IOAPIC_MODE(e)   (((e) >> 8) & 7)
#define DELIVERY_SMI     2
#define DELIVERY_NMI     4
#define DELIVERY_INIT    5
#define ENTRY_INFO_VALID (1U << 31)

/* Whether an unmasked IOAPIC pin delivers what a CPU takes with interrupts disabled: an NMI, SMI or INIT. 1 yes,
   0 no, -1 with errno. */
static int ioapic_wakes(struct vm *vm)
{
    if (!VM_CP(vm)->irqs.chip)
        return 0;
    struct kvm_irqchip chip = {.chip_id = KVM_IRQCHIP_IOAPIC};
    if (kvm_vm_ioctl(vm, KVM_GET_IRQCHIP, &chip) < 0)
        return -1;
    for (int i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
        uint64_t e = chip.chip.ioapic.redirtbl[i].bits;
        unsigned mode = (unsigned)IOAPIC_MODE(e);
        if (!(e & IOAPIC_MASKED) && (mode == DELIVERY_NMI || mode == DELIVERY_SMI || mode == DELIVERY_INIT))
            return 1;
    }
    return 0;
}

/* Whether a halted vCPU takes something without interrupts: an event the VMM set for its entry, or an NMI or SMI
   KVM holds pending. A pending NMI counts even while KVM reports NMIs blocked, so that a wrong report can never end
   a run that could go on (kvm_intel under Bochs reports them blocked on vCPUs that never took one: measured); a
   vCPU truly halted in its NMI handler with another NMI pending runs on, as it would for ever under QEMU. 1 yes,
   0 no, -1 with errno. */
static int event_wakes(struct vm_vcpu *vcpu)
{
    seL4_Word info = 0;
    if (vm_get_vmcs_field(vcpu, VMX_CONTROL_ENTRY_INTERRUPTION_INFO, &info) < 0)
        return -1;
    if (info & ENTRY_INFO_VALID)
        return 1;
    struct kvm_vcpu_events ev;
    if (kvm_vcpu_ioctl(vcpu, KVM_GET_VCPU_EVENTS, &ev) < 0)
        return -1;
    return ev.nmi.pending || ev.nmi.injected || ev.smi.pending || ev.exception.injected || ev.interrupt.injected;
}

/* Whether one vCPU, with every other held, can run again by itself: 1 yes, 0 no, -1 with errno. Halted with
   interrupts disabled and nothing pending, or waiting for an INIT or SIPI (which only a running vCPU sends), it
   cannot. */
static int vcpu_can_run(struct vm_vcpu *vcpu)
{
    struct kvm_mp_state mp;
    seL4_Word rflags = 0;
    if (kvm_vcpu_ioctl(vcpu, KVM_GET_MP_STATE, &mp) < 0)
        return -1;
    if (mp.mp_state == KVM_MP_STATE_UNINITIALIZED || mp.mp_state == KVM_MP_STATE_INIT_RECEIVED)
        return 0;
    if (mp.mp_state != KVM_MP_STATE_HALTED)
        return 1;
    if (vm_get_vmcs_field(vcpu, VMX_GUEST_RFLAGS, &rflags) < 0)
        return -1;
    return (rflags & RFLAGS_IF) ? 1 : event_wakes(vcpu);
}

int vcpuctx_vm_halted_for_good(vm_t *vm)
{
    if (!vm || vm->num_vcpus == 0) {
        errno = EINVAL;
        return -1;
    }
    if (vcpus_hold_others(vm) < 0)
        return -1;
    for (unsigned int i = 0; i < vm->num_vcpus; i++) {
        if (!vcpus_runnable(vm, vm->vcpus[i]))
            continue; /* never started, and nothing can start it */
        int r = vcpu_can_run(vm->vcpus[i]);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    int r = ioapic_wakes(vm);
    return r < 0 ? -1 : !r;
}
