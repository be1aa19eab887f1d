/* claims.c: what occupies each guest-physical address: main RAM, RAM blocks, ROMs, reservations. Pure reads of the
   VM's lists, so that adding RAM and reserving memory each check against all the others without calling each
   other. */
#include "internal.h"
#include "claims.h"
#include "memory.h"

/* The end of the RAM (main RAM or a block) that [gpa, gpa + len) overlaps first; 0 when none. */
static uint64_t ram_overlap_end(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (ranges_overlap(gpa, len, 0, VM_CP(vm)->ram.size))
        return VM_CP(vm)->ram.size;
    for (int i = 0; i < VM_CP(vm)->ram.nblocks; i++)
        if (ranges_overlap(gpa, len, VM_CP(vm)->ram.blocks[i].gpa, VM_CP(vm)->ram.blocks[i].size))
            return VM_CP(vm)->ram.blocks[i].gpa + VM_CP(vm)->ram.blocks[i].size;
    return 0;
}

bool ram_overlaps(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    return ram_overlap_end(vm, gpa, len) != 0;
}

uint64_t claimed_end(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    uint64_t end = ram_overlap_end(vm, gpa, len);
    if (end)
        return end;
    for (int i = 0; i < VM_CP(vm)->ram.nroms; i++)
        if (ranges_overlap(gpa, len, VM_CP(vm)->ram.roms[i].gpa, VM_CP(vm)->ram.roms[i].size))
            return VM_CP(vm)->ram.roms[i].gpa + VM_CP(vm)->ram.roms[i].size;
    return reservation_overlap_end(vm, gpa, len);
}

uint64_t reservation_overlap_end(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    for (const struct vm_memory_reservation *r = VM_CP(vm)->mmio.reservations; r; r = r->next)
        if (ranges_overlap(gpa, len, r->addr, r->size))
            return (uint64_t)r->addr + r->size;
    return 0;
}
