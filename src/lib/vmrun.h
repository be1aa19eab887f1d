/* vmrun.h: vmrun.c, the VMM loop (vm_run): the exit-handler table, how a run ends, and the lock that threads of
   several vCPUs take to handle an exit (with vcpus.c). */
#ifndef VCPUCTX_VMRUN_H
#define VCPUCTX_VMRUN_H

#include <pthread.h>
#include <stdatomic.h>

#include "common.h"

#pragma GCC visibility push(hidden)

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

/* A VM's loop: its handlers, and how its run ends. */
struct run_loop {
    struct exit_slot exits[EXIT_SLOTS];
    struct exit_slot observer;
    atomic_bool stop;
    int stop_code;
    int status;                /* enum vcpuctx_run_status of the last vm_run */
    int error;                 /* its errno, for VCPUCTX_RUN_FAILED */
    bool ended;                /* the run's end is recorded (the first vCPU to end it) */
    struct vm_vcpu *ended_by;  /* the vCPU whose exit ended it */
    bool threaded;             /* vm_run runs several vCPUs, one thread each (vcpus.c) */
    pthread_mutex_t lock;      /* with threaded: held while an exit is observed and handled */
    pthread_mutex_t kick_lock; /* the vCPUs' threaded flags, and signals sent on them */
};

#pragma GCC visibility pop

#endif /* VCPUCTX_VMRUN_H */
