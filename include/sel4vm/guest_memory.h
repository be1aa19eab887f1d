/* sel4vm/guest_memory.h: libsel4vm's memory reservations: guest-physical ranges whose faults a callback emulates. */
#ifndef SEL4VM_GUEST_MEMORY_H
#define SEL4VM_GUEST_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/** What a memory fault callback did (upstream's values). */
typedef enum memory_fault_result {
    FAULT_HANDLED,   /* handled: the callback advanced the fault (advance_vcpu_fault) or chose not to */
    FAULT_UNHANDLED, /* left unhandled: the unhandled-fault callback, if any, is asked next */
    FAULT_RESTART,   /* resume at the faulting instruction, which runs again */
    FAULT_IGNORE,    /* skip the instruction (a read's data is what the buffer held) */
    FAULT_ERROR      /* handling failed: vm_run returns -1 (VCPUCTX_RUN_ERROR) */
} memory_fault_result_t;

/**
 * A memory fault callback: called by vm_run for a fault inside its
 * reservation, with the vCPU's fault interface (sel4vm/guest_vcpu_fault.h)
 * describing the access.
 * @param vm         the VM
 * @param vcpu       the faulting vCPU
 * @param fault_addr the guest-physical address accessed
 * @param fault_length the access size in bytes
 * @param cookie     the reservation's cookie
 * @return a memory_fault_result_t
 */
typedef memory_fault_result_t (*memory_fault_callback_fn)(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t fault_addr,
                                                          size_t fault_length, void *cookie);

typedef struct vm_memory_reservation vm_memory_reservation_t;

/**
 * Reserve a guest-physical range: accesses to it fault (on KVM: exit as
 * MMIO, exit 48) and vm_run passes each to fault_callback. A fault that
 * starts in the range and runs past its end is an error (FAULT_ERROR).
 * @param vm             handle to the VM
 * @param addr           base of the range
 * @param size           its size in bytes
 * @param fault_callback called for each fault in the range
 * @param cookie         passed to it
 * @return the reservation, or NULL with errno (EINVAL: NULL vm or callback,
 *         size 0, a range that wraps or overlaps guest RAM, where nothing
 *         faults; EBUSY: it overlaps another reservation; ENOMEM)
 */
vm_memory_reservation_t *vm_reserve_memory_at(vm_t *vm, uintptr_t addr, size_t size,
                                              memory_fault_callback_fn fault_callback, void *cookie);

/**
 * Free a reservation: its range no longer reaches the callback.
 * @param vm          handle to the VM
 * @param reservation the reservation
 * @return 0 on success, otherwise -1 with errno EINVAL (not one of vm's)
 */
int vm_free_reserved_memory(vm_t *vm, vm_memory_reservation_t *reservation);

#endif /* SEL4VM_GUEST_MEMORY_H */
