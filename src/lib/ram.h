/* ram.h: ram.c, guest RAM beyond vcpuctx_vm_create's (libsel4vm's guest_ram.h): a memory slot per block, and
   vm->mem's regions. */
#ifndef VCPUCTX_RAM_H
#define VCPUCTX_RAM_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* RAM added after vcpuctx_vm_create by vm_ram_register(_at): a memory slot each. */
#define RAM_BLOCKS 8
struct ram_block {
    uint64_t gpa;
    uint8_t *host;
    size_t size;
};

/* vm->mem's first region; freeing it all (vm destroy). */
int ram_regions_init(struct vm *vm);
void ram_free_all(struct vm *vm);

#pragma GCC visibility pop

#endif /* VCPUCTX_RAM_H */
