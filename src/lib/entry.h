/* entry.h: entry.c, before each KVM_RUN (or vcpuctx_vcpu_flush): settle the exit, inject the entry event, apply
   the VMCS controls and the debug state, push the cache. */
#ifndef VCPUCTX_ENTRY_H
#define VCPUCTX_ENTRY_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* VMCS controls with no state in KVM, or wired to KVM at entry. */
struct controls {
    uint32_t pin, primary, secondary, exit_ctl, entry_ctl, exc_bitmap;
    uint32_t entry_intr_info, entry_error, entry_instr_len, tpr_threshold;
    uint32_t preempt_timer, smbase;
    uint64_t cr0_mask, cr4_mask, cr0_shadow, cr4_shadow, perf_global_ctrl;
    bool settled; /* they need nothing at entry; a field or breakpoint write clears it */
};

/* explicit_ioctls: with KVM_SET_* ioctls, not through SYNC_REGS. */
int entry_prepare(struct vm_vcpu *vcpu, bool explicit_ioctls);
/* The entry after an exit the port registry completed with nothing else changed (nothing written, no control or
   breakpoint written since the last whole entry, which left the controls nothing to do): done if true (no ioctl,
   no failure); false: nothing done, entry_prepare's turn. */
bool entry_quick(struct vm_vcpu *vcpu);

#pragma GCC visibility pop

#endif /* VCPUCTX_ENTRY_H */
