/* cpuid.h: cpuid.c, the CPU model: KVM's supported CPUID list with a model spec (QEMU's -cpu names) applied. */
#ifndef VCPUCTX_CPUID_H
#define VCPUCTX_CPUID_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* A VM's CPU model. */
struct cpu_model {
    struct kvm_cpuid2 *list; /* the model's CPUID list every vCPU is given (NULL: made at the first need) */
    char *spec;              /* the model vcpuctx_vm_set_cpu chose (NULL: "host") */
};

/* A CPU model applied to KVM's supported list c, in place: 0, or -1 with errno EINVAL (a bad spec) or ENOTSUP (a
   feature KVM cannot give), *bad_at (may be NULL) the offset of the spec's offending item, and c unchanged. */
int cpuid_model_apply(struct kvm_cpuid2 *c, const char *spec, bool irqchip, bool tsc_deadline, size_t *bad_at);
/* The VM's list, made from "host" at the first need (NULL with errno). */
const struct kvm_cpuid2 *cpuid_of_vm(struct vm *vm);
/* A copy of the VM's list with vCPU id's APIC ID (NULL with errno); the caller frees it. */
struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *vm_list, unsigned int id);
/* The entry for leaf and subleaf, or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub);
uint64_t cpuid_mcg_cap(const struct kvm_cpuid2 *c);

#pragma GCC visibility pop

#endif /* VCPUCTX_CPUID_H */
