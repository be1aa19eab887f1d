/* sel4vm/guest_vm_util.h: libsel4vm's vCPU lookups, upstream's inline functions (not the seL4 cap getters). */
#ifndef SEL4VM_GUEST_VM_UTIL_H
#define SEL4VM_GUEST_VM_UTIL_H

#include <stdbool.h>

#include <sel4vm/guest_vm.h>

/**
 * The vCPU assigned to a host CPU (vm_assign_vcpu_target).
 * @param vm         the VM
 * @param target_cpu the host CPU
 * @return the vCPU, or NULL when none is assigned to it
 */
static inline vm_vcpu_t *vm_vcpu_for_target_cpu(vm_t *vm, int target_cpu)
{
    for (unsigned int i = 0; i < vm->num_vcpus; i++)
        if (vm->vcpus[i]->target_cpu == target_cpu)
            return vm->vcpus[i];
    return NULL;
}

/**
 * A vCPU not yet assigned to a host CPU.
 * @param vm the VM
 * @return the first such vCPU, or NULL
 */
static inline vm_vcpu_t *vm_find_free_unassigned_vcpu(vm_t *vm)
{
    for (unsigned int i = 0; i < vm->num_vcpus; i++)
        if (vm->vcpus[i]->target_cpu == -1)
            return vm->vcpus[i];
    return NULL;
}

/**
 * Whether a vCPU is online (vcpu_start).
 * @param vcpu the vCPU
 * @return its vcpu_online member
 */
static inline bool is_vcpu_online(vm_vcpu_t *vcpu)
{
    return vcpu->vcpu_online;
}

#endif /* SEL4VM_GUEST_VM_UTIL_H */
