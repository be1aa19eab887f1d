/* guestmem.c: guest memory by linear address, walking the guest's page tables in RAM. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "guestmem.h"

#define ADDR_MASK 0x000ffffffffff000ULL

static int read_pte(struct vm *vm, uint64_t pa, int size, uint64_t *pte)
{
    const uint8_t *p = vcpuctx_guest_ram(vm, pa, (size_t)size);
    if (!p)
        return -1;
    uint64_t v = 0;
    memcpy(&v, p, (size_t)size);
    *pte = v;
    return (v & PTE_P) ? 0 : -1;
}

/* 32-bit two-level paging (4 KiB pages, 4 MiB pages with CR4.PSE). */
static int walk32(struct vm *vm, const struct kvm_sregs *s, uint32_t la, uint64_t *pa)
{
    uint64_t pde, pte;
    if (read_pte(vm, (s->cr3 & 0xfffff000ULL) + ((la >> 22) << 2), 4, &pde) < 0)
        return -1;
    if ((pde & PTE_PS) && (s->cr4 & CR4_PSE)) {
        *pa = (pde & 0xffc00000ULL) | (la & 0x3fffff);
        return 0;
    }
    if (read_pte(vm, (pde & 0xfffff000ULL) + (((la >> 12) & 0x3ff) << 2), 4, &pte) < 0)
        return -1;
    *pa = (pte & 0xfffff000ULL) | (la & 0xfff);
    return 0;
}

/* PAE and 4/5-level paging: levels from the top, 9 bits each, 8-byte entries. */
static int walk64(struct vm *vm, uint64_t table, uint64_t la, int levels, uint64_t *pa)
{
    for (int lvl = levels; lvl >= 1; lvl--) {
        int shift = 12 + 9 * (lvl - 1);
        uint64_t idx = (la >> shift) & (lvl == 3 && levels == 3 ? 3 : 511);
        uint64_t e;
        if (read_pte(vm, table + idx * 8, 8, &e) < 0)
            return -1;
        if (lvl == 1 || ((e & PTE_PS) && lvl <= 3 && lvl >= 2)) {
            uint64_t mask = (1ULL << shift) - 1;
            *pa = ((e & ADDR_MASK) & ~mask) | (la & mask);
            return 0;
        }
        table = e & ADDR_MASK;
    }
    return -1;
}

int guest_linear_to_phys(struct vm *vm, const struct kvm_sregs *s, uint64_t la, uint64_t *pa)
{
    if (!(s->cr0 & CR0_PG)) {
        *pa = (s->efer & EFER_LMA) ? la : (la & 0xffffffffULL);
        return 0;
    }
    if (!(s->cr4 & CR4_PAE))
        return walk32(vm, s, (uint32_t)la, pa);
    if (!(s->efer & EFER_LMA))
        return walk64(vm, s->cr3 & 0xffffffe0ULL, la & 0xffffffffULL, 3, pa);
    return walk64(vm, s->cr3 & ADDR_MASK, la, (s->cr4 & CR4_LA57) ? 5 : 4, pa);
}

/* The host bytes behind [gpa, gpa+len) in RAM or, when rom is set, in one ROM; NULL if not all memory. */
static uint8_t *guest_phys(struct vm *vm, uint64_t gpa, size_t len, bool rom)
{
    uint8_t *p = vcpuctx_guest_ram(vm, gpa, len);
    for (int i = 0; !p && rom && i < VM_P(vm)->ram.nroms; i++) {
        const struct rom *r = &VM_P(vm)->ram.roms[i];
        if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
            p = r->host + (gpa - r->gpa);
    }
    return p;
}

size_t guest_copy_linear(struct vm *vm, const struct kvm_sregs *s, uint64_t la, uint8_t *buf, size_t len,
                         unsigned flags)
{
    size_t done = 0;
    while (done < len) {
        uint64_t pa;
        if (guest_linear_to_phys(vm, s, la + done, &pa) < 0)
            break;
        size_t chunk = 4096 - (size_t)((la + done) & 0xfff);
        if (chunk > len - done)
            chunk = len - done;
        uint8_t *p = guest_phys(vm, pa, chunk, flags & GUEST_ROM);
        if (!p)
            break;
        if (flags & GUEST_WRITE)
            memcpy(p, buf + done, chunk);
        else
            memcpy(buf + done, p, chunk);
        done += chunk;
    }
    return done;
}

size_t guest_read_linear(struct vm *vm, const struct kvm_sregs *s, uint64_t la, uint8_t *buf, size_t len)
{
    return guest_copy_linear(vm, s, la, buf, len, 0);
}

const uint8_t *guest_linear_span(struct vm *vm, const struct kvm_sregs *s, uint64_t la, size_t len)
{
    uint64_t pa;
    if ((la & 0xfff) + len > 4096 || guest_linear_to_phys(vm, s, la, &pa) < 0)
        return NULL;
    return guest_phys(vm, pa, len, false);
}
