/* state.h: state.c, the vCPU's regs/sregs/events cache over KVM (in run->s.regs with KVM_CAP_SYNC_REGS, else
   copies of its own filled by KVM_GET_* ioctls). */
#ifndef VCPUCTX_STATE_H
#define VCPUCTX_STATE_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* State of one cached piece of KVM state (regs, sregs, events). */
enum cache_state { CACHE_UNKNOWN = 0, CACHE_VALID, CACHE_DIRTY };

/* A vCPU's cache: what each piece holds, where it lives, and what KVM copies out at an exit (kvm_valid_regs),
   learned per transition: after an exit of reason R, next_need[R] is what the handling of the exits that
   followed R has read (KVM_SYNC_X86_* bits), with NEED_LEARNED once such a transition was seen. */
struct state_cache {
    bool sync; /* KVM_CAP_SYNC_REGS usable: the cache lives in run->s.regs */
    enum cache_state regs_st, sregs_st, events_st;
    uint8_t used;                              /* parts read since the last exit */
    uint8_t prev_slot;                         /* the reason slot of the exit before the last */
    uint8_t next_need[VM_EXIT_REASON_NUM + 1]; /* per table slot (the last also for reasons beyond the table) */
    struct kvm_regs *regs;
    struct kvm_sregs *sregs;
    struct kvm_vcpu_events *events;
    uint8_t shadow_hint; /* the interrupt shadow last written (1 STI, 2 MOV SS), for hosts with one kind */
    bool keep_entry;     /* vcpuctx_vcpu_keep_entry_state: the state at each entry is kept (context.c) */
    bool from_entry;     /* the fields show the kept entry state (the host reset the vCPU) */
};

/* The cache's own storage without SYNC_REGS, and the state kept at the last entry: apart from what every exit
   touches. */
struct state_store {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_vcpu_events events;
    struct kvm_regs entry_regs; /* the state at the last entry, while keep_entry */
    struct kvm_sregs entry_sregs;
};

/* Each returns NULL/-1 with errno. */
struct kvm_regs *state_regs(struct vm_vcpu *vcpu);
struct kvm_sregs *state_sregs(struct vm_vcpu *vcpu);
struct kvm_vcpu_events *state_events(struct vm_vcpu *vcpu);
/* Write the dirty parts with KVM_SET_* ioctls (only_cpu: sregs and regs, not events); -1 drops a refused part. */
int state_push_explicit(struct vm_vcpu *vcpu, bool only_cpu);
/* Mark the dirty parts for KVM_RUN to load from run->s.regs (KVM_CAP_SYNC_REGS), and what it copies out. */
void state_push_sync(struct vm_vcpu *vcpu);
/* What KVM should copy out at the coming exit (kvm_valid_regs), learned from what the handlers read. */
uint8_t state_sync_wanted(struct vm_vcpu *vcpu);
/* After KVM_RUN: the cache is KVM's new state (SYNC_REGS) or unknown. */
void state_after_exit(struct vm_vcpu *vcpu);

#pragma GCC visibility pop

#endif /* VCPUCTX_STATE_H */
