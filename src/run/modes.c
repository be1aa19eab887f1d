/* modes.c: start the vCPU in real, protected or long mode, set up purely through vm_set_vmcs_field. */
#include <string.h>

#include "run.h"

struct seg {
    seL4_Word sel, base, limit, ar;
};

/* Segment n's four fields: encodings step by 2 from ES. */
static int set_seg(vm_vcpu_t *vcpu, int n, struct seg s)
{
    return vm_set_vmcs_field(vcpu, VMX_GUEST_ES_SELECTOR + 2 * n, s.sel) ||
                   vm_set_vmcs_field(vcpu, VMX_GUEST_ES_BASE + 2 * n, s.base) ||
                   vm_set_vmcs_field(vcpu, VMX_GUEST_ES_LIMIT + 2 * n, s.limit) ||
                   vm_set_vmcs_field(vcpu, VMX_GUEST_ES_ACCESS_RIGHTS + 2 * n, s.ar)
               ? -1
               : 0;
}

static int set_segs(vm_vcpu_t *vcpu, struct seg code, struct seg data)
{
    for (int n = 0; n < 6; n++)
        if (set_seg(vcpu, n, n == 1 ? code : data) < 0)
            return -1;
    return 0;
}

static int set_rip_flags(vm_vcpu_t *vcpu, uint64_t rip)
{
    return vm_set_vmcs_field(vcpu, VMX_GUEST_RIP, (seL4_Word)rip) ||
                   vm_set_vmcs_field(vcpu, VMX_GUEST_RFLAGS, RFLAGS_FIXED)
               ? -1
               : 0;
}

/* Real mode at entry: CS:IP = (entry >> 4 & 0xf000):(entry & 0xffff), like a boot sector at 0:7c00. */
int mode_real(vm_vcpu_t *vcpu, uint64_t entry)
{
    seL4_Word cs = (entry >> 4) & 0xf000;
    if (set_seg(vcpu, 1, (struct seg){cs, cs << 4, 0xffff, 0x9b}) < 0)
        return -1;
    for (int n = 0; n < 6; n++)
        if (n != 1 && set_seg(vcpu, n, (struct seg){0, 0, 0xffff, 0x93}) < 0)
            return -1;
    return set_rip_flags(vcpu, entry & 0xffff);
}

/* Flat 32-bit protected mode, no paging, interrupts off (the multiboot machine state). */
int mode_protected(vm_vcpu_t *vcpu, uint64_t entry)
{
    if (vm_set_vmcs_field(vcpu, VMX_GUEST_CR0, CR0_PE | CR0_ET) ||
        set_segs(vcpu, (struct seg){0x08, 0, 0xffffffff, 0xc09b}, (struct seg){0x10, 0, 0xffffffff, 0xc093}) ||
        set_seg(vcpu, 7, (struct seg){0x18, 0, 0x67, 0x8b}) || set_seg(vcpu, 6, (struct seg){0, 0, 0, 0x10000}))
        return -1;
    return set_rip_flags(vcpu, entry);
}

/* 64-bit mode: the first 4 GiB identity-mapped with 2 MiB pages; six table pages at 'tables'. */
int mode_long(vm_t *vm, vm_vcpu_t *vcpu, uint64_t entry, uint64_t tables)
{
    uint64_t *t = vcpuctx_guest_ram(vm, tables, 0x6000);
    if (!t)
        return -1;
    memset(t, 0, 0x6000);
    t[0] = (tables + 0x1000) | PTE_P | PTE_RW; /* PML4[0] -> PDPT */
    for (uint64_t i = 0; i < 4; i++) {
        t[512 + i] = (tables + 0x2000 + i * 0x1000) | PTE_P | PTE_RW; /* PDPT[i] -> PD i */
        for (uint64_t j = 0; j < 512; j++)
            t[1024 + i * 512 + j] = ((i << 30) | (j << 21)) | PTE_P | PTE_RW | PTE_PS;
    }
    if (vm_set_vmcs_field(vcpu, VMX_GUEST_CR3, (seL4_Word)tables) || vm_set_vmcs_field(vcpu, VMX_GUEST_CR4, CR4_PAE) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_EFER, EFER_LME | EFER_LMA) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_CR0, CR0_PG | CR0_ET | CR0_PE) ||
        set_segs(vcpu, (struct seg){0x08, 0, 0xffffffff, 0xa09b}, (struct seg){0x10, 0, 0xffffffff, 0xc093}) ||
        set_seg(vcpu, 7, (struct seg){0x18, 0, 0x67, 0x8b}) || set_seg(vcpu, 6, (struct seg){0, 0, 0, 0x10000}))
        return -1;
    return set_rip_flags(vcpu, entry);
}
