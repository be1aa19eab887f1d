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
    bool lent; /* the caller's memory (vcpuctx_vm_map_ram): never unmapped here */
};

/* A ROM mapped read-only by vcpuctx_vm_map_rom (vm.c). */
struct rom {
    uint64_t gpa;
    uint8_t *host;
    size_t size;
};

/* A VM's guest memory: main RAM at 0, ROMs, RAM blocks, and room in vm->mem's regions. */
struct guest_memory {
    uint8_t *host; /* main RAM */
    size_t size;
    bool lent; /* main RAM is the caller's (vcpuctx_vm_create_on) */
    struct rom roms[VCPUCTX_MAX_ROMS];
    int nroms;
    struct ram_block blocks[RAM_BLOCKS];
    int nblocks;
    int regions_cap; /* room in vm->mem.ram_regions */
};

/* vm->mem's first region; freeing it all (vm destroy). */
int ram_regions_init(struct vm *vm);
void ram_free_all(struct vm *vm);

#pragma GCC visibility pop

#endif /* VCPUCTX_RAM_H */
