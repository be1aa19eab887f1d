/* debug.h: debug.c's part of a vCPU: the host breakpoints and single-stepping asked for (vcpuctx_vcpu_set_*),
   which entry.c gives KVM (KVM_SET_GUEST_DEBUG). */
#ifndef VCPUCTX_DEBUG_H
#define VCPUCTX_DEBUG_H

#include "common.h"

/* Host debug registers for KVM_SET_GUEST_DEBUG (dr7 0: none). */
struct hw_debug {
    uint64_t dr[4];
    uint64_t dr7;
};

struct debug_state {
    uint32_t flags;       /* KVM_GUESTDBG_* flags in force */
    struct hw_debug want; /* host breakpoints asked for */
    bool changed;         /* KVM_SET_GUEST_DEBUG to be given again (new breakpoints, a step from a new RIP) */
};

#endif /* VCPUCTX_DEBUG_H */
