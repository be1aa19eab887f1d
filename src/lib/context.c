/* context.c: the guest_x86_context.h API (registers and VMCS fields) and one guest entry. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "context.h"
#include "ioports.h"
#include "vmcs_table.h"

/* The context's registers in vcpu_context_reg_t order (upstream's, the seL4_VCPUContext members' order): member,
   struct kvm_regs member. The one list: the offsets and the whole-context copies come from it. */
#define CTX_REGS32(X) X(eax, rax) X(ebx, rbx) X(ecx, rcx) X(edx, rdx) X(esi, rsi) X(edi, rdi) X(ebp, rbp)
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
#define CTX_REGS(X)                                                                                                    \
    CTX_REGS32(X) X(r8, r8) X(r9, r9) X(r10, r10) X(r11, r11) X(r12, r12) X(r13, r13) X(r14, r14) X(r15, r15)
#define NREGS 15
#else
#define CTX_REGS(X) CTX_REGS32(X)
#define NREGS       7
#endif

/* vcpu_context_reg_t -> struct kvm_regs member. */
#define REG_OFFSET(ctx, kvm) offsetof(struct kvm_regs, kvm),
static const size_t reg_offset[] = {CTX_REGS(REG_OFFSET)};
#define CTX_OFFSET(ctx, kvm) +1
_Static_assert(0 CTX_REGS(CTX_OFFSET) == NREGS, "one register per vcpu_context_reg_t value");
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
_Static_assert(VCPU_CONTEXT_R15 + 1 == NREGS, "one register per vcpu_context_reg_t value");
#else
_Static_assert(VCPU_CONTEXT_EBP + 1 == NREGS, "one register per vcpu_context_reg_t value");
#endif
_Static_assert(sizeof(seL4_VCPUContext) == NREGS * sizeof(seL4_Word), "the context is the registers alone");

static bool fits32(uint64_t v)
{
    return (v >> 32) == 0;
}

static __u64 *reg_slot(struct kvm_regs *r, unsigned reg)
{
    return (__u64 *)(void *)((uint8_t *)r + reg_offset[reg]);
}

HOT int vm_set_thread_context(vm_vcpu_t *vcpu, seL4_VCPUContext context)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    struct kvm_regs *r = state_regs(vcpu);
    if (!r)
        return -1;
#define SET_REG(ctx, kvm) r->kvm = context.ctx;
    CTX_REGS(SET_REG)
    VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
    VCPU_P(vcpu)->pend.gpr_set = true;
    return 0;
}

HOT int vm_set_thread_context_reg(vm_vcpu_t *vcpu, vcpu_context_reg_t reg, seL4_Word value)
{
    if (!vcpu || (unsigned)reg >= NREGS) {
        errno = EINVAL;
        return -1;
    }
    struct kvm_regs *r = state_regs(vcpu);
    if (!r)
        return -1;
    *reg_slot(r, (unsigned)reg) = value;
    VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
    VCPU_P(vcpu)->pend.gpr_set = true;
    return 0;
}

HOT int vm_get_thread_context(vm_vcpu_t *vcpu, seL4_VCPUContext *context)
{
    if (!vcpu || !context) {
        errno = EINVAL;
        return -1;
    }
    const struct kvm_regs *r = state_regs(vcpu);
    if (!r)
        return -1;
#define GET_REG(ctx, kvm) context->ctx = (seL4_Word)r->kvm;
    CTX_REGS(GET_REG)
    return 0;
}

HOT int vm_get_thread_context_reg(vm_vcpu_t *vcpu, vcpu_context_reg_t reg, seL4_Word *value)
{
    if (!vcpu || !value || (unsigned)reg >= NREGS) {
        errno = EINVAL;
        return -1;
    }
    struct kvm_regs *r = state_regs(vcpu);
    if (!r)
        return -1;
    *value = (seL4_Word)*reg_slot(r, (unsigned)reg);
    return 0;
}

/* vm_set_vmcs_field past its checks, but for RIP once the view is made: out of line, so that the calls it makes
   give the common path no frame to set up. */
NOT_INLINE static int set_field_whole(struct vm_vcpu *vcpu, const struct field *f, bool high, seL4_Word value)
{
    uint64_t v = value;
    if (high || (f->info.width == 64 && sizeof(seL4_Word) == 4)) {
        uint64_t old;
        if (field_read(vcpu, f, &old) < 0)
            return -1;
        v = high ? (old & 0xffffffffULL) | (v << 32) : (old & ~0xffffffffULL) | v;
    }
    return field_write(vcpu, f, v);
}

HOT int vm_set_vmcs_field(vm_vcpu_t *vcpu, seL4_Word field, seL4_Word value)
{
    bool high;
    const struct field *f = vcpu && fits32(field) ? field_find((uint32_t)field, &high) : NULL;
    if (!f) {
        errno = EINVAL;
        return -1;
    }
    int err = field_check_write(f, high, value);
    if (err) {
        errno = err;
        return -1;
    }
    if (!high && field_write_quick(vcpu, f, value))
        return 0;
    return set_field_whole(vcpu, f, high, value);
}

/* vm_get_vmcs_field past its checks, but for what field_read_quick takes (out of line for the same reason). */
NOT_INLINE static int get_field_whole(struct vm_vcpu *vcpu, const struct field *f, bool high, seL4_Word *value)
{
    uint64_t v;
    if (field_needs_view(f) && VCPU_CP(vcpu)->pend.active && exit_view_ensure(vcpu) < 0) /* then the quick read */
        return -1;
    if ((high || !field_read_quick(vcpu, f, &v)) && field_read(vcpu, f, &v) < 0)
        return -1;
    *value = (seL4_Word)(high ? v >> 32 : v);
    return 0;
}

HOT int vm_get_vmcs_field(vm_vcpu_t *vcpu, seL4_Word field, seL4_Word *value)
{
    bool high;
    const struct field *f = vcpu && value && fits32(field) ? field_find((uint32_t)field, &high) : NULL;
    if (!f) {
        errno = EINVAL;
        return -1;
    }
    uint64_t v;
    if (high || !field_read_quick(vcpu, f, &v))
        return get_field_whole(vcpu, f, high, value);
    *value = (seL4_Word)v;
    return 0;
}

/*
 * VT-x exits for interrupt-window exiting before the first instruction at
 * which RFLAGS.IF = 1 and nothing blocks; KVM reports the window only after
 * some later exit. So the exit is made here, without entering, when nothing
 * is pending in KVM and no event waits for injection.
 */
static bool window_open_now(struct vm_vcpu *vcpu)
{
    if (!(VCPU_P(vcpu)->ctl.primary & VMX_PRIMARY_INTERRUPT_WINDOW_EXITING) || VCPU_P(vcpu)->pend.completion)
        return false;
    struct kvm_regs *r = state_regs(vcpu);
    struct kvm_vcpu_events *ev = state_events(vcpu);
    if (!r || !ev || !(r->rflags & RFLAGS_IF) || ev->interrupt.shadow)
        return false;
    return !ev->interrupt.injected && !ev->exception.injected && !ev->exception.pending && !ev->nmi.injected;
}

static int synthesize_window_exit(struct vm_vcpu *vcpu)
{
    memset(&VCPU_P(vcpu)->ex, 0, sizeof(VCPU_P(vcpu)->ex));
    memset(&VCPU_P(vcpu)->pend, 0, sizeof(VCPU_P(vcpu)->pend));
    VCPU_P(vcpu)->ex.reason = EXIT_REASON_PENDING_INTERRUPT;
    VCPU_P(vcpu)->pend.active = true;
    VCPU_P(vcpu)->pend.view_ready = true; /* nothing to decode: the view is complete */
    VCPU_P(vcpu)->pend.kvm_rip = VCPU_P(vcpu)->pend.rip_view = VCPU_P(vcpu)->cache.regs->rip;
    VCPU_P(vcpu)->stats.exits++;
    return EXIT_REASON_PENDING_INTERRUPT;
}

/* The state at entry, for a host that resets the vCPU at a triple fault (vcpuctx_vcpu_keep_entry_state). */
static int keep_entry_state(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->cache.from_entry = false;
    if (!VCPU_P(vcpu)->cache.keep_entry)
        return 0;
    struct kvm_regs *r = state_regs(vcpu);
    struct kvm_sregs *s = state_sregs(vcpu);
    if (!r || !s)
        return -1;
    VCPU_P(vcpu)->store.entry_regs = *r;
    VCPU_P(vcpu)->store.entry_sregs = *s;
    return 0;
}

/* A shutdown that left the vCPU in its reset state was reset by the host: show the state at entry instead. */
static void show_entry_state_at_shutdown(struct vm_vcpu *vcpu)
{
    if (!VCPU_P(vcpu)->cache.keep_entry || VCPU_P(vcpu)->run->exit_reason != KVM_EXIT_SHUTDOWN)
        return;
    struct kvm_regs *r = state_regs(vcpu);
    struct kvm_sregs *s = state_sregs(vcpu);
    if (!r || !s || r->rip != 0xfff0 || s->cs.selector != 0xf000 || s->cs.base != 0xffff0000 || (s->cr0 & CR0_PE))
        return;
    *r = VCPU_P(vcpu)->store.entry_regs;
    *s = VCPU_P(vcpu)->store.entry_sregs;
    VCPU_P(vcpu)->cache.regs_st = VCPU_P(vcpu)->cache.sregs_st =
        CACHE_VALID; /* shown, not KVM's: a write pushes it as a whole */
    VCPU_P(vcpu)->cache.from_entry = true;
}

int vcpuctx_vcpu_keep_entry_state(vm_vcpu_t *vcpu, bool on)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    VCPU_P(vcpu)->cache.keep_entry = on;
    VCPU_P(vcpu)->ctl.settled = false;
    return 0;
}

int vcpuctx_exit_state_from_entry(vm_vcpu_t *vcpu)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    return VCPU_P(vcpu)->cache.from_entry ? 1 : 0;
}

HOT int vcpu_enter(struct vm_vcpu *vcpu, int *err)
{
    int r = entry_prepare(vcpu, false);
    *err = r < 0 ? errno : 0;
    if (r < 0)
        return *err == EINVAL ? VCPU_REFUSED : -1;
    if (window_open_now(vcpu))
        return synthesize_window_exit(vcpu);
    return keep_entry_state(vcpu) < 0 ? -1 : VCPU_ENTER;
}

HOT int vcpu_exited(struct vm_vcpu *vcpu, int r, int e)
{
    if (r < 0 && e != EINTR && e != EINVAL)
        return -1;
    VCPU_P(vcpu)->stats.exits++;
    state_after_exit(vcpu);
    if (e)
        VCPU_P(vcpu)->cache.regs_st = VCPU_P(vcpu)->cache.sregs_st = VCPU_P(vcpu)->cache.events_st = CACHE_UNKNOWN;
    else
        show_entry_state_at_shutdown(vcpu);
    exit_translate(vcpu, e);
    return (int)VCPU_P(vcpu)->ex.reason;
}

HOT int vcpuctx_vcpu_run(vm_vcpu_t *vcpu)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    return vcpu_run_once(vcpu);
}

int vcpuctx_vcpu_flush(vm_vcpu_t *vcpu)
{
    if (!vcpu) {
        errno = EINVAL;
        return -1;
    }
    return entry_prepare(vcpu, true);
}

uint8_t *vcpuctx_exit_data(vm_vcpu_t *vcpu, size_t *len)
{
    if (!vcpu || !len) {
        errno = EINVAL;
        return NULL;
    }
    struct kvm_run *run = VCPU_P(vcpu)->run;
    if (run->exit_reason == KVM_EXIT_IO && VCPU_P(vcpu)->ex.reason == EXIT_REASON_IO_INSTRUCTION) {
        uint8_t *data = exit_io_data(VCPU_P(vcpu)->run, VCPU_P(vcpu)->run_size);
        if (!data) {
            errno = EFAULT;
            return NULL;
        }
        *len = (size_t)run->io.size * run->io.count;
        return data;
    }
    if (run->exit_reason == KVM_EXIT_MMIO && VCPU_P(vcpu)->ex.reason == EXIT_REASON_EPT_VIOLATION) {
        *len = run->mmio.len;
        return run->mmio.data;
    }
    if ((run->exit_reason == KVM_EXIT_X86_RDMSR || run->exit_reason == KVM_EXIT_X86_WRMSR) &&
        (VCPU_P(vcpu)->ex.reason == EXIT_REASON_MSR_READ || VCPU_P(vcpu)->ex.reason == EXIT_REASON_MSR_WRITE)) {
        *len = sizeof(run->msr.data);
        return (uint8_t *)&run->msr.data;
    }
    errno = ENODATA;
    return NULL;
}
