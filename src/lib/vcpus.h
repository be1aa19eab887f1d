/* vcpus.h: vcpus.c, vm_run's threads: one per runnable vCPU, kicked out of KVM_RUN by vcpuctx_kick_signal(). */
#ifndef VCPUCTX_VCPUS_H
#define VCPUCTX_VCPUS_H

#include <pthread.h>
#include <stdatomic.h>

#include "common.h"

#pragma GCC visibility push(hidden)

/* A vCPU's thread in a vm_run of several vCPUs. */
struct vcpu_thread {
    pthread_t thread;    /* the thread running it */
    bool threaded;       /* thread is valid: kicks signal it (under the VM's kick_lock) */
    atomic_bool at_lock; /* its thread is out of KVM_RUN, waiting for (or holding) the VM's lock (vmrun.c) */
};

/* Run loop on vcpus[0] in the caller and on every other runnable vCPU in a thread of its own; returns when every
   loop has returned. Kick one vCPU's thread (from a signal handler: only when it is not busy), or all but the
   caller's; take a kick the caller's thread has pending; hold every other vCPU out of the guest. */
int vcpus_run(struct vm *vm, void (*loop)(struct vm_vcpu *));
void vcpus_kick(struct vm_vcpu *vcpu);
void vcpus_kick_all(struct vm *vm);
void vcpus_drain_kick(void);
int vcpus_hold_others(struct vm *vm);
/* Whether vm_run runs v, a vCPU beyond the boot one: with the irqchip all (KVM holds each until its SIPI), else
   those started (vcpu_start). */
bool vcpus_runnable(const struct vm *vm, const struct vm_vcpu *v);

#pragma GCC visibility pop

#endif /* VCPUCTX_VCPUS_H */
