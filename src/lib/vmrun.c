/* vmrun.c: the seL4-style VMM loop: run, dispatch each exit through the handler table, resume. */
#include <errno.h>

#include "internal.h"
#include "context.h"
#include "ioports.h"
#include "irq.h"
#include "memory.h"

/* The reason names: the header's VMX_EXIT_REASONS, the one list. */
static const struct {
    int reason;
    const char *name;
} reason_list[] = {VMX_EXIT_REASONS};

const char *vcpuctx_exit_reason_name(unsigned int reason)
{
    reason &= 0xffff;
    if (reason == VCPUCTX_EXIT_REASON_INTERNAL_ERROR)
        return "INTERNAL_ERROR";
    for (size_t i = 0; i < ARRAY_SIZE(reason_list); i++)
        if ((unsigned)reason_list[i].reason == reason)
            return reason_list[i].name;
    return "UNKNOWN";
}

int vcpuctx_register_exit_handler(vm_t *vm, unsigned int reason, vcpuctx_exit_handler_fn handler, void *cookie)
{
    int slot = exit_reason_slot(reason);
    if (!vm || slot < 0) {
        errno = EINVAL;
        return -1;
    }
    VM_P(vm)->loop.exits[slot] = (struct exit_slot){handler, cookie};
    return 0;
}

int vcpuctx_register_exit_observer(vm_t *vm, vcpuctx_exit_handler_fn observer, void *cookie)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    VM_P(vm)->loop.observer = (struct exit_slot){observer, cookie};
    return 0;
}

void vcpuctx_vm_stop(vm_t *vm, int code)
{
    if (!vm)
        return;
    VM_P(vm)->loop.stop_code = code;
    VM_P(vm)->loop.stop = true;
    if (VM_P(vm)->loop.threaded)
        vcpus_kick_all(vm);
}

int vcpuctx_vm_stop_code(const vm_t *vm)
{
    return vm ? VM_CP(vm)->loop.stop_code : 0;
}

/* The port registry's result (IO_FAULT_*) as an exit handler's (VM_EXIT_*). */
static int io_result(int r)
{
    return r == IO_FAULT_HANDLED ? VM_EXIT_HANDLED : r == IO_FAULT_ERROR ? VM_EXIT_HANDLE_ERROR : VM_EXIT_UNHANDLED;
}

/* Dispatch one exit: an exit handler, else the port registry for I/O, the reservations for MMIO. A VM_EXIT_* value. */
HOT static int dispatch(struct vm_vcpu *vcpu, uint32_t reason)
{
    struct vm *vm = vcpu->vm;
    if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
        reason &= 0xffff;
    int slot = exit_reason_slot(reason & 0xffff);
    if (slot >= 0 && VM_P(vm)->loop.exits[slot].fn)
        return VM_P(vm)->loop.exits[slot].fn(vcpu, VM_P(vm)->loop.exits[slot].cookie);
    if (reason == EXIT_REASON_IO_INSTRUCTION)
        return io_result(ioport_dispatch(vcpu));
    if (reason == EXIT_REASON_EPT_VIOLATION)
        return memory_dispatch(vcpu);
    return VM_EXIT_UNHANDLED;
}

int vcpuctx_vm_run_status(const vm_t *vm)
{
    return vm ? VM_CP(vm)->loop.status : VCPUCTX_RUN_FAILED;
}

/* What an unhandled exit was, in upstream's classes. */
static int exit_class(uint32_t reason)
{
    if (reason == EXIT_REASON_IO_INSTRUCTION)
        return VM_GUEST_IO_EXIT;
    if (reason == EXIT_REASON_EPT_VIOLATION)
        return VM_GUEST_MMIO_EXIT;
    return VM_GUEST_UNKNOWN_EXIT;
}

/* Record how the run ended, once: the first vCPU to end it tells (the others are stopped). Returns true. */
static bool run_end(struct vm_vcpu *vcpu, int status, int exit_reason)
{
    struct vm_priv *p = VM_P(vcpu->vm);
    if (p->loop.ended)
        return true;
    p->loop.ended = true;
    p->loop.ended_by = vcpu;
    p->loop.status = status;
    p->loop.error = status == VCPUCTX_RUN_ERROR ? ECANCELED : errno;
    vcpu->vm->run.exit_reason = exit_reason;
    if (p->loop.threaded && !p->loop.stop) { /* a stop already kicked the others (vcpuctx_vm_stop) */
        p->loop.stop = true;
        vcpus_kick_all(vcpu->vm);
    }
    return true;
}

static bool dispatch_end(struct vm_vcpu *vcpu, int reason, int r);

/* One exit of vcpu: observe it, deliver EOIs, dispatch it. True when it ends the run. */
HOT static bool handle_exit(struct vm_vcpu *vcpu, int reason)
{
    struct vm *vm = vcpu->vm;
    if (reason == -1)
        return run_end(vcpu, VCPUCTX_RUN_FAILED, VM_GUEST_ERROR_EXIT);
    if (VM_P(vm)->loop.threaded && reason == EXIT_REASON_EXTERNAL_INTERRUPT) {
        vcpus_drain_kick();
        if (VM_P(vm)->loop.stop) /* kicked because the run is over */
            return true;
    }
    if (VM_P(vm)->loop.observer.fn &&
        VM_P(vm)->loop.observer.fn(vcpu, VM_P(vm)->loop.observer.cookie) == VCPUCTX_EXIT_STOP)
        return run_end(vcpu, VCPUCTX_RUN_STOPPED, -1);
    irq_deliver_acks(vm);
    return dispatch_end(vcpu, reason, dispatch(vcpu, (uint32_t)reason));
}

/* How the result r of dispatching an exit of reason ends the run (true) or not. */
HOT static bool dispatch_end(struct vm_vcpu *vcpu, int reason, int r)
{
    struct vm *vm = vcpu->vm;
    if (r == VM_EXIT_HANDLE_ERROR)
        return run_end(vcpu, VCPUCTX_RUN_ERROR, VM_GUEST_ERROR_EXIT);
    if (r == VCPUCTX_EXIT_STOP || VM_P(vm)->loop.stop)
        return run_end(vcpu, VCPUCTX_RUN_STOPPED, -1);
    if (r != VM_EXIT_HANDLED)
        return run_end(vcpu, VCPUCTX_RUN_UNHANDLED, exit_class((uint32_t)reason & 0xffff));
    return false;
}

/* Whether the port registry alone takes this VM's I/O exits: no exit handler or observer before it, no ack to
   deliver, no other vCPU thread. */
static bool registry_alone(const struct vm *vm)
{
    const struct vm_priv *p = VM_CP(vm);
    return !p->loop.threaded && !p->loop.exits[EXIT_REASON_IO_INSTRUCTION].fn && !p->loop.observer.fn && !p->irqs.nacks;
}

static bool one_out(const struct kvm_run *run)
{
    return run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT && run->io.count == 1;
}

/*
 * The fast path of a lone vCPU: a run of exits that are each one OUT of one element, which the port registry
 * completes while its handler touches nothing else. Each entry, exit and dispatch is the whole path's own
 * (entry_quick, vcpu_run_entered, ioport_dispatch); what is left out is what the whole path would find has nothing
 * to do: the handler table, the observer and the acks (registry_alone). True when the run ends; false when an exit
 * or a handler leaves the fast path, the whole path going on from there.
 */
HOT static bool fast_outs(struct vm_vcpu *vcpu)
{
    const struct kvm_run *run = VCPU_P(vcpu)->run;
    if (!registry_alone(vcpu->vm) || !entry_quick(vcpu))
        return false;
    for (;;) {
        int reason = vcpu_run_entered(vcpu);
        if (reason != EXIT_REASON_IO_INSTRUCTION || !one_out(run) || !registry_alone(vcpu->vm))
            return handle_exit(vcpu, reason);
        int io = ioport_dispatch(vcpu);
        if (io != IO_FAULT_HANDLED || VM_P(vcpu->vm)->loop.stop)
            return dispatch_end(vcpu, reason, io_result(io));
        if (!entry_quick(vcpu))
            return false;
    }
}

/* A vCPU's loop. With several vCPUs, each exit is handled under the VM's lock, one at a time, as the handlers
   and devices expect; alone, it takes no lock. */
HOT static void vcpu_loop(struct vm_vcpu *vcpu)
{
    struct vm_priv *p = VM_P(vcpu->vm);
    bool threaded = p->loop.threaded;
    for (bool end = false; !end;) {
        if (threaded && p->loop.stop)
            return;
        int reason = vcpu_run_once(vcpu);
        if (threaded) {
            atomic_store_explicit(&VCPU_P(vcpu)->thr.at_lock, true, memory_order_release); /* vcpus_hold_others */
            pthread_mutex_lock(&p->loop.lock);
        }
        end = handle_exit(vcpu, reason);
        if (threaded) {
            atomic_store_explicit(&VCPU_P(vcpu)->thr.at_lock, false, memory_order_relaxed); /* the lock orders it */
            pthread_mutex_unlock(&p->loop.lock);
        } else if (!end)
            end = fast_outs(vcpu);
    }
}

/* Whether a vCPU beyond the boot one will run. */
static bool others_run(const struct vm *vm)
{
    for (unsigned int i = 1; i < vm->num_vcpus; i++)
        if (vcpus_runnable(vm, vm->vcpus[i]))
            return true;
    return false;
}

int vm_run(vm_t *vm)
{
    if (!vm || vm->num_vcpus == 0) {
        if (vm)
            VM_P(vm)->loop.status = VCPUCTX_RUN_FAILED;
        errno = EINVAL;
        return -1;
    }
    struct vm_priv *p = VM_P(vm);
    struct vm_vcpu *boot = vm->vcpus[BOOT_VCPU];
    p->loop.stop = false;
    p->loop.stop_code = 0;
    p->loop.ended = false;
    p->loop.ended_by = NULL;
    vm->run.exit_reason = -1;
    boot->vcpu_online = true;
    if (!others_run(vm)) {
        vcpu_loop(boot);
    } else if (vcpus_run(vm, vcpu_loop) < 0 && !p->loop.ended) {
        run_end(boot, VCPUCTX_RUN_FAILED, VM_GUEST_ERROR_EXIT); /* a thread could not start */
    }
    if (!p->loop.ended) /* stopped from outside (vcpuctx_vm_stop) with no exit of its own */
        run_end(boot, VCPUCTX_RUN_STOPPED, -1);
    if (p->loop.status == VCPUCTX_RUN_ERROR || p->loop.status == VCPUCTX_RUN_FAILED) {
        p->loop.ended_by->vcpu_online = false;
        errno = p->loop.error;
        return -1;
    }
    return 0;
}

vm_vcpu_t *vcpuctx_vm_run_vcpu(const vm_t *vm)
{
    return vm ? VM_CP(vm)->loop.ended_by : NULL;
}

int vm_reg_new_vmcall_handler(vm_t *vm, vmcall_handler func, int token)
{
    (void)token;
    /* KVM keeps VMCALL to itself on every host measured (sel4vm/arch/vmcall.h): refuse, never pretend. */
    errno = vm && func ? EOPNOTSUPP : EINVAL;
    return -1;
}
