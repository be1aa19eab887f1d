/* sel4vm/guest_vm.h: libsel4vm's VM interface, the parts vcpuctx has: the fault fallback; vm_run is in vcpuctx.h. */
#ifndef SEL4VM_GUEST_VM_H
#define SEL4VM_GUEST_VM_H

#include <sel4/sel4.h>
#include <sel4vm/arch/guest_vm_arch.h>
#include <sel4vm/guest_memory.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* Not here yet: struct vm's and struct vm_vcpu's public members (scripts/upstream-api.tsv). */

/** Called by vm_run for a memory fault no reservation handled (as a reservation's callback, cookie aside). */
typedef memory_fault_result_t (*unhandled_mem_fault_callback_fn)(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t paddr, size_t len,
                                                                 void *cookie);

/**
 * Register the callback vm_run calls for memory faults outside every
 * reservation, or left FAULT_UNHANDLED by theirs. Without one such a fault
 * ends vm_run with VCPUCTX_RUN_UNHANDLED.
 * @param vm            handle to the VM
 * @param fault_handler the callback (NULL removes it)
 * @param cookie        passed to it
 * @return 0 on success, otherwise -1 with errno EINVAL (NULL vm)
 */
int vm_register_unhandled_mem_fault_callback(vm_t *vm, unhandled_mem_fault_callback_fn fault_handler, void *cookie);

#endif /* SEL4VM_GUEST_VM_H */
