/* internal.h: the roots that tie libvcpuctx's parts together: a VM's and a vCPU's private state, each part
   defined in the header of the file that owns it. */
#ifndef VCPUCTX_INTERNAL_H
#define VCPUCTX_INTERNAL_H

#include "common.h"
#include "cpuid.h"
#include "debug.h"
#include "entry.h"
#include "exit.h"
#include "exit_site.h"
#include "ioports.h"
#include "irq.h"
#include "memory.h"
#include "ram.h"
#include "state.h"
#include "vcpus.h"
#include "vmrun.h"

#pragma GCC visibility push(hidden)

/* A vCPU's private state: struct vm_vcpu's vcpuctx_private (VCPU_P). What every exit touches comes first. */
struct vcpu_priv {
    int fd;              /* kvm.c: the vCPU's KVM file */
    struct kvm_run *run; /* kvm.c: its shared run structure */
    size_t run_size;
    struct state_cache cache; /* state.c */
    struct pending pend;      /* exit.c: what KVM holds pending for the exit */
    struct exit_view ex;      /* exit.c: the exit's VT-x view */
    struct controls ctl;      /* entry.c */
    struct debug_state dbg;   /* debug.c, given to KVM by entry.c */
    struct vcpuctx_stats stats;
    struct vcpu_thread thr; /* vcpus.c */
    /* Last, apart from what every exit touches: */
    struct site_memos site;   /* exit_site.c */
    struct state_store store; /* state.c */
};

/* A VM's private state: struct vm's vcpuctx_private (VM_P). */
struct vm_priv {
    int kvm_fd;                   /* kvm.c: /dev/kvm */
    int fd;                       /* kvm.c: the VM's KVM file */
    uint64_t mem_gen;             /* kvm.c: memory slots changed (bumped at each change) */
    bool payload;                 /* vm.c: KVM_CAP_EXCEPTION_PAYLOAD enabled */
    struct run_loop loop;         /* vmrun.c, vcpus.c */
    struct ioport_registry ports; /* ioports.c */
    struct guest_memory ram;      /* ram.c, vm.c (ROMs), claims.c */
    struct irq_lines irqs;        /* irq.c */
    struct memory_registry mmio;  /* memory.c */
    struct cpu_model cpu;         /* cpuid.c */
};

/* The private state behind the public members: allocated with them, in the flexible array the public header ends
   each struct with. */
_Static_assert(_Alignof(struct vm_priv) <= 16 && _Alignof(struct vcpu_priv) <= 16, "vcpuctx_private's alignment");
#define VM_P(vm)      ((struct vm_priv *)(void *)(vm)->vcpuctx_private)
#define VCPU_P(vcpu)  ((struct vcpu_priv *)(void *)(vcpu)->vcpuctx_private)
#define VM_CP(vm)     ((const struct vm_priv *)(const void *)(vm)->vcpuctx_private)
#define VCPU_CP(vcpu) ((const struct vcpu_priv *)(const void *)(vcpu)->vcpuctx_private)

#pragma GCC visibility pop

#endif /* VCPUCTX_INTERNAL_H */
