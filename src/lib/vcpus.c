/* vcpus.c: vm_run's vCPU threads, one for each vCPU beyond the boot one, and the signal that kicks them. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "kvm.h"
#include "vcpus.h"

int vcpuctx_kick_signal(void)
{
    return SIGRTMIN + 2;
}

static void kick_set(sigset_t *s)
{
    sigemptyset(s);
    sigaddset(s, vcpuctx_kick_signal());
}

/* Signal a vCPU's thread; the caller holds kick_lock. The signal is blocked outside KVM_RUN, so one sent while
   the thread is in the VMM stays pending and ends its next KVM_RUN at once: no kick is lost. */
static void kick_locked(struct vm_vcpu *vcpu)
{
    if (VCPU_P(vcpu)->thr.threaded && !pthread_equal(VCPU_P(vcpu)->thr.thread, pthread_self()))
        pthread_kill(VCPU_P(vcpu)->thr.thread, vcpuctx_kick_signal());
}

void vcpus_kick(struct vm_vcpu *vcpu)
{
    struct vm_priv *p = VM_P(vcpu->vm);
    if (!p->loop.threaded || pthread_mutex_trylock(&p->loop.kick_lock) != 0)
        return; /* busy: a kick is being sent now (perhaps by the code this signal handler interrupted) */
    kick_locked(vcpu);
    pthread_mutex_unlock(&p->loop.kick_lock);
}

void vcpus_kick_all(struct vm *vm)
{
    struct vm_priv *p = VM_P(vm);
    pthread_mutex_lock(&p->loop.kick_lock);
    for (unsigned int i = 0; i < vm->num_vcpus; i++) {
        VCPU_P(vm->vcpus[i])->run->immediate_exit = 1;
        kick_locked(vm->vcpus[i]);
    }
    pthread_mutex_unlock(&p->loop.kick_lock);
}

/* Whether every vCPU thread but the caller's is out of KVM_RUN and at the VM's lock. */
static bool others_at_lock(struct vm *vm)
{
    bool all = true;
    pthread_mutex_lock(&VM_P(vm)->loop.kick_lock);
    for (unsigned int i = 0; i < vm->num_vcpus && all; i++) {
        struct vcpu_priv *v = VCPU_P(vm->vcpus[i]);
        if (v->thr.threaded && !pthread_equal(v->thr.thread, pthread_self()))
            all = atomic_load_explicit(&v->thr.at_lock, memory_order_acquire);
    }
    pthread_mutex_unlock(&VM_P(vm)->loop.kick_lock);
    return all;
}

/* Hold every other vCPU of a threaded run out of the guest: each is kicked, leaves KVM_RUN (writing what was set
   for its entry) and waits at the VM's lock, which the caller, an exit handler, holds. 0 once all are there; -1
   with ETIMEDOUT when one has not come within a second. */
int vcpus_hold_others(struct vm *vm)
{
    struct vm_priv *p = VM_P(vm);
    if (!p->loop.threaded)
        return 0;
    pthread_mutex_lock(&p->loop.kick_lock);
    for (unsigned int i = 0; i < vm->num_vcpus; i++)
        kick_locked(vm->vcpus[i]);
    pthread_mutex_unlock(&p->loop.kick_lock);
    struct timespec step = {0, 100000};
    for (int i = 0; i < 10000; i++) {
        if (others_at_lock(vm))
            return 0;
        nanosleep(&step, NULL);
    }
    errno = ETIMEDOUT;
    return -1;
}

void vcpus_drain_kick(void)
{
    sigset_t s;
    kick_set(&s);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&s, NULL, &zero) > 0)
        ;
}

static void set_threaded(struct vm_vcpu *vcpu, bool on)
{
    pthread_mutex_lock(&VM_P(vcpu->vm)->loop.kick_lock);
    VCPU_P(vcpu)->thr.threaded = on;
    if (on)
        VCPU_P(vcpu)->thr.thread = pthread_self();
    pthread_mutex_unlock(&VM_P(vcpu->vm)->loop.kick_lock);
}

struct thread_arg {
    struct vm_vcpu *vcpu;
    void (*loop)(struct vm_vcpu *);
};

static void *vcpu_thread(void *arg)
{
    struct thread_arg *a = arg;
    a->loop(a->vcpu);
    set_threaded(a->vcpu, false); /* no kick reaches a thread that has returned */
    return NULL;
}

bool vcpus_runnable(const struct vm *vm, const struct vm_vcpu *v)
{
    return VM_CP(vm)->irqs.chip || v->vcpu_online;
}

/* Start the threads of vCPUs 1 and up, all signals blocked but the kick inside KVM_RUN. The count started. */
static unsigned int start_threads(struct vm *vm, struct thread_arg *args, pthread_t *tids,
                                  void (*loop)(struct vm_vcpu *))
{
    sigset_t all, caller, inside;
    sigfillset(&all);
    sigfillset(&inside);
    sigdelset(&inside, vcpuctx_kick_signal());
    pthread_sigmask(SIG_SETMASK, &all, &caller); /* the threads inherit it */
    unsigned int n = 0;
    for (unsigned int i = 1; i < vm->num_vcpus; i++) {
        struct vm_vcpu *v = vm->vcpus[i];
        if (!vcpus_runnable(vm, v))
            continue;
        args[n] = (struct thread_arg){v, loop};
        v->vcpu_online = true;
        if (kvm_vcpu_set_sigmask(v, &inside) < 0)
            break;
        pthread_mutex_lock(&VM_P(vm)->loop.kick_lock);
        int r = pthread_create(&tids[n], NULL, vcpu_thread, &args[n]);
        if (r == 0) {
            VCPU_P(v)->thr.thread = tids[n];
            VCPU_P(v)->thr.threaded = true;
        }
        pthread_mutex_unlock(&VM_P(vm)->loop.kick_lock);
        if (r != 0) {
            errno = r;
            break;
        }
        n++;
    }
    pthread_sigmask(SIG_SETMASK, &caller, NULL);
    return n;
}

int vcpus_run(struct vm *vm, void (*loop)(struct vm_vcpu *))
{
    struct thread_arg args[VCPUCTX_MAX_VCPUS];
    pthread_t tids[VCPUCTX_MAX_VCPUS];
    struct vm_vcpu *boot = vm->vcpus[BOOT_VCPU];
    sigset_t kick, caller, inside;
    kick_set(&kick);
    pthread_sigmask(SIG_BLOCK, &kick, &caller);
    inside = caller;
    sigdelset(&inside, vcpuctx_kick_signal());
    VM_P(vm)->loop.threaded = true;
    int r = kvm_vcpu_set_sigmask(boot, &inside), e = errno;
    unsigned int n = 0, want = 0;
    for (unsigned int i = 1; i < vm->num_vcpus; i++)
        want += vcpus_runnable(vm, vm->vcpus[i]);
    if (r == 0) {
        n = start_threads(vm, args, tids, loop);
        e = errno;
    }
    if (r == 0 && n == want) {
        set_threaded(boot, true);
        loop(boot);
        set_threaded(boot, false);
    } else {
        r = -1;
    }
    VM_P(vm)->loop.stop = true; /* the boot vCPU's loop ended, or never began: every thread ends too */
    vcpus_kick_all(vm);
    for (unsigned int i = 0; i < n; i++)
        pthread_join(tids[i], NULL);
    for (unsigned int i = 0; i < vm->num_vcpus; i++) {
        kvm_vcpu_set_sigmask(vm->vcpus[i], NULL);
        VCPU_P(vm->vcpus[i])->run->immediate_exit = 0;
    }
    VM_P(vm)->loop.threaded = false;
    vcpus_drain_kick();
    pthread_sigmask(SIG_SETMASK, &caller, NULL);
    errno = e;
    return r;
}
