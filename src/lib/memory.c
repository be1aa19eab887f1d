/* memory.c: libsel4vm's memory reservations: MMIO exits in a reserved range go to its fault callback; anonymous
   regions that reservations are carved from. */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "claims.h"
#include "memory.h"

/* An address range vm_memory_make_anon set aside: vm_reserve_anon_memory hands it out upwards from next. */
struct anon_region {
    uintptr_t addr, next;
    size_t size;
    struct anon_region *link;
};

static bool anon_overlaps(const struct vm *vm, uintptr_t addr, size_t size)
{
    for (const struct anon_region *a = VM_CP(vm)->mmio.anon; a; a = a->link)
        if (ranges_overlap(addr, size, a->addr, a->size))
            return true;
    return false;
}

/* A reservation; inside an anonymous region only when vm_reserve_anon_memory asks (in_anon). */
static vm_memory_reservation_t *reserve(struct vm *vm, uintptr_t addr, size_t size, memory_fault_callback_fn cb,
                                        void *cookie, bool in_anon)
{
    if (!vm || !cb || size == 0 || addr + size < addr || ram_overlaps(vm, addr, size)) {
        errno = EINVAL;
        return NULL;
    }
    if (reservation_overlap_end(vm, addr, size) || (!in_anon && anon_overlaps(vm, addr, size))) {
        errno = EBUSY;
        return NULL;
    }
    struct vm_memory_reservation *r = malloc(sizeof(*r));
    if (!r)
        return NULL;
    *r = (struct vm_memory_reservation){addr, size, cb, cookie, VM_P(vm)->mmio.reservations};
    VM_P(vm)->mmio.reservations = r;
    return r;
}

vm_memory_reservation_t *vm_reserve_memory_at(vm_t *vm, uintptr_t addr, size_t size,
                                              memory_fault_callback_fn fault_callback, void *cookie)
{
    return reserve(vm, addr, size, fault_callback, cookie, false);
}

int vm_memory_make_anon(vm_t *vm, uintptr_t addr, size_t size)
{
    if (!vm || size == 0 || addr % PAGE_SIZE || size % PAGE_SIZE || addr + size < addr) {
        errno = EINVAL;
        return -1;
    }
    if (claimed_end(vm, addr, size) || anon_overlaps(vm, addr, size)) {
        errno = EBUSY;
        return -1;
    }
    struct anon_region *a = malloc(sizeof(*a));
    if (!a)
        return -1;
    *a = (struct anon_region){addr, addr, size, VM_P(vm)->mmio.anon};
    VM_P(vm)->mmio.anon = a;
    return 0;
}

vm_memory_reservation_t *vm_reserve_anon_memory(vm_t *vm, size_t size, size_t align,
                                                memory_fault_callback_fn fault_callback, void *cookie, uintptr_t *addr)
{
    if (!vm || !fault_callback || !addr || size == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    size_t span = (size + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    uintptr_t mask = align > 1 ? align - 1 : 0;
    for (struct anon_region *a = VM_P(vm)->mmio.anon; a; a = a->link) {
        uintptr_t at = (a->next + mask) & ~mask;
        if (at < a->next || at - a->addr > a->size || span > a->size - (at - a->addr))
            continue;
        vm_memory_reservation_t *r = reserve(vm, at, size, fault_callback, cookie, true);
        if (!r)
            return NULL;
        a->next = at + span;
        *addr = at;
        return r;
    }
    errno = ENOMEM;
    return NULL;
}

void vm_get_reservation_memory_region(vm_memory_reservation_t *reservation, uintptr_t *addr, size_t *size)
{
    if (!reservation)
        return;
    if (addr)
        *addr = reservation->addr;
    if (size)
        *size = reservation->size;
}

int vm_memory_init(vm_t *vm)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    return 0; /* vcpuctx_vm_create set the VM's memory up */
}

int vm_free_reserved_memory(vm_t *vm, vm_memory_reservation_t *reservation)
{
    for (struct vm_memory_reservation **p = vm ? &VM_P(vm)->mmio.reservations : NULL; p && *p; p = &(*p)->next)
        if (*p == reservation) {
            *p = reservation->next;
            free(reservation);
            return 0;
        }
    errno = EINVAL;
    return -1;
}

void memory_free_all(struct vm *vm)
{
    while (VM_P(vm)->mmio.reservations)
        vm_free_reserved_memory(vm, VM_P(vm)->mmio.reservations);
    while (VM_P(vm)->mmio.anon) {
        struct anon_region *a = VM_P(vm)->mmio.anon;
        VM_P(vm)->mmio.anon = a->link;
        free(a);
    }
}

int vm_register_unhandled_mem_fault_callback(vm_t *vm, unhandled_mem_fault_callback_fn fault_handler, void *cookie)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    VM_P(vm)->mmio.unhandled = fault_handler;
    VM_P(vm)->mmio.unhandled_cookie = cookie;
    return 0;
}

memory_fault_result_t default_error_fault_callback(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t fault_addr, size_t fault_length,
                                                   void *cookie)
{
    (void)vm, (void)vcpu, (void)fault_addr, (void)fault_length, (void)cookie;
    return FAULT_ERROR;
}

/* The reservation a fault starts in; *past: it runs past the reservation's end. */
static struct vm_memory_reservation *find(struct vm *vm, uintptr_t addr, size_t len, bool *past)
{
    for (struct vm_memory_reservation *r = VM_P(vm)->mmio.reservations; r; r = r->next)
        if (addr >= r->addr && addr - r->addr < r->size) {
            *past = len > r->size - (addr - r->addr);
            return r;
        }
    return NULL;
}

int memory_dispatch(struct vm_vcpu *vcpu)
{
    struct vm *vm = vcpu->vm;
    size_t len = get_vcpu_fault_size(vcpu);
    uintptr_t addr = (uintptr_t)get_vcpu_fault_address(vcpu);
    bool past = false;
    struct vm_memory_reservation *r = len ? find(vm, addr, len, &past) : NULL;
    memory_fault_result_t res = past ? FAULT_ERROR : r ? r->callback(vm, vcpu, addr, len, r->cookie) : FAULT_UNHANDLED;
    if (res == FAULT_UNHANDLED && len && VM_P(vm)->mmio.unhandled)
        res = VM_P(vm)->mmio.unhandled(vm, vcpu, addr, len, VM_P(vm)->mmio.unhandled_cookie);
    switch (res) {
    case FAULT_HANDLED:
    case FAULT_RESTART: return VM_EXIT_HANDLED; /* the callback advanced it, or the instruction runs again */
    case FAULT_IGNORE: advance_vcpu_fault(vcpu); return VM_EXIT_HANDLED;
    case FAULT_UNHANDLED: return VM_EXIT_UNHANDLED;
    default: return VM_EXIT_HANDLE_ERROR;
    }
}
