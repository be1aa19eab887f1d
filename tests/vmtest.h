/* vmtest.h: helpers for the integration suites: VMs on real KVM, guest images, mode set-up via VMCS fields. */
#ifndef VCPUCTX_TESTS_VMTEST_H
#define VCPUCTX_TESTS_VMTEST_H

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <vcpuctx.h>

#include "guest_labels.h" /* generated: AT_<GUEST>_<LABEL>, the test guests' addresses */
#include "host.h"

#define TEST_RAM  (4u << 20)
#define LOAD_ADDR 0x1000u

#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
#define TEST_NREGS 15
#else
#define TEST_NREGS 7
#endif

/* A VM with RAM, or a clean skip when this machine has no /dev/kvm (ENOENT); anything else fails. */
static inline vm_t *test_vm(size_t ram)
{
    vm_t *vm = vcpuctx_vm_create(ram);
    if (!vm && errno == ENOENT)
        cr_skip_test("/dev/kvm does not exist on this machine");
    cr_assert_not_null(vm, "vcpuctx_vm_create: %s", strerror(errno));
    return vm;
}

static inline vm_vcpu_t *test_vcpu(vm_t *vm)
{
    vm_vcpu_t *vcpu = vm_create_vcpu(vm, 0);
    cr_assert_not_null(vcpu, "vm_create_vcpu: %s", strerror(errno));
    return vcpu;
}

/* Copy build/tests/guests/NAME.bin to LOAD_ADDR; returns its size. */
static inline size_t load_guest(vm_t *vm, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.bin", GUEST_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open guest %s", path);
    uint8_t *dst = vcpuctx_guest_ram(vm, LOAD_ADDR, 0x10000);
    cr_assert_not_null(dst);
    size_t n = fread(dst, 1, 0x10000, f);
    fclose(f);
    cr_assert_gt(n, 0, "empty guest %s", path);
    return n;
}

static inline void set_field(vm_vcpu_t *vcpu, seL4_Word field, seL4_Word value)
{
    cr_assert_eq(vm_set_vmcs_field(vcpu, field, value), 0, "set field 0x%x: %s", (unsigned)field, strerror(errno));
}

static inline seL4_Word get_field(vm_vcpu_t *vcpu, seL4_Word field)
{
    seL4_Word v = 0;
    cr_assert_eq(vm_get_vmcs_field(vcpu, field, &v), 0, "get field 0x%x: %s", (unsigned)field, strerror(errno));
    return v;
}

/* One segment through its four VMCS fields (encodings step by 2 from ES). */
static inline void set_segment(vm_vcpu_t *vcpu, int seg, seL4_Word sel, seL4_Word base, seL4_Word limit, seL4_Word ar)
{
    set_field(vcpu, VMX_GUEST_ES_SELECTOR + 2 * seg, sel);
    set_field(vcpu, VMX_GUEST_ES_BASE + 2 * seg, base);
    set_field(vcpu, VMX_GUEST_ES_LIMIT + 2 * seg, limit);
    set_field(vcpu, VMX_GUEST_ES_ACCESS_RIGHTS + 2 * seg, ar);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* Real mode, CS = 0, IP = LOAD_ADDR, SP = 0x8000. */
static inline void setup_real_mode(vm_vcpu_t *vcpu)
{
    set_segment(vcpu, SEG_CS, 0, 0, 0xffff, 0x9b);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            set_segment(vcpu, s, 0, 0, 0xffff, 0x93);
    set_field(vcpu, VMX_GUEST_RIP, LOAD_ADDR);
    set_field(vcpu, VMX_GUEST_RSP, 0x8000);
    set_field(vcpu, VMX_GUEST_RFLAGS, 0x2);
}

/* Flat segments (code access rights as given), a busy TSS, no LDT; RIP at LOAD_ADDR. */
static inline void setup_flat(vm_vcpu_t *vcpu, seL4_Word code_ar)
{
    set_segment(vcpu, SEG_CS, 0x08, 0, 0xffffffff, code_ar);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            set_segment(vcpu, s, 0x10, 0, 0xffffffff, 0xc093);
    set_segment(vcpu, SEG_TR, 0x18, 0, 0x67, 0x8b);
    set_segment(vcpu, SEG_LDTR, 0, 0, 0, 0x10000);
    set_field(vcpu, VMX_GUEST_RIP, LOAD_ADDR);
    set_field(vcpu, VMX_GUEST_RSP, 0x8000);
    set_field(vcpu, VMX_GUEST_RFLAGS, 0x2);
}

/* Flat 32-bit protected mode, without paging, purely through VMCS fields. */
static inline void setup_protected_mode(vm_vcpu_t *vcpu)
{
    set_field(vcpu, VMX_GUEST_CR0, 0x11); /* PE | ET */
    setup_flat(vcpu, 0xc09b);
}

/* 64-bit long mode with identity-mapped 2 MiB pages at 0x10000, purely through VMCS fields. */
static inline void setup_long_mode(vm_t *vm, vm_vcpu_t *vcpu)
{
    uint64_t *pml4 = vcpuctx_guest_ram(vm, 0x10000, 0x3000);
    cr_assert_not_null(pml4);
    memset(pml4, 0, 0x3000);
    pml4[0] = 0x11000 | 3;
    pml4[512] = 0x12000 | 3; /* PDPT[0] */
    for (int i = 0; i < 4; i++)
        pml4[1024 + i] = ((uint64_t)i << 21) | 0x83; /* PD: 2 MiB pages */
    set_field(vcpu, VMX_GUEST_CR3, 0x10000);
    set_field(vcpu, VMX_GUEST_CR4, 0x20);       /* PAE */
    set_field(vcpu, VMX_GUEST_EFER, 0x500);     /* LME | LMA */
    set_field(vcpu, VMX_GUEST_CR0, 0x80000011); /* PG | ET | PE */
    setup_flat(vcpu, 0xa09b);
}

/* The VM and vCPU of a test, made by boot() and freed by the suite's .fini. */
static vm_t *vm;
static vm_vcpu_t *vcpu;

/* A VM with a guest from tests/guests at LOAD_ADDR in real mode. */
static inline void boot(const char *guest)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    load_guest(vm, guest);
    setup_real_mode(vcpu);
}

/* tests/guests/mmio.S with FS just above RAM and DI = 0x40: a byte write at FS:0x10, a byte read at 0x20 echoed
   to port 0x90, a word write at 0x40, a word read at 0x44 echoed to port 0x91, HLT. */
static inline void boot_mmio(void)
{
    boot("mmio");
    set_field(vcpu, VMX_GUEST_FS_BASE, TEST_RAM);
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EDI, 0x40), 0);
}

/* CPUID leaf.sub as the guest sees it on v, through tests/guests/cpuid.S (load_guest(vm, "cpuid") first): the
   four registers after it, EAX to EDX. */
static inline void guest_cpuid(vm_vcpu_t *v, uint32_t leaf, uint32_t sub, seL4_Word r[4])
{
    setup_real_mode(v);
    cr_assert_eq(vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, leaf), 0);
    cr_assert_eq(vm_set_thread_context_reg(v, VCPU_CONTEXT_ECX, sub), 0);
    cr_assert_eq(vcpuctx_vcpu_run(v), EXIT_REASON_IO_INSTRUCTION, "the guest's OUT");
    static const int regs[4] = {VCPU_CONTEXT_EAX, VCPU_CONTEXT_EBX, VCPU_CONTEXT_ECX, VCPU_CONTEXT_EDX};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(vm_get_thread_context_reg(v, regs[i], &r[i]), 0);
}

static inline void teardown(void)
{
    vcpuctx_vm_destroy(vm);
    vm = NULL;
}

/* Can this host's KVM run 32-bit two-level paging? Probe: PE|PG through VMCS fields, then one OUT. */
static inline bool host_runs_32bit_paging(void)
{
    vm_t *vm = test_vm(4u << 20);
    vm_vcpu_t *vcpu = test_vcpu(vm);
    uint32_t *pd = vcpuctx_guest_ram(vm, 0x10000, 0x2000);
    cr_assert_not_null(pd);
    pd[0] = 0x11000 | 3;
    for (uint32_t i = 0; i < 1024; i++)
        pd[1024 + i] = (i << 12) | 3;
    memcpy(vcpuctx_guest_ram(vm, LOAD_ADDR, 3), "\xe6\x80\xf4", 3);
    setup_protected_mode(vcpu);
    set_field(vcpu, VMX_GUEST_CR3, 0x10000);
    set_field(vcpu, VMX_GUEST_CR0, 0x80000011);
    int r = vcpuctx_vcpu_run(vcpu);
    vcpuctx_vm_destroy(vm);
    return r == EXIT_REASON_IO_INSTRUCTION;
}

/* An exit handler that ends vm_run (for HLT at the end of a guest). */
static inline int stop_on_hlt(vm_vcpu_t *v, void *cookie)
{
    (void)v;
    (void)cookie;
    return VCPUCTX_EXIT_STOP;
}

/* vm_run, checked against upstream's contract (0, or -1 with the vCPU offline); returns how it ended. */
static inline int run_status(vm_t *vm)
{
    errno = 0;
    int r = vm_run(vm);
    int status = vcpuctx_vm_run_status(vm);
    bool failed = status == VCPUCTX_RUN_ERROR || status == VCPUCTX_RUN_FAILED;
    cr_assert_eq(r, failed ? -1 : 0, "vm_run returned %d with status %d", r, status);
    vm_vcpu_t *ender = vcpuctx_vm_run_vcpu(vm);
    cr_assert_not_null(ender, "vcpuctx_vm_run_vcpu names the vCPU that ended the run");
    cr_assert(!failed || !ender->vcpu_online, "an error takes the vCPU that ended the run offline");
    cr_assert(failed || vm->vcpus[BOOT_VCPU]->vcpu_online, "vm_run brought the boot vCPU online");
    if (status == VCPUCTX_RUN_ERROR)
        cr_assert_eq(errno, ECANCELED, "a handler's error: errno %d", errno);
    cr_assert_eq(vm->run.exit_reason, failed ? VM_GUEST_ERROR_EXIT : vm->run.exit_reason);
    return status;
}

/* Run until the next exit and require its basic reason. */
static inline void run_expect(vm_vcpu_t *vcpu, unsigned reason)
{
    int r = vcpuctx_vcpu_run(vcpu);
    cr_assert_neq(r, -1, "vcpuctx_vcpu_run: %s", strerror(errno));
    cr_assert_eq((unsigned)r, reason, "exit reason %u (%s), expected %u (%s), RIP 0x%llx", (unsigned)r,
                 vcpuctx_exit_reason_name((unsigned)r), reason, vcpuctx_exit_reason_name(reason),
                 (unsigned long long)get_field(vcpu, VMX_GUEST_RIP));
}

/* Complete the current exit the seL4 way: advance RIP by the instruction length. */
static inline void advance(vm_vcpu_t *vcpu)
{
    seL4_Word rip = get_field(vcpu, VMX_GUEST_RIP);
    seL4_Word len = get_field(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH);
    cr_assert_gt(len, 0, "instruction length unknown at 0x%llx", (unsigned long long)rip);
    set_field(vcpu, VMX_GUEST_RIP, rip + len);
}

/* The value an OUT wrote (from EAX, as a seL4 handler reads it). */
static inline uint32_t out_value(vm_vcpu_t *vcpu)
{
    seL4_Word eax = 0, qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &eax), 0);
    unsigned size = (unsigned)(qual & 7) + 1;
    return size == 4 ? (uint32_t)eax : (uint32_t)eax & ((1u << (8 * size)) - 1);
}

#endif /* VCPUCTX_TESTS_VMTEST_H */
