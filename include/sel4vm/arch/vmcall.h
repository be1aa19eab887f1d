/* sel4vm/arch/vmcall.h: libsel4vm's VMCALL handlers: the types, and a registration KVM cannot honour (refused). */
#ifndef SEL4VM_ARCH_VMCALL_H
#define SEL4VM_ARCH_VMCALL_H

#include <sel4vm/guest_vm.h>

/** A VMCALL handler (upstream's): called for a VMCALL whose EAX is its token; 0 on success, else an error. */
typedef int (*vmcall_handler)(vm_vcpu_t *vcpu);

/** A registered handler and its token (upstream's). */
typedef struct vmcall_handler {
    int token;
    vmcall_handler func;
} vmcall_handler_t;

/**
 * Register a VMCALL handler (upstream's name and prototype). KVM handles
 * VMCALL in the kernel and never passes it to the VMM, so this always
 * refuses. Measured with scripts/exit-facts.c: under kvm_amd and kvm_intel
 * a VMCALL returns -1000 (-KVM_ENOSYS) in RAX and the guest goes on past it;
 * under kvm_pvm a real-mode VMCALL never completes. KVM's hypercall exit
 * (KVM_CAP_EXIT_HYPERCALL) covers only its own hypercall 12 (MAP_GPA_RANGE),
 * and Xen's hypercall intercept (KVM_CAP_XEN_HVM) is absent on all three.
 * Guest-to-VMM calls on vcpuctx go through a port or an MMIO address.
 * @param vm    the VM
 * @param func  the handler
 * @param token the EAX value it answers
 * @return -1 with errno EOPNOTSUPP (EINVAL for a NULL vm or func)
 */
int vm_reg_new_vmcall_handler(vm_t *vm, vmcall_handler func, int token);

#endif /* SEL4VM_ARCH_VMCALL_H */
