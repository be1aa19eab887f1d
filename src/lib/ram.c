/* ram.c: libsel4vm's guest RAM (sel4vm/guest_ram.h): RAM blocks in memory slots, vm->mem's regions, vm_ram_touch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "claims.h"
#include "kvm.h"
#include "ram.h"

/* Memory slots: 0 RAM, 1..VCPUCTX_MAX_ROMS ROMs, then the RAM blocks. */
#define BLOCK_SLOT(i) ((uint32_t)(1 + VCPUCTX_MAX_ROMS + (i)))

static uint8_t *ram_host(struct vm *vm, uint64_t gpa, size_t len)
{
    if (gpa <= VM_P(vm)->ram.size && len <= VM_P(vm)->ram.size - gpa)
        return VM_P(vm)->ram.host + gpa;
    for (int i = 0; i < VM_P(vm)->ram.nblocks; i++) {
        const struct ram_block *b = &VM_P(vm)->ram.blocks[i];
        if (gpa >= b->gpa && gpa - b->gpa <= b->size && len <= b->size - (gpa - b->gpa))
            return b->host + (gpa - b->gpa);
    }
    return NULL;
}

void *vcpuctx_guest_ram(vm_t *vm, uint64_t gpa, size_t len)
{
    if (!vm) {
        errno = EINVAL;
        return NULL;
    }
    uint8_t *host = ram_host(vm, gpa, len);
    if (!host)
        errno = EFAULT;
    return host;
}

/* Regions: kept sorted by start, with touching neighbours of the same state merged, as upstream keeps them. Room
   is made first (regions_room), so that no change is left half done. */
static int regions_room(struct vm *vm, int more)
{
    if (vm->mem.num_ram_regions + more <= VM_P(vm)->ram.regions_cap)
        return 0;
    int cap = vm->mem.num_ram_regions + more + 4;
    struct vm_ram_region *r = realloc(vm->mem.ram_regions, sizeof(*r) * (size_t)cap);
    if (!r)
        return -1;
    vm->mem.ram_regions = r;
    VM_P(vm)->ram.regions_cap = cap;
    return 0;
}

/* Insert into the room made: never fails. */
static void regions_insert(struct vm_mem *m, uintptr_t start, size_t size, int allocated)
{
    if (size == 0)
        return;
    struct vm_ram_region *r = m->ram_regions;
    int i = m->num_ram_regions;
    while (i > 0 && r[i - 1].start > start) {
        r[i] = r[i - 1];
        i--;
    }
    r[i] = (struct vm_ram_region){start, size, allocated};
    m->num_ram_regions++;
    int out = 0;
    for (int j = 0; j < m->num_ram_regions; j++) {
        if (out > 0 && r[out - 1].start + r[out - 1].size == r[j].start && r[out - 1].allocated == r[j].allocated)
            r[out - 1].size += r[j].size;
        else
            r[out++] = r[j];
    }
    m->num_ram_regions = out;
}

int ram_regions_init(struct vm *vm)
{
    if (regions_room(vm, 1) < 0)
        return -1;
    regions_insert(&vm->mem, 0, VM_P(vm)->ram.size, 0);
    return 0;
}

void ram_free_all(struct vm *vm)
{
    for (int i = 0; i < VM_P(vm)->ram.nblocks; i++)
        if (!VM_P(vm)->ram.blocks[i].lent)
            munmap(VM_P(vm)->ram.blocks[i].host, VM_P(vm)->ram.blocks[i].size);
    VM_P(vm)->ram.nblocks = 0;
    free(vm->mem.ram_regions);
    vm->mem.ram_regions = NULL;
    vm->mem.num_ram_regions = 0;
    VM_P(vm)->ram.regions_cap = 0;
}

/* The region holding all of [start, start + bytes), or -1. */
static int region_of(const struct vm_mem *m, uintptr_t start, size_t bytes)
{
    for (int i = 0; i < m->num_ram_regions; i++) {
        const struct vm_ram_region *r = &m->ram_regions[i];
        if (start >= r->start && start - r->start <= r->size && bytes <= r->size - (start - r->start))
            return i;
    }
    return -1;
}

/* Add [start, start + bytes) as a RAM block backed by host (lent: the caller's, or mapped here when NULL). */
static int ram_block_add(struct vm *vm, uintptr_t start, void *lent, size_t bytes)
{
    if (bytes == 0 || start % PAGE_SIZE || bytes % PAGE_SIZE || start + bytes < start || (uintptr_t)lent % PAGE_SIZE) {
        errno = EINVAL;
        return -1;
    }
    if (claimed_end(vm, start, bytes)) {
        errno = EBUSY;
        return -1;
    }
    if (VM_P(vm)->ram.nblocks == RAM_BLOCKS) {
        errno = ENOSPC;
        return -1;
    }
    if (regions_room(vm, 1) < 0)
        return -1;
    uint8_t *host = lent;
    if (!host)
        host = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -1;
    if (kvm_vm_set_memory(vm, BLOCK_SLOT(VM_P(vm)->ram.nblocks), start, host, bytes, false) < 0) {
        int e = errno;
        if (!lent)
            munmap(host, bytes);
        errno = e;
        return -1;
    }
    regions_insert(&vm->mem, start, bytes, 0);
    VM_P(vm)->ram.blocks[VM_P(vm)->ram.nblocks++] = (struct ram_block){start, host, bytes, lent != NULL};
    return 0;
}

int vm_ram_register_at(vm_t *vm, uintptr_t start, size_t bytes, bool untyped)
{
    (void)untyped; /* seL4 untyped memory: on Linux, RAM is anonymous memory either way */
    if (!vm || bytes == 0 || start % PAGE_SIZE || bytes % PAGE_SIZE || start + bytes < start) {
        errno = EINVAL;
        return -1;
    }
    if (start + bytes <= VM_P(vm)->ram.size)
        return 0; /* vcpuctx_vm_create's RAM: registered already */
    return ram_block_add(vm, start, NULL, bytes);
}

int vcpuctx_vm_map_ram(vm_t *vm, uint64_t gpa, void *host, size_t bytes)
{
    if (!vm || !host || gpa > UINTPTR_MAX) {
        errno = EINVAL;
        return -1;
    }
    return ram_block_add(vm, (uintptr_t)gpa, host, bytes);
}

uintptr_t vm_ram_register(vm_t *vm, size_t bytes)
{
    if (!vm || bytes == 0 || bytes % PAGE_SIZE) {
        errno = EINVAL;
        return 0;
    }
    /* Above all RAM, past any ROM or reservation in the way, below the 32-bit hole as vcpuctx_vm_create's RAM. */
    uint64_t at = VM_P(vm)->ram.size;
    for (int i = 0; i < VM_P(vm)->ram.nblocks; i++)
        if (VM_P(vm)->ram.blocks[i].gpa + VM_P(vm)->ram.blocks[i].size > at)
            at = VM_P(vm)->ram.blocks[i].gpa + VM_P(vm)->ram.blocks[i].size;
    while (at + bytes <= VCPUCTX_RAM_MAX) {
        uint64_t past = claimed_end(vm, at, bytes);
        if (past == 0)
            return vm_ram_register_at(vm, (uintptr_t)at, bytes, false) == 0 ? (uintptr_t)at : 0;
        at = (past + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    }
    errno = ENOMEM;
    return 0;
}

/* Give [start, start + bytes), inside one region, the state allocated; 0, or -1 (nothing changed). */
static int set_state(struct vm *vm, uintptr_t start, size_t bytes, int allocated)
{
    int i = bytes ? region_of(&vm->mem, start, bytes) : -1;
    if (i < 0 || vm->mem.ram_regions[i].allocated == allocated || regions_room(vm, 2) < 0)
        return -1;
    struct vm_ram_region r = vm->mem.ram_regions[i];
    memmove(&vm->mem.ram_regions[i], &vm->mem.ram_regions[i + 1],
            sizeof(r) * (size_t)(vm->mem.num_ram_regions - i - 1));
    vm->mem.num_ram_regions--;
    regions_insert(&vm->mem, r.start, start - r.start, r.allocated);
    regions_insert(&vm->mem, start, bytes, allocated);
    regions_insert(&vm->mem, start + bytes, r.size - bytes - (start - r.start), r.allocated);
    return 0;
}

void vm_ram_mark_allocated(vm_t *vm, uintptr_t start, size_t bytes)
{
    if (vm)
        set_state(vm, start, bytes, 1);
}

void vm_ram_free(vm_t *vm, uintptr_t start, size_t bytes)
{
    if (vm)
        set_state(vm, start, bytes, 0);
}

uintptr_t vm_ram_allocate(vm_t *vm, size_t bytes)
{
    if (!vm || bytes == 0) {
        errno = EINVAL;
        return 0;
    }
    for (int i = 0; i < vm->mem.num_ram_regions; i++) {
        struct vm_ram_region r = vm->mem.ram_regions[i];
        if (!r.allocated && r.size >= bytes && set_state(vm, r.start, bytes, 1) == 0)
            return r.start;
    }
    errno = ENOMEM;
    return 0;
}

int vm_ram_find_largest_free_region(vm_t *vm, uintptr_t *addr, size_t *size)
{
    if (!vm || !addr || !size) {
        errno = EINVAL;
        return -1;
    }
    int best = -1;
    for (int i = 0; i < vm->mem.num_ram_regions; i++) {
        const struct vm_ram_region *r = &vm->mem.ram_regions[i];
        /* As upstream with 64-bit guests: only regions that end below 4 GiB. */
        if (!r->allocated && (uint64_t)r->start + r->size < UINT32_MAX &&
            (best < 0 || r->size > vm->mem.ram_regions[best].size))
            best = i;
    }
    if (best < 0) {
        errno = ENOMEM;
        return -1;
    }
    *addr = vm->mem.ram_regions[best].start;
    *size = vm->mem.ram_regions[best].size;
    return 0;
}

int vm_ram_touch(vm_t *vm, uintptr_t addr, size_t size, ram_touch_callback_fn touch_callback, void *cookie)
{
    if (!vm || !touch_callback || addr + size < addr) {
        errno = EINVAL;
        return -1;
    }
    if (region_of(&vm->mem, addr, size) < 0) {
        errno = EFAULT;
        return -1;
    }
    /* One call per 4 KiB page touched, as upstream maps and calls them. */
    for (uintptr_t at = addr; at < addr + size;) {
        uintptr_t next = (at & ~(uintptr_t)(PAGE_SIZE - 1)) + PAGE_SIZE;
        size_t piece = (next < addr + size ? next : addr + size) - at;
        uint8_t *host = ram_host(vm, at, piece);
        if (!host) {
            errno = EFAULT;
            return -1;
        }
        int r = touch_callback(vm, at, host, piece, at - addr, cookie);
        if (r)
            return r;
        at += piece;
    }
    return 0;
}

int vm_guest_ram_read_callback(vm_t *vm, uintptr_t guest_addr, void *vaddr, size_t size, size_t offset, void *buf)
{
    (void)vm;
    (void)guest_addr;
    memcpy((uint8_t *)buf + offset, vaddr, size);
    return 0;
}

int vm_guest_ram_write_callback(vm_t *vm, uintptr_t guest_addr, void *vaddr, size_t size, size_t offset, void *buf)
{
    (void)vm;
    (void)guest_addr;
    memcpy(vaddr, (const uint8_t *)buf + offset, size);
    return 0;
}
