/* state.c: the per-exit cache of KVM regs, sregs and events, and what happens at guest entry. */
#include <errno.h>
#include <string.h>

#include "internal.h"

#define SYNC_ALL (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

struct kvm_regs *state_regs(struct vm_vcpu *vcpu)
{
    if (vcpu->regs_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_REGS, vcpu->regs) < 0)
            return NULL;
        vcpu->regs_st = CACHE_VALID;
    }
    return vcpu->regs;
}

struct kvm_sregs *state_sregs(struct vm_vcpu *vcpu)
{
    if (vcpu->sregs_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_SREGS, vcpu->sregs) < 0)
            return NULL;
        vcpu->sregs_st = CACHE_VALID;
    }
    return vcpu->sregs;
}

struct kvm_vcpu_events *state_events(struct vm_vcpu *vcpu)
{
    if (vcpu->events_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_VCPU_EVENTS, vcpu->events) < 0)
            return NULL;
        vcpu->events_st = CACHE_VALID;
    }
    return vcpu->events;
}

/* Flags that make KVM_SET_VCPU_EVENTS apply what the cache holds. */
static void events_flags(struct vm_vcpu *vcpu)
{
    uint32_t f = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
    if (vcpu->vm->payload)
        f |= KVM_VCPUEVENT_VALID_PAYLOAD;
    vcpu->events->flags = f;
}

/*
 * Let KVM finish what it holds pending for the exit (I/O or MMIO data, its own
 * RIP skip) without entering the guest. With keep, the cache (the handler's
 * state) is put back to be applied over KVM's; without, KVM's completed state
 * is the truth and the cache is dropped.
 */
int state_complete_in_kvm(struct vm_vcpu *vcpu)
{
    /* Completing moves KVM past the instruction and ends its interrupt shadow: the exit's events are read first. */
    if (!state_events(vcpu))
        return -1;
    struct kvm_regs regs = *vcpu->regs;
    vcpu->run->kvm_valid_regs = 0; /* KVM must not overwrite the cache (the handler may have written it) */
    vcpu->run->kvm_dirty_regs = 0;
    int r = kvm_vcpu_run_immediate(vcpu);
    vcpu->pend.completion = false;
    *vcpu->regs = regs;
    return r;
}

static int flush_completion(struct vm_vcpu *vcpu, bool keep)
{
    int r = state_complete_in_kvm(vcpu);
    vcpu->regs_st = keep ? CACHE_DIRTY : CACHE_UNKNOWN;
    return r;
}

/* Put the data an IN or RDMSR handler left in EAX/EDX where KVM completes from. */
static void read_data_from_regs(struct vm_vcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_IN && run->io.count == 1) {
        uint32_t eax = (uint32_t)vcpu->regs->rax;
        memcpy((uint8_t *)run + run->io.data_offset, &eax, run->io.size);
    } else if (run->exit_reason == KVM_EXIT_X86_RDMSR) {
        run->msr.data = (vcpu->regs->rdx << 32) | (vcpu->regs->rax & 0xffffffffULL);
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
static int reconcile_exit(struct vm_vcpu *vcpu, bool explicit)
{
    struct pending *p = &vcpu->pend;
    if (!p->active)
        return 0;
    if (!p->view_ready && p->complete_marked && !explicit && vcpu->run->exit_reason == KVM_EXIT_IO) {
        /* Completed through the port registry: KVM finishes the instruction at its own RIP. */
        p->active = false;
        p->completion = true; /* may be pending: no interrupt window is made before KVM_RUN */
        if (p->gpr_set) {
            read_data_from_regs(vcpu);
            vcpu->regs_st = CACHE_DIRTY;
        }
        return 0;
    }
    if (exit_view_ensure(vcpu) < 0)
        return -1;
    p->active = false;
    uint64_t final = vcpu->regs->rip;
    uint32_t len = vcpu->ex.instr_len;
    bool complete = final == p->rip_view + len;
    if (complete && p->gpr_set)
        read_data_from_regs(vcpu);
    bool mmio_read = vcpu->run->exit_reason == KVM_EXIT_MMIO && p->read;
    if (p->completion && (!complete || explicit || (p->gpr_set && mmio_read))) {
        bool keep = !complete || p->gpr_set;
        if (flush_completion(vcpu, keep) < 0)
            return -1;
        if (keep)
            vcpu->regs->rip = final;
        return 0;
    }
    /* Only where KVM will finish the instruction itself does it need its own RIP back. */
    uint64_t target = complete && p->completion ? p->kvm_rip : final;
    vcpu->regs->rip = target;
    if (p->gpr_set || target != p->kvm_rip)
        vcpu->regs_st = CACHE_DIRTY;
    else if (vcpu->regs_st == CACHE_DIRTY)
        vcpu->regs_st = CACHE_VALID;
    return 0;
}

/* Turn VMX_CONTROL_ENTRY_INTERRUPTION_INFO into a KVM event; VT-x clears the valid bit at entry. */
static int inject_entry_event(struct vm_vcpu *vcpu)
{
    uint32_t info = vcpu->ctl.entry_intr_info;
    if (!(info & VMX_INTR_INFO_VALID))
        return 0;
    struct kvm_vcpu_events *ev = state_events(vcpu);
    if (!ev)
        return -1;
    uint8_t vec = info & VMX_INTR_INFO_VECTOR_MASK;
    unsigned type = (info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT;
    if (type == VMX_INTR_TYPE_NMI) {
        ev->nmi.injected = 1;
    } else if (type == VMX_INTR_TYPE_EXTERNAL || type == VMX_INTR_TYPE_SW_INTERRUPT) {
        ev->interrupt.injected = 1;
        ev->interrupt.nr = vec;
        ev->interrupt.soft = type == VMX_INTR_TYPE_SW_INTERRUPT;
    } else {
        ev->exception.injected = 1;
        ev->exception.pending = 0;
        ev->exception.nr = vec;
        ev->exception.has_error_code = (info & VMX_INTR_INFO_ERROR_CODE_VALID) ? 1 : 0;
        ev->exception.error_code = vcpu->ctl.entry_error;
    }
    vcpu->events_st = CACHE_DIRTY;
    vcpu->ctl.entry_intr_info = info & ~VMX_INTR_INFO_VALID;
    return 0;
}

/* Write the dirty parts of the cache with explicit ioctls: segment state before registers (see step_from_new_rip),
   then events. only_cpu: segment state and registers alone. */
static int push_explicit(struct vm_vcpu *vcpu, bool only_cpu)
{
    if (vcpu->events_st == CACHE_DIRTY)
        events_flags(vcpu);
    struct {
        enum cache_state *st;
        unsigned long req;
        void *data;
    } parts[3] = {{&vcpu->sregs_st, KVM_SET_SREGS, vcpu->sregs},
                  {&vcpu->regs_st, KVM_SET_REGS, vcpu->regs},
                  {&vcpu->events_st, KVM_SET_VCPU_EVENTS, vcpu->events}};
    for (int i = 0; i < (only_cpu ? 2 : 3); i++) {
        if (*parts[i].st != CACHE_DIRTY)
            continue;
        /* A refused piece is dropped: reads show KVM's unchanged state again. */
        int r = kvm_vcpu_ioctl(vcpu, parts[i].req, parts[i].data);
        *parts[i].st = r < 0 ? CACHE_UNKNOWN : CACHE_VALID;
        if (r < 0)
            return -1;
    }
    return 0;
}

/* Mark the dirty parts for KVM_RUN to load from run->s.regs. */
static void push_sync(struct vm_vcpu *vcpu)
{
    uint64_t dirty = 0;
    if (vcpu->regs_st == CACHE_DIRTY)
        dirty |= KVM_SYNC_X86_REGS;
    if (vcpu->sregs_st == CACHE_DIRTY)
        dirty |= KVM_SYNC_X86_SREGS;
    if (vcpu->events_st == CACHE_DIRTY) {
        events_flags(vcpu);
        dirty |= KVM_SYNC_X86_EVENTS;
    }
    vcpu->run->kvm_dirty_regs = dirty;
    vcpu->run->kvm_valid_regs = SYNC_ALL;
}

/* Monitor trap flag -> single-step; #BP in the exception bitmap -> software breakpoints exit; host breakpoints. */
static int apply_guest_debug(struct vm_vcpu *vcpu)
{
    uint32_t want = 0;
    if (vcpu->ctl.primary & VMX_PRIMARY_MONITOR_TRAP_FLAG)
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    if (vcpu->ctl.exc_bitmap & (1u << 3))
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
    if (vcpu->bp_want.dr7)
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
    if (want == vcpu->guest_debug && !vcpu->bp_changed)
        return 0;
    struct kvm_guest_debug dbg;
    memset(&dbg, 0, sizeof(dbg));
    dbg.control = want;
    for (int i = 0; i < 4; i++)
        dbg.arch.debugreg[i] = vcpu->bp_want.dr[i];
    dbg.arch.debugreg[7] = vcpu->bp_want.dr7;
    if (kvm_vcpu_ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
        return -1;
    vcpu->guest_debug = want;
    vcpu->bp_changed = false;
    return 0;
}

/*
 * KVM single-steps from the linear RIP (CS base + RIP) it holds when KVM_SET_GUEST_DEBUG is given, and drops the
 * step when a later KVM_SET_REGS finds another (scripts/exit-facts.c measures it): segment state and registers the
 * VMM changed while stepping go to KVM first, then the guest debug state again.
 */
static int step_from_new_rip(struct vm_vcpu *vcpu)
{
    if (!(vcpu->ctl.primary & VMX_PRIMARY_MONITOR_TRAP_FLAG) ||
        (vcpu->regs_st != CACHE_DIRTY && vcpu->sregs_st != CACHE_DIRTY))
        return 0;
    vcpu->bp_changed = true;
    return push_explicit(vcpu, true);
}

int state_prepare_entry(struct vm_vcpu *vcpu, bool explicit_ioctls)
{
    if (reconcile_exit(vcpu, explicit_ioctls) < 0 || inject_entry_event(vcpu) < 0)
        return -1;
    if (step_from_new_rip(vcpu) < 0 || apply_guest_debug(vcpu) < 0)
        return -1;
    vcpu->run->request_interrupt_window = (vcpu->ctl.primary & VMX_PRIMARY_INTERRUPT_WINDOW_EXITING) ? 1 : 0;
    if (explicit_ioctls || !vcpu->sync)
        return push_explicit(vcpu, false);
    push_sync(vcpu);
    return 0;
}

void state_after_exit(struct vm_vcpu *vcpu)
{
    vcpu->shadow_hint = 0; /* the guest ran: KVM's shadow is the truth */
    enum cache_state st = vcpu->sync ? CACHE_VALID : CACHE_UNKNOWN;
    vcpu->run->kvm_dirty_regs = 0;
    vcpu->regs_st = st;
    vcpu->sregs_st = st;
    vcpu->events_st = st;
}
