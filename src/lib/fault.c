/* fault.c: libsel4vm's vCPU fault interface on the current MMIO exit (the VT-x view's EPT violation). */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* The current MMIO exit of any width, or NULL with errno EINVAL. */
static struct kvm_run *mmio_exit(vm_vcpu_t *vcpu)
{
    if (!vcpu || VCPU_P(vcpu)->run->exit_reason != KVM_EXIT_MMIO ||
        VCPU_P(vcpu)->ex.reason != EXIT_REASON_EPT_VIOLATION) {
        errno = EINVAL;
        return NULL;
    }
    return VCPU_P(vcpu)->run;
}

/* The current MMIO exit when its data fits a seL4_Word (what the data functions show), or NULL with errno EINVAL. */
static struct kvm_run *memory_fault(vm_vcpu_t *vcpu)
{
    struct kvm_run *run = mmio_exit(vcpu);
    if (run && run->mmio.len > sizeof(seL4_Word)) {
        errno = EINVAL;
        return NULL;
    }
    return run;
}

seL4_Word get_vcpu_fault_address(vm_vcpu_t *vcpu)
{
    struct kvm_run *run = memory_fault(vcpu);
    return run ? (seL4_Word)run->mmio.phys_addr : 0;
}

seL4_Word get_vcpu_fault_ip(vm_vcpu_t *vcpu)
{
    seL4_Word rip = 0;
    if (memory_fault(vcpu))
        vm_get_vmcs_field(vcpu, VMX_GUEST_RIP, &rip);
    return rip;
}

seL4_Word get_vcpu_fault_data(vm_vcpu_t *vcpu)
{
    struct kvm_run *run = memory_fault(vcpu);
    seL4_Word v = 0;
    if (run)
        memcpy(&v, run->mmio.data, run->mmio.len);
    return v;
}

size_t get_vcpu_fault_size(vm_vcpu_t *vcpu)
{
    struct kvm_run *run = memory_fault(vcpu);
    return run ? run->mmio.len : 0;
}

seL4_Word get_vcpu_fault_data_mask(vm_vcpu_t *vcpu)
{
    size_t size = get_vcpu_fault_size(vcpu);
    if (size != 1 && size != 2 && size != 4)
        return 0;
    seL4_Word mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    return mask << ((get_vcpu_fault_address(vcpu) & 3) * 8);
}

bool is_vcpu_read_fault(vm_vcpu_t *vcpu)
{
    struct kvm_run *run = memory_fault(vcpu);
    return run && !run->mmio.is_write;
}

int set_vcpu_fault_data(vm_vcpu_t *vcpu, seL4_Word data)
{
    struct kvm_run *run = memory_fault(vcpu);
    if (!run || run->mmio.is_write) {
        errno = EINVAL;
        return -1;
    }
    memcpy(run->mmio.data, &data, run->mmio.len); /* little-endian: the low bytes */
    return 0;
}

seL4_Word emulate_vcpu_fault(vm_vcpu_t *vcpu, seL4_Word data)
{
    seL4_Word shift = (get_vcpu_fault_address(vcpu) & 3) * 8, mask = get_vcpu_fault_data_mask(vcpu);
    seL4_Word fault = get_vcpu_fault_data(vcpu);
    if (is_vcpu_read_fault(vcpu))
        return (data & ~(mask >> shift)) | (fault & (mask >> shift)); /* our read data sits in the low bytes */
    return (data & ~mask) | ((fault << shift) & mask);
}

void advance_vcpu_fault(vm_vcpu_t *vcpu)
{
    if (mmio_exit(vcpu))
        exit_advance(vcpu);
}

void restart_vcpu_fault(vm_vcpu_t *vcpu)
{
    (void)vcpu; /* not advancing is restarting: the instruction runs again at the next entry */
}
