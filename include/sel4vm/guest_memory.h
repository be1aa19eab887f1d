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

/* Upstream's opaque handle on a VM's reservation bookkeeping (vm->mem.reservation_cookie there). vcpuctx keeps
   that bookkeeping private: the name exists for code that mentions it; nothing in the API takes one. */
typedef struct vm_memory_reservation_cookie vm_memory_reservation_cookie_t;

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

/**
 * Set a guest-physical range aside as anonymous memory: no reservation may
 * be made in it with vm_reserve_memory_at; vm_reserve_anon_memory hands it
 * out. (Upstream uses this for address space a VMM allocates, such as PCI
 * windows.)
 * @param vm   the VM
 * @param addr guest-physical address, 4 KiB aligned
 * @param size a multiple of 4 KiB
 * @return 0, or -1 with errno: EINVAL (alignment, NULL, wrap), EBUSY (it
 *         overlaps RAM, a ROM, a reservation or another anonymous range),
 *         ENOMEM
 */
int vm_memory_make_anon(vm_t *vm, uintptr_t addr, size_t size);

/**
 * Reserve size bytes from the anonymous ranges, at the first address aligned
 * to align in the first range with room (each range is handed out upwards,
 * in whole pages, and not reused after a free, as upstream's).
 * @param vm             the VM
 * @param size           bytes
 * @param align          a power of two, or 0 for none
 * @param fault_callback called for its faults
 * @param cookie         passed to it
 * @param addr           set to the reservation's address
 * @return the reservation, or NULL with errno: EINVAL (NULL arguments, size
 *         0, align not a power of two), ENOMEM (no room)
 */
vm_memory_reservation_t *vm_reserve_anon_memory(vm_t *vm, size_t size, size_t align,
                                                memory_fault_callback_fn fault_callback, void *cookie, uintptr_t *addr);

/**
 * Get a reservation's guest-physical range.
 * @param reservation the reservation (NULL: nothing is set)
 * @param addr        set to its address (may be NULL)
 * @param size        set to its size (may be NULL)
 */
void vm_get_reservation_memory_region(vm_memory_reservation_t *reservation, uintptr_t *addr, size_t *size);

/**
 * Initialise the VM's memory management (upstream's): on Linux
 * vcpuctx_vm_create has done it, so this only checks the VM.
 * @param vm the VM
 * @return 0, or -1 with errno EINVAL for NULL
 */
int vm_memory_init(vm_t *vm);

#endif /* SEL4VM_GUEST_MEMORY_H */
