/* context.h: context.c, vcpuctx_vcpu_run's halves around KVM_RUN, and one entry and exit inline for the loops. */
#ifndef VCPUCTX_CONTEXT_H
#define VCPUCTX_CONTEXT_H

#include "entry.h"
#include "kvm.h"

#pragma GCC visibility push(hidden)

/* Before KVM_RUN the whole way: VCPU_ENTER to run, VCPU_REFUSED for state KVM refused (*err EINVAL: a VM-entry
   failure), else an exit made without entering (its reason) or -1. After it (r, e: KVM_RUN's result and errno):
   the exit's reason as vcpuctx_vcpu_run returns it. */
#define VCPU_ENTER   (-2)
#define VCPU_REFUSED (-3)
int vcpu_enter(struct vm_vcpu *vcpu, int *err);
int vcpu_exited(struct vm_vcpu *vcpu, int r, int e);

/* KVM_RUN once the entry is made, and the exit it gives (vcpu_exited). */
static inline int vcpu_run_entered(struct vm_vcpu *vcpu)
{
    int r = kvm_vcpu_run(vcpu);
    int e = r < 0 ? errno : 0;
    VCPU_P(vcpu)->run->immediate_exit = 0; /* a kick is consumed by the exit it caused */
    return vcpu_exited(vcpu, r, e);
}

/* One entry and exit: vcpuctx_vcpu_run, inline in the loops that call it (kvm_vcpu_run says why). */
static inline int vcpu_run_once(struct vm_vcpu *vcpu)
{
    if (!entry_quick(vcpu)) {
        int e = 0, v = vcpu_enter(vcpu, &e);
        /* State KVM refuses (EINVAL) is a VM-entry failure, whether it is refused at entry or by KVM_RUN. */
        if (v == VCPU_REFUSED)
            return vcpu_exited(vcpu, -1, e);
        if (v != VCPU_ENTER)
            return v;
    }
    return vcpu_run_entered(vcpu);
}

#pragma GCC visibility pop

#endif /* VCPUCTX_CONTEXT_H */
