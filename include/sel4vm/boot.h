/* sel4vm/boot.h: libsel4vm's boot interface: BOOT_VCPU, vm_create_vcpu, vm_assign_vcpu_target. */
#ifndef SEL4VM_BOOT_H
#define SEL4VM_BOOT_H

#include <sel4/sel4.h>
#include <sel4vm/guest_vm.h>

/* The vCPU that boots the guest: vm->vcpus[BOOT_VCPU], the first one created, the one vm_run runs. */
#define BOOT_VCPU 0

/**
 * Create a vCPU (upstream's). It becomes vm->vcpus[vm->num_vcpus], with
 * vcpu_id its index, target_cpu -1 and vcpu_online false, and starts in the
 * x86 reset state (CS F000 base FFFF0000, RIP FFF0, real mode), with the
 * host's supported CPUID.
 * @param vm       the VM
 * @param priority accepted and ignored (seL4 thread priority)
 * @return the vCPU, or NULL with errno (EINVAL for a NULL vm, EBUSY when the
 *         VM already has VCPUCTX_MAX_VCPUS)
 */
vm_vcpu_t *vm_create_vcpu(vm_t *vm, int priority);

/**
 * Assign a vCPU to a host CPU (upstream's): records target_cpu, which
 * vm_vcpu_for_target_cpu finds. vcpuctx runs the boot vCPU in vm_run's
 * thread and pins nothing: the number is the VMM's to use.
 * @param vcpu       the vCPU
 * @param target_cpu the host CPU, 0 or more
 * @return 0, or -1 with errno: EINVAL (NULL vcpu, negative target_cpu),
 *         EBUSY (another vCPU of the VM has that target; nothing changes)
 */
int vm_assign_vcpu_target(vm_vcpu_t *vcpu, int target_cpu);

#endif /* SEL4VM_BOOT_H */
