/* exit.c: present each KVM exit as VT-x would: reason, qualification, instruction length, RIP at the instruction. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "decode.h"
#include "exit.h"
#include "exit_site.h"
#include "kvm.h"

/* Where this host leaves RIP at a plain OUT, when the bytes cannot tell: complete the exit in KVM and look (once
   per vCPU). RIP is then past the OUT. */
NOT_INLINE static enum rip_pos probe_out(struct site *s, struct insn *in)
{
    struct kvm_regs now;
    if (exit_complete_in_kvm(s->vcpu) == 0 && kvm_vcpu_ioctl(s->vcpu, KVM_GET_REGS, &now) == 0)
        site_out_learned(s, now.rip);
    site_locate(s, RIP_PAST, SITE_IO, in);
    return RIP_PAST;
}

/* The I/O exit's site: the memo's when it still holds (checked inline), else found and remembered. */
static enum rip_pos io_site(struct site *s, bool in_dir, struct insn *in)
{
    struct vcpu_priv *p = VCPU_P(s->vcpu);
    const struct io_memo *m = &p->site.io;
    uint64_t rip = s->regs->rip, la = site_code_linear(s, rip);
    if (!site_io_memo_matches(s, m, p->run, VM_CP(s->vcpu->vm)->mem_gen, la))
        return site_io_learn(s, in_dir, in, la);
    *in = m->in;
    p->ex.instr_len = m->instr_len;
    p->pend.rip_view = m->pos == RIP_PAST ? rip - m->instr_len : rip;
    return (enum rip_pos)m->pos;
}

static void translate_io(struct site *s)
{
    struct vm_vcpu *vcpu = s->vcpu;
    struct kvm_run *run = VCPU_P(vcpu)->run;
    bool in_dir = run->io.direction == KVM_EXIT_IO_IN;
    struct insn in;
    enum rip_pos pos = io_site(s, in_dir, &in);
    if (pos == RIP_PROBE)
        pos = probe_out(s, &in);
    bool known = VCPU_P(vcpu)->ex.instr_len != 0;
    bool string = known && site_is_string(&in);
    bool imm = known && in.opcode >= 0xe4 && in.opcode <= 0xe7;
    VCPU_P(vcpu)->ex.qualification = (uint64_t)(run->io.size - 1) | (in_dir ? 8u : 0u) | (string ? 16u : 0u) |
                                     (string && in.rep ? 32u : 0u) | (imm ? 64u : 0u) | ((uint64_t)run->io.port << 16);
    VCPU_P(vcpu)->pend.completion = pos == RIP_AT;
    VCPU_P(vcpu)->pend.read = in_dir;
    if (string) {
        int64_t step = (s->regs->rflags & RFLAGS_DF) ? -(int64_t)run->io.size : run->io.size;
        VCPU_P(vcpu)->ex.gla = in_dir ? s->sregs->es.base + s->regs->rdi
                                      : site_seg_base(s->sregs, in.seg, false) + s->regs->rsi - (uint64_t)step;
    }
}

NOT_INLINE static void translate_mmio(struct site *s)
{
    struct vm_vcpu *vcpu = s->vcpu;
    struct insn in;
    bool write = VCPU_P(vcpu)->run->mmio.is_write;
    site_locate(s, write ? RIP_PAST : RIP_AT, SITE_MMIO, &in);
    if (!write && !VCPU_P(vcpu)->ex.instr_len && site_decode_at(s, s->regs->rip, &in))
        VCPU_P(vcpu)->ex.instr_len = in.len;
    VCPU_P(vcpu)->ex.qualification = write ? 2 : 1;
    VCPU_P(vcpu)->ex.gpa = VCPU_P(vcpu)->run->mmio.phys_addr;
    VCPU_P(vcpu)->pend.completion = !write;
    VCPU_P(vcpu)->pend.read = !write;
}

NOT_INLINE static void translate_msr(struct site *s, bool rd)
{
    struct vm_vcpu *vcpu = s->vcpu;
    struct insn in;
    bool at = site_decode_at(s, s->regs->rip, &in) && site_kind_matches(s, SITE_MSR, &in, 0);
    site_locate(s, at ? RIP_AT : RIP_PAST, SITE_MSR, &in);
    VCPU_P(vcpu)->pend.completion = at;
    VCPU_P(vcpu)->pend.read = rd;
    VCPU_P(vcpu)->run->msr.error = 0;
}

/* A debug exit: the monitor trap flag's single step (37), or #DB/#BP as an exception exit (0). */
NOT_INLINE static uint32_t translate_debug(struct vm_vcpu *vcpu)
{
    struct kvm_debug_exit_arch *d = &VCPU_P(vcpu)->run->debug.arch;
    bool step = d->exception == VEC_DB && (d->dr6 & DR6_BS);
    if (step && (VCPU_P(vcpu)->ctl.primary & VMX_PRIMARY_MONITOR_TRAP_FLAG))
        return EXIT_REASON_MONITOR_TRAP_FLAG;
    unsigned type = d->exception == VEC_BP ? VMX_INTR_TYPE_SW_EXCEPTION : VMX_INTR_TYPE_HW_EXCEPTION;
    VCPU_P(vcpu)->ex.intr_info = VMX_INTR_INFO_VALID | (type << VMX_INTR_INFO_TYPE_SHIFT) | (d->exception & 0xff);
    VCPU_P(vcpu)->ex.qualification = d->exception == VEC_DB ? (d->dr6 & DR6_EXIT_QUAL) : 0;
    VCPU_P(vcpu)->ex.instr_len = d->exception == VEC_BP ? 1 : 0;
    return EXIT_REASON_EXCEPTION_NMI;
}

static uint32_t translate_kind(struct site *s)
{
    struct vm_vcpu *vcpu = s->vcpu;
    struct kvm_run *run = VCPU_P(vcpu)->run;
    struct insn in;
    switch (run->exit_reason) {
    case KVM_EXIT_IO: translate_io(s); return EXIT_REASON_IO_INSTRUCTION;
    case KVM_EXIT_MMIO: translate_mmio(s); return EXIT_REASON_EPT_VIOLATION;
    case KVM_EXIT_HLT: site_locate(s, RIP_PAST, SITE_HLT, &in); return EXIT_REASON_HLT;
    case KVM_EXIT_X86_RDMSR: translate_msr(s, true); return EXIT_REASON_MSR_READ;
    case KVM_EXIT_X86_WRMSR: translate_msr(s, false); return EXIT_REASON_MSR_WRITE;
    case KVM_EXIT_SHUTDOWN: return EXIT_REASON_TRIPLE_FAULT;
    case KVM_EXIT_IRQ_WINDOW_OPEN: return EXIT_REASON_PENDING_INTERRUPT;
    case KVM_EXIT_INTR: return EXIT_REASON_EXTERNAL_INTERRUPT;
    case KVM_EXIT_DEBUG: return translate_debug(vcpu);
    case KVM_EXIT_FAIL_ENTRY:
        VCPU_P(vcpu)->ex.qualification = run->fail_entry.hardware_entry_failure_reason;
        return EXIT_REASON_INVALID_GUEST_STATE | VMX_EXIT_REASONS_FAILED_VMENTRY;
    case KVM_EXIT_INTERNAL_ERROR:
        VCPU_P(vcpu)->ex.qualification = ((uint64_t)run->exit_reason << 16) | run->internal.suberror;
        return VCPUCTX_EXIT_REASON_INTERNAL_ERROR;
    default:
        VCPU_P(vcpu)->ex.qualification = (uint64_t)run->exit_reason << 16;
        return VCPUCTX_EXIT_REASON_INTERNAL_ERROR;
    }
}

/* Exits caused by an instruction: their view needs the instruction decoded from guest memory. */
static uint32_t instruction_reason(uint32_t kvm_reason)
{
    switch (kvm_reason) {
    case KVM_EXIT_IO: return EXIT_REASON_IO_INSTRUCTION;
    case KVM_EXIT_MMIO: return EXIT_REASON_EPT_VIOLATION;
    case KVM_EXIT_HLT: return EXIT_REASON_HLT;
    case KVM_EXIT_X86_RDMSR: return EXIT_REASON_MSR_READ;
    case KVM_EXIT_X86_WRMSR: return EXIT_REASON_MSR_WRITE;
    default: return 0;
    }
}

/* Fill the view from the state at the exit; RIP is shown at the exiting instruction. */
HOT static int compute_view(struct vm_vcpu *vcpu, int run_errno)
{
    uint32_t reason0 = VCPU_P(vcpu)->ex.reason;
    memset(&VCPU_P(vcpu)->ex, 0, sizeof(VCPU_P(vcpu)->ex)); /* only the reason was set at the exit */
    VCPU_P(vcpu)->ex.reason = reason0;
    struct site s = {.vcpu = vcpu, .regs = state_regs(vcpu), .sregs = state_sregs(vcpu)};
    if (!s.regs || !s.sregs)
        return -1;
    s.mode = cpu_code_mode(s.sregs);
    uint32_t reason = run_errno && run_errno != EINTR
                          ? (EXIT_REASON_INVALID_GUEST_STATE | VMX_EXIT_REASONS_FAILED_VMENTRY)
                          : translate_kind(&s);
    if (run_errno && run_errno != EINTR)
        VCPU_P(vcpu)->ex.qualification = (uint64_t)run_errno;
    VCPU_P(vcpu)->ex.reason = reason;
    VCPU_P(vcpu)->ex.io_rcx = s.regs->rcx;
    VCPU_P(vcpu)->ex.io_rsi = s.regs->rsi;
    VCPU_P(vcpu)->ex.io_rdi = s.regs->rdi;
    VCPU_P(vcpu)->pend.kvm_rip = s.regs->rip;
    if (run_errno || !instruction_reason(VCPU_P(vcpu)->run->exit_reason))
        VCPU_P(vcpu)->pend.rip_view = s.regs->rip;
    VCPU_P(vcpu)->ex.io_rip = VCPU_P(vcpu)->pend.rip_view;
    s.regs->rip = VCPU_P(vcpu)->pend.rip_view;
    VCPU_P(vcpu)->pend.view_ready = true;
    return 0;
}

/*
 * The reason is known at once. For instruction exits the rest of the view
 * (decoding, RIP at the instruction) waits until someone reads it: a port
 * handler that completes the exit through the registry never pays for it.
 */
HOT void exit_translate(struct vm_vcpu *vcpu, int run_errno)
{
    memset(&VCPU_P(vcpu)->pend, 0, sizeof(VCPU_P(vcpu)->pend));
    VCPU_P(vcpu)->pend.active = true;
    if (run_errno == EINTR)
        VCPU_P(vcpu)->run->exit_reason = KVM_EXIT_INTR;
    uint32_t reason = run_errno ? 0 : instruction_reason(VCPU_P(vcpu)->run->exit_reason);
    VCPU_P(vcpu)->ex.reason = reason; /* the rest of the view is cleared when it is computed */
    if (reason)
        return;
    if (compute_view(vcpu, run_errno) < 0)
        VCPU_P(vcpu)->ex.reason = VCPUCTX_EXIT_REASON_INTERNAL_ERROR;
}

HOT int exit_view_ensure(struct vm_vcpu *vcpu)
{
    if (!VCPU_P(vcpu)->pend.active || VCPU_P(vcpu)->pend.view_ready)
        return 0;
    return compute_view(vcpu, 0);
}

/*
 * Let KVM finish what it holds pending for the exit (I/O or MMIO data, its own
 * RIP skip) without entering the guest. The regs cache keeps what it held (the
 * handler's state); the events are read first, as they were at the exit.
 */
int exit_complete_in_kvm(struct vm_vcpu *vcpu)
{
    /* Completing moves KVM past the instruction and ends its interrupt shadow: the exit's events are read first. */
    if (!state_events(vcpu))
        return -1;
    struct kvm_regs regs = *VCPU_P(vcpu)->cache.regs;
    VCPU_P(vcpu)->run->kvm_valid_regs = 0; /* KVM must not overwrite the cache (the handler may have written it) */
    VCPU_P(vcpu)->run->kvm_dirty_regs = 0;
    int r = kvm_vcpu_run_immediate(vcpu);
    VCPU_P(vcpu)->pend.completion = false;
    *VCPU_P(vcpu)->cache.regs = regs;
    return r;
}

HOT int exit_advance(struct vm_vcpu *vcpu)
{
    /* What reading VMX_GUEST_RIP and the length and writing their sum does, without the three field accesses. */
    struct kvm_regs *r = exit_view_ensure(vcpu) < 0 ? NULL : state_regs(vcpu);
    if (!r)
        return -1;
    r->rip = (seL4_Word)((seL4_Word)r->rip + VCPU_P(vcpu)->ex.instr_len);
    VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
    return 0;
}

/* Complete in KVM, then: keep, the cache (the handler's state) is applied over KVM's at entry; without, KVM's
   completed state is the truth and the cached registers are dropped. */
static int flush_completion(struct vm_vcpu *vcpu, bool keep)
{
    int r = exit_complete_in_kvm(vcpu);
    VCPU_P(vcpu)->cache.regs_st = keep ? CACHE_DIRTY : CACHE_UNKNOWN;
    return r;
}

/* Put the data an IN or RDMSR handler left in EAX/EDX where KVM completes from. */
HOT static void read_data_from_regs(struct vm_vcpu *vcpu)
{
    struct kvm_run *run = VCPU_P(vcpu)->run;
    if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_IN && run->io.count == 1) {
        uint32_t eax = (uint32_t)VCPU_P(vcpu)->cache.regs->rax;
        memcpy((uint8_t *)run + run->io.data_offset, &eax, run->io.size);
    } else if (run->exit_reason == KVM_EXIT_X86_RDMSR) {
        run->msr.data = (VCPU_P(vcpu)->cache.regs->rdx << 32) | (VCPU_P(vcpu)->cache.regs->rax & 0xffffffffULL);
        run->msr.error = 0;
    }
}

/*
 * Reconcile the handler's RIP with KVM's completion. Advancing RIP by the
 * instruction length means "complete it": KVM's own completion does that, at
 * KVM's RIP, with the data the handler gave (buffer or EAX). Any other RIP
 * means "resume here": KVM's pending work is flushed first so that it cannot
 * move RIP again. explicit: leave nothing pending in KVM (vcpuctx_vcpu_flush).
 */
HOT int exit_reconcile(struct vm_vcpu *vcpu, bool explicit)
{
    struct pending *p = &VCPU_P(vcpu)->pend;
    if (!p->active)
        return 0;
    if (!p->view_ready && p->complete_marked && !explicit && VCPU_P(vcpu)->run->exit_reason == KVM_EXIT_IO) {
        /* Completed through the port registry: KVM finishes the instruction at its own RIP. */
        p->active = false;
        p->completion = true; /* may be pending: no interrupt window is made before KVM_RUN */
        if (p->gpr_set) {
            read_data_from_regs(vcpu);
            VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
        }
        return 0;
    }
    if (exit_view_ensure(vcpu) < 0)
        return -1;
    p->active = false;
    uint64_t final = VCPU_P(vcpu)->cache.regs->rip;
    uint32_t len = VCPU_P(vcpu)->ex.instr_len;
    bool complete = final == p->rip_view + len;
    if (complete && p->gpr_set)
        read_data_from_regs(vcpu);
    bool mmio_read = VCPU_P(vcpu)->run->exit_reason == KVM_EXIT_MMIO && p->read;
    if (p->completion && (!complete || explicit || (p->gpr_set && mmio_read))) {
        bool keep = !complete || p->gpr_set;
        if (flush_completion(vcpu, keep) < 0)
            return -1;
        if (keep)
            VCPU_P(vcpu)->cache.regs->rip = final;
        return 0;
    }
    /* Only where KVM will finish the instruction itself does it need its own RIP back. */
    uint64_t target = complete && p->completion ? p->kvm_rip : final;
    VCPU_P(vcpu)->cache.regs->rip = target;
    if (p->gpr_set || target != p->kvm_rip)
        VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
    else if (VCPU_P(vcpu)->cache.regs_st == CACHE_DIRTY)
        VCPU_P(vcpu)->cache.regs_st = CACHE_VALID;
    return 0;
}
