/* state.c: the per-exit cache of KVM regs, sregs and events: read on demand, written back at entry. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "kvm.h"
#include "state.h"

#define SYNC_ALL (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

HOT struct kvm_regs *state_regs(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->cache.used |= KVM_SYNC_X86_REGS;
    if (VCPU_P(vcpu)->cache.regs_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_REGS, VCPU_P(vcpu)->cache.regs) < 0)
            return NULL;
        VCPU_P(vcpu)->cache.regs_st = CACHE_VALID;
    }
    return VCPU_P(vcpu)->cache.regs;
}

/*
 * CS in real mode, one way on every host. A real-mode far jump leaves the descriptor cache's code type on a
 * processor (CS keeps 0xB from reset), but KVM's instruction emulator and Bochs's VT-x load the data type 3
 * (measured under the intel tier). The type has no effect in real mode; the code type is shown, as KVM read it
 * otherwise (not marked dirty: KVM keeps its own until something else is written).
 */
static void real_mode_cs(struct kvm_sregs *s)
{
    if (!(s->cr0 & CR0_PE) && s->cs.s && !(s->cs.type & 8))
        s->cs.type |= 8;
}

HOT struct kvm_sregs *state_sregs(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->cache.used |= KVM_SYNC_X86_SREGS;
    if (VCPU_P(vcpu)->cache.sregs_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_SREGS, VCPU_P(vcpu)->cache.sregs) < 0)
            return NULL;
        real_mode_cs(VCPU_P(vcpu)->cache.sregs);
        VCPU_P(vcpu)->cache.sregs_st = CACHE_VALID;
    }
    return VCPU_P(vcpu)->cache.sregs;
}

HOT struct kvm_vcpu_events *state_events(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->cache.used |= KVM_SYNC_X86_EVENTS;
    if (VCPU_P(vcpu)->cache.events_st == CACHE_UNKNOWN) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_VCPU_EVENTS, VCPU_P(vcpu)->cache.events) < 0)
            return NULL;
        VCPU_P(vcpu)->cache.events_st = CACHE_VALID;
    }
    return VCPU_P(vcpu)->cache.events;
}

/* Flags that make KVM_SET_VCPU_EVENTS apply what the cache holds. */
static void events_flags(struct vm_vcpu *vcpu)
{
    uint32_t f = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
    if (VM_P(vcpu->vm)->payload)
        f |= KVM_VCPUEVENT_VALID_PAYLOAD;
    VCPU_P(vcpu)->cache.events->flags = f;
}

/* Write the dirty parts of the cache with explicit ioctls: segment state before registers (entry.c's
   step_from_new_rip says why), then events. only_cpu: segment state and registers alone. */
int state_push_explicit(struct vm_vcpu *vcpu, bool only_cpu)
{
    if (VCPU_P(vcpu)->cache.events_st == CACHE_DIRTY)
        events_flags(vcpu);
    struct {
        enum cache_state *st;
        unsigned long req;
        void *data;
    } parts[3] = {{&VCPU_P(vcpu)->cache.sregs_st, KVM_SET_SREGS, VCPU_P(vcpu)->cache.sregs},
                  {&VCPU_P(vcpu)->cache.regs_st, KVM_SET_REGS, VCPU_P(vcpu)->cache.regs},
                  {&VCPU_P(vcpu)->cache.events_st, KVM_SET_VCPU_EVENTS, VCPU_P(vcpu)->cache.events}};
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

/* In next_need: a transition from that slot was seen (beside the KVM_SYNC_X86_* bits). */
#define NEED_LEARNED 0x80u

/* The table slot of the exit just handled (0 before the first); reasons beyond the table share the last. */
static uint8_t reason_slot(const struct vm_vcpu *vcpu)
{
    int slot = exit_reason_slot(VCPU_CP(vcpu)->ex.reason & 0xffff);
    return (uint8_t)(slot < 0 ? VM_EXIT_REASON_NUM : slot);
}

/*
 * What KVM should copy out at the coming exit: what was read at the exits that followed one of the last exit's
 * reason (learned here from what the handling of the last exit read), everything until that is known. A part
 * not copied is read with its ioctl if someone asks (state_regs and the rest), and the need is learned; masks
 * only grow, so a loop settles at one KVM_RUN per exit and the parts its handlers read.
 */
HOT uint8_t state_sync_wanted(struct vm_vcpu *vcpu)
{
    struct vcpu_priv *p = VCPU_P(vcpu);
    uint8_t prev = p->cache.prev_slot, now = reason_slot(vcpu);
    p->cache.next_need[prev] =
        (uint8_t)(((p->cache.next_need[prev] & NEED_LEARNED) ? p->cache.next_need[prev] : NEED_LEARNED) |
                  p->cache.used);
    p->cache.prev_slot = now;
    p->cache.used = 0;
    return (p->cache.next_need[now] & NEED_LEARNED) ? p->cache.next_need[now] & SYNC_ALL : SYNC_ALL;
}

/* Mark the dirty parts for KVM_RUN to load from run->s.regs. */
HOT void state_push_sync(struct vm_vcpu *vcpu)
{
    uint64_t dirty = 0;
    if (VCPU_P(vcpu)->cache.regs_st == CACHE_DIRTY)
        dirty |= KVM_SYNC_X86_REGS;
    if (VCPU_P(vcpu)->cache.sregs_st == CACHE_DIRTY)
        dirty |= KVM_SYNC_X86_SREGS;
    if (VCPU_P(vcpu)->cache.events_st == CACHE_DIRTY) {
        events_flags(vcpu);
        dirty |= KVM_SYNC_X86_EVENTS;
    }
    VCPU_P(vcpu)->run->kvm_dirty_regs = dirty;
    VCPU_P(vcpu)->run->kvm_valid_regs = state_sync_wanted(vcpu);
}

HOT void state_after_exit(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->cache.shadow_hint = 0; /* the guest ran: KVM's shadow is the truth */
    uint64_t valid = VCPU_P(vcpu)->cache.sync ? VCPU_P(vcpu)->run->kvm_valid_regs : 0;
    VCPU_P(vcpu)->run->kvm_dirty_regs = 0;
    VCPU_P(vcpu)->cache.regs_st = (valid & KVM_SYNC_X86_REGS) ? CACHE_VALID : CACHE_UNKNOWN;
    VCPU_P(vcpu)->cache.sregs_st = (valid & KVM_SYNC_X86_SREGS) ? CACHE_VALID : CACHE_UNKNOWN;
    VCPU_P(vcpu)->cache.events_st = (valid & KVM_SYNC_X86_EVENTS) ? CACHE_VALID : CACHE_UNKNOWN;
    if (valid & KVM_SYNC_X86_SREGS)
        real_mode_cs(VCPU_P(vcpu)->cache.sregs);
}
