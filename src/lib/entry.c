/* entry.c: what happens at guest entry: the exit's completion settled, the entry controls applied, the cache pushed. */
#include <string.h>

#include "internal.h"
#include "entry.h"
#include "kvm.h"

/* Turn VMX_CONTROL_ENTRY_INTERRUPTION_INFO into a KVM event; VT-x clears the valid bit at entry. */
static int inject_entry_event(struct vm_vcpu *vcpu)
{
    uint32_t info = VCPU_P(vcpu)->ctl.entry_intr_info;
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
        ev->exception.error_code = VCPU_P(vcpu)->ctl.entry_error;
    }
    VCPU_P(vcpu)->cache.events_st = CACHE_DIRTY;
    VCPU_P(vcpu)->ctl.entry_intr_info = info & ~VMX_INTR_INFO_VALID;
    return 0;
}

/* Monitor trap flag -> single-step; #BP in the exception bitmap -> software breakpoints exit; host breakpoints. */
static int apply_guest_debug(struct vm_vcpu *vcpu)
{
    uint32_t want = 0;
    if (VCPU_P(vcpu)->ctl.primary & VMX_PRIMARY_MONITOR_TRAP_FLAG)
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    if (VCPU_P(vcpu)->ctl.exc_bitmap & (1u << VEC_BP))
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
    if (VCPU_P(vcpu)->dbg.want.dr7)
        want |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
    if (want == VCPU_P(vcpu)->dbg.flags && !VCPU_P(vcpu)->dbg.changed)
        return 0;
    struct kvm_guest_debug dbg;
    memset(&dbg, 0, sizeof(dbg));
    dbg.control = want;
    for (int i = 0; i < 4; i++)
        dbg.arch.debugreg[i] = VCPU_P(vcpu)->dbg.want.dr[i];
    dbg.arch.debugreg[7] = VCPU_P(vcpu)->dbg.want.dr7;
    if (kvm_vcpu_ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
        return -1;
    VCPU_P(vcpu)->dbg.flags = want;
    VCPU_P(vcpu)->dbg.changed = false;
    return 0;
}

/*
 * KVM single-steps from the linear RIP (CS base + RIP) it holds when KVM_SET_GUEST_DEBUG is given, and drops the
 * step when a later KVM_SET_REGS finds another (scripts/exit-facts.c measures it): segment state and registers the
 * VMM changed while stepping go to KVM first, then the guest debug state again.
 */
static int step_from_new_rip(struct vm_vcpu *vcpu)
{
    if (!(VCPU_P(vcpu)->ctl.primary & VMX_PRIMARY_MONITOR_TRAP_FLAG) ||
        (VCPU_P(vcpu)->cache.regs_st != CACHE_DIRTY && VCPU_P(vcpu)->cache.sregs_st != CACHE_DIRTY))
        return 0;
    VCPU_P(vcpu)->dbg.changed = true;
    return state_push_explicit(vcpu, true);
}

/*
 * The entry after an I/O exit that the port registry completed while nothing else changed: no state to write,
 * and no control or breakpoint written since the last whole entry left nothing for the controls to do (settled:
 * no event to inject, no single step, no window). KVM finishes the instruction itself; only what it copies out at
 * the next exit is set. Anything else takes the whole path, entry_prepare.
 */
static bool entry_needs_nothing(const struct vm_vcpu *vcpu)
{
    const struct vcpu_priv *p = VCPU_CP(vcpu);
    return p->pend.active && p->pend.complete_marked && !p->pend.view_ready && p->ctl.settled && !p->pend.gpr_set &&
           p->cache.regs_st != CACHE_DIRTY && p->cache.sregs_st != CACHE_DIRTY && p->cache.events_st != CACHE_DIRTY &&
           p->run->exit_reason == KVM_EXIT_IO;
}

HOT bool entry_quick(struct vm_vcpu *vcpu)
{
    struct vcpu_priv *p = VCPU_P(vcpu);
    if (!entry_needs_nothing(vcpu))
        return false;
    p->pend.active = false;
    p->pend.completion = true; /* may be pending: no interrupt window is made before KVM_RUN */
    p->run->request_interrupt_window = 0;
    p->run->kvm_dirty_regs = 0; /* nothing is dirty */
    p->run->kvm_valid_regs = state_sync_wanted(vcpu);
    return true;
}

/* The controls at entry: an event to inject, single-step and breakpoints, the interrupt window. */
static int apply_controls(struct vm_vcpu *vcpu)
{
    if (inject_entry_event(vcpu) < 0 || step_from_new_rip(vcpu) < 0 || apply_guest_debug(vcpu) < 0)
        return -1;
    VCPU_P(vcpu)->run->request_interrupt_window =
        (VCPU_P(vcpu)->ctl.primary & VMX_PRIMARY_INTERRUPT_WINDOW_EXITING) ? 1 : 0;
    return 0;
}

HOT int entry_prepare(struct vm_vcpu *vcpu, bool explicit_ioctls)
{
    /* Settled (only ever on the SYNC_REGS path): what apply_controls would do is already done. */
    bool settled = VCPU_P(vcpu)->ctl.settled && !explicit_ioctls;
    if (exit_reconcile(vcpu, explicit_ioctls) < 0 || (!settled && apply_controls(vcpu) < 0))
        return -1;
    if (explicit_ioctls || !VCPU_P(vcpu)->cache.sync)
        return state_push_explicit(vcpu, false);
    state_push_sync(vcpu);
    /* Until a control or breakpoint is written again, entries need nothing of them (entry_quick, and above). */
    VCPU_P(vcpu)->ctl.settled =
        !(VCPU_P(vcpu)->ctl.primary & (VMX_PRIMARY_MONITOR_TRAP_FLAG | VMX_PRIMARY_INTERRUPT_WINDOW_EXITING)) &&
        !VCPU_P(vcpu)->cache.keep_entry;
    return 0;
}
