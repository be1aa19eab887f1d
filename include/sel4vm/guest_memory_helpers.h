/* sel4vm/guest_memory_helpers.h: libsel4vm's ready-made memory fault callbacks. */
#ifndef SEL4VM_GUEST_MEMORY_HELPERS_H
#define SEL4VM_GUEST_MEMORY_HELPERS_H

#include <sel4vm/guest_memory.h>

/**
 * A fault callback for ranges that must never be touched: every fault is an
 * error (upstream logs it; libvcpuctx never prints: vm_run returns -1
 * (VCPUCTX_RUN_ERROR) and the exit stays readable).
 * @return FAULT_ERROR
 */
memory_fault_result_t default_error_fault_callback(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t fault_addr, size_t fault_length,
                                                   void *cookie);

#endif /* SEL4VM_GUEST_MEMORY_HELPERS_H */
