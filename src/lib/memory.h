/* memory.h: memory.c, libsel4vm's memory reservations: MMIO exits in a reserved range go to its callback. */
#ifndef VCPUCTX_MEMORY_H
#define VCPUCTX_MEMORY_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* One reservation (libsel4vm's vm_memory_reservation_t), in the VM's list. */
struct vm_memory_reservation {
    uintptr_t addr;
    size_t size;
    memory_fault_callback_fn callback;
    void *cookie;
    struct vm_memory_reservation *next;
};

struct anon_region;

/* A VM's reservations, the anonymous ranges they are carved from (vm_memory_make_anon), and the callback for MMIO
   that no reservation holds. */
struct memory_registry {
    struct vm_memory_reservation *reservations;
    struct anon_region *anon;
    unhandled_mem_fault_callback_fn unhandled;
    void *unhandled_cookie;
};

/* The current MMIO exit through the reservations (a VM_EXIT_* value); free them all (vm destroy). */
int memory_dispatch(struct vm_vcpu *vcpu);
void memory_free_all(struct vm *vm);

#pragma GCC visibility pop

#endif /* VCPUCTX_MEMORY_H */
