/* modes.c: start the vCPU in real, protected or long mode, set up purely through vm_set_vmcs_field. */
#include <errno.h>
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

/* Real mode at cs:ip, the data segments 0, interrupts off. */
int mode_real_at(vm_vcpu_t *vcpu, uint16_t cs, uint16_t ip)
{
    if (set_seg(vcpu, 1, (struct seg){cs, (seL4_Word)cs << 4, 0xffff, 0x9b}) < 0)
        return -1;
    for (int n = 0; n < 6; n++)
        if (n != 1 && set_seg(vcpu, n, (struct seg){0, 0, 0xffff, 0x93}) < 0)
            return -1;
    return set_rip_flags(vcpu, ip);
}

/* Real mode at entry: CS:IP = (entry >> 4 & 0xf000):(entry & 0xffff), like a boot sector at 0:7c00. */
int mode_real(vm_vcpu_t *vcpu, uint64_t entry)
{
    return mode_real_at(vcpu, (uint16_t)((entry >> 4) & 0xf000), (uint16_t)(entry & 0xffff));
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

/* The boot CPU's local APIC as QEMU's firmware (SeaBIOS) leaves it before a kernel runs: software-enabled, LINT0
   the 8259's ExtINT and LINT1 the NMI line, both level-triggered. A kernel booted without firmware finds what it
   would find under QEMU (KVM delivers an IOAPIC's NMI to one vCPU only when its APIC is enabled: measured in the
   amd tier). Nothing to do without the in-kernel irqchip. */
int mode_firmware_lapic(vm_vcpu_t *vcpu)
{
    enum { SVR = 0xf0, LINT0 = 0x350, LINT1 = 0x360, APIC_ENABLED = 0x100 };
    uint32_t svr = 0;
    if (vcpuctx_vcpu_lapic_get(vcpu, SVR, &svr) < 0)
        return errno == ENODEV ? 0 : -1;
    return vcpuctx_vcpu_lapic_set(vcpu, SVR, svr | APIC_ENABLED) || vcpuctx_vcpu_lapic_set(vcpu, LINT0, 0x8700) ||
                   vcpuctx_vcpu_lapic_set(vcpu, LINT1, 0x8400)
               ? -1
               : 0;
}
