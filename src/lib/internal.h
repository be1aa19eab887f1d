/* internal.h: the roots that tie libvcpuctx's parts together: a VM's and a vCPU's private state, each part
   defined in the header of the file that owns it. */
#ifndef VCPUCTX_INTERNAL_H
#define VCPUCTX_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "common.h"
#include "debug.h"
#include "entry.h"
#include "exit.h"
#include "exit_site.h"
#include "state.h"
#include "vcpus.h"

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

/* The exit-handler table's slot for a basic reason (VCPUCTX_EXIT_REASON_INTERNAL_ERROR the last), or -1 when out
   of range. Inline: every exit asks it. */
#define EXIT_SLOTS (VM_EXIT_REASON_NUM + 1) /* the last slot: internal error */
static inline int exit_reason_slot(unsigned int reason)
{
    if (reason < VM_EXIT_REASON_NUM)
        return (int)reason;
    return reason == VCPUCTX_EXIT_REASON_INTERNAL_ERROR ? VM_EXIT_REASON_NUM : -1;
}

struct exit_slot {
    vcpuctx_exit_handler_fn fn;
    void *cookie;
};

struct rom {
    uint64_t gpa;
    uint8_t *host;
    size_t size;
};

#include "ram.h"

struct irq_ack;               /* irq.c */
struct vm_memory_reservation; /* memory.c */
struct anon_region;           /* memory.c */

/* A VM's private state: struct vm's vcpuctx_private (VM_P). */
struct vm_priv {
    int kvm_fd;
    struct rom roms[VCPUCTX_MAX_ROMS];
    int nroms;
    struct ram_block blocks[RAM_BLOCKS]; /* ram.c */
    int nblocks;
    int mem_cap;                             /* room in mem.ram_regions */
    uint64_t mem_gen;                        /* kvm.c: memory slots changed (bumped at each change) */
    struct irq_ack *acks[VCPUCTX_IRQ_LINES]; /* irq.c: vm_register_irq's callbacks */
    int nacks;
    int fd;
    uint8_t *ram;
    size_t ram_size;
    vm_io_port_list_t ioports; /* upstream's list: sorted by start, no overlaps */
    int ports_cap;
    unsigned port_hint; /* ioports.c: the index of the range last found */
    unhandled_ioport_callback_fn unhandled_cb;
    void *unhandled_cookie;
    struct exit_slot exits[EXIT_SLOTS];
    struct exit_slot observer;
    atomic_bool stop;
    int stop_code;
    int run_status;                             /* enum vcpuctx_run_status of the last vm_run */
    int run_errno;                              /* its errno, for VCPUCTX_RUN_FAILED */
    bool ended;                                 /* the run's end is recorded (the first vCPU to end it) */
    struct vm_vcpu *ended_by;                   /* the vCPU whose exit ended it */
    bool threaded;                              /* vm_run runs several vCPUs, one thread each (vcpus.c) */
    pthread_mutex_t lock;                       /* with threaded: held while an exit is observed and handled */
    pthread_mutex_t kick_lock;                  /* the vCPUs' threaded flags, and signals sent on them */
    bool payload;                               /* KVM_CAP_EXCEPTION_PAYLOAD enabled */
    bool irqchip;                               /* in-kernel PIC/IOAPIC/LAPIC and PIT */
    struct kvm_cpuid2 *cpuid;                   /* cpuid.c: the CPU model's list every vCPU is given */
    char *cpu_spec;                             /* the model vcpuctx_vm_set_cpu chose (NULL: "host") */
    struct vm_memory_reservation *reservations; /* memory.c */
    struct anon_region *anon;                   /* memory.c: vm_memory_make_anon's regions */
    unhandled_mem_fault_callback_fn mem_unhandled;
    void *mem_unhandled_cookie;
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
