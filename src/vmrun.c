/* vmrun.c: the seL4-style VMM loop: run, dispatch each exit through the handler table, resume. */
#include <errno.h>

#include "internal.h"

static const char *const reason_names[VM_EXIT_REASON_NUM] = {
    [EXIT_REASON_EXCEPTION_NMI] = "EXCEPTION_NMI",
    [EXIT_REASON_EXTERNAL_INTERRUPT] = "EXTERNAL_INTERRUPT",
    [EXIT_REASON_TRIPLE_FAULT] = "TRIPLE_FAULT",
    [EXIT_REASON_INIT] = "INIT",
    [EXIT_REASON_SIPI] = "SIPI",
    [EXIT_REASON_IO_SMI] = "IO_SMI",
    [EXIT_REASON_OTHER_SMI] = "OTHER_SMI",
    [EXIT_REASON_PENDING_INTERRUPT] = "PENDING_INTERRUPT",
    [EXIT_REASON_NMI_WINDOW] = "NMI_WINDOW",
    [EXIT_REASON_TASK_SWITCH] = "TASK_SWITCH",
    [EXIT_REASON_CPUID] = "CPUID",
    [EXIT_REASON_GETSEC] = "GETSEC",
    [EXIT_REASON_HLT] = "HLT",
    [EXIT_REASON_INVD] = "INVD",
    [EXIT_REASON_INVLPG] = "INVLPG",
    [EXIT_REASON_RDPMC] = "RDPMC",
    [EXIT_REASON_RDTSC] = "RDTSC",
    [EXIT_REASON_RSM] = "RSM",
    [EXIT_REASON_VMCALL] = "VMCALL",
    [EXIT_REASON_CR_ACCESS] = "CR_ACCESS",
    [EXIT_REASON_DR_ACCESS] = "DR_ACCESS",
    [EXIT_REASON_IO_INSTRUCTION] = "IO_INSTRUCTION",
    [EXIT_REASON_MSR_READ] = "MSR_READ",
    [EXIT_REASON_MSR_WRITE] = "MSR_WRITE",
    [EXIT_REASON_INVALID_GUEST_STATE] = "INVALID_GUEST_STATE",
    [EXIT_REASON_MSR_LOADING] = "MSR_LOADING",
    [EXIT_REASON_MWAIT_INSTRUCTION] = "MWAIT",
    [EXIT_REASON_MONITOR_TRAP_FLAG] = "MONITOR_TRAP_FLAG",
    [EXIT_REASON_MONITOR_INSTRUCTION] = "MONITOR",
    [EXIT_REASON_PAUSE_INSTRUCTION] = "PAUSE",
    [EXIT_REASON_MCE_DURING_VMENTRY] = "MCE_DURING_VMENTRY",
    [EXIT_REASON_TPR_BELOW_THRESHOLD] = "TPR_BELOW_THRESHOLD",
    [EXIT_REASON_APIC_ACCESS] = "APIC_ACCESS",
    [EXIT_REASON_EPT_VIOLATION] = "EPT_VIOLATION",
    [EXIT_REASON_EPT_MISCONFIG] = "EPT_MISCONFIG",
    [EXIT_REASON_RDTSCP] = "RDTSCP",
    [EXIT_REASON_PREEMPTION_TIMER] = "PREEMPTION_TIMER",
    [EXIT_REASON_WBINVD] = "WBINVD",
    [EXIT_REASON_XSETBV] = "XSETBV",
};

const char *vcpuctx_exit_reason_name(unsigned int reason)
{
    reason &= 0xffff;
    if (reason == VCPUCTX_EXIT_REASON_INTERNAL_ERROR)
        return "INTERNAL_ERROR";
    if (reason < VM_EXIT_REASON_NUM && reason_names[reason])
        return reason_names[reason];
    return "UNKNOWN";
}

/* Table slot for a basic reason, or -1 when out of range. */
static int slot_of(unsigned int reason)
{
    if (reason < VM_EXIT_REASON_NUM)
        return (int)reason;
    return reason == VCPUCTX_EXIT_REASON_INTERNAL_ERROR ? VM_EXIT_REASON_NUM : -1;
}

int vcpuctx_register_exit_handler(vm_t *vm, unsigned int reason, vcpuctx_exit_handler_fn handler, void *cookie)
{
    int slot = slot_of(reason);
    if (!vm || slot < 0) {
        errno = EINVAL;
        return -1;
    }
    vm->exits[slot] = (struct exit_slot){handler, cookie};
    return 0;
}

int vcpuctx_register_exit_observer(vm_t *vm, vcpuctx_exit_handler_fn observer, void *cookie)
{
    if (!vm) {
        errno = EINVAL;
        return -1;
    }
    vm->observer = (struct exit_slot){observer, cookie};
    return 0;
}

void vcpuctx_vm_stop(vm_t *vm, int code)
{
    if (!vm)
        return;
    vm->stop = true;
    vm->stop_code = code;
}

int vcpuctx_vm_stop_code(const vm_t *vm)
{
    return vm ? vm->stop_code : 0;
}

/* Dispatch one exit: an exit handler, else the port registry for I/O. A VM_EXIT_* value. */
static int dispatch(struct vm_vcpu *vcpu, uint32_t reason)
{
    struct vm *vm = vcpu->vm;
    if (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)
        reason &= 0xffff;
    int slot = slot_of(reason & 0xffff);
    if (slot >= 0 && vm->exits[slot].fn)
        return vm->exits[slot].fn(vcpu, vm->exits[slot].cookie);
    if (reason == EXIT_REASON_IO_INSTRUCTION) {
        int r = ioport_dispatch(vcpu);
        return r == IO_FAULT_HANDLED ? VM_EXIT_HANDLED : r == IO_FAULT_ERROR ? VM_EXIT_HANDLE_ERROR : VM_EXIT_UNHANDLED;
    }
    return VM_EXIT_UNHANDLED;
}

int vm_run(vm_t *vm)
{
    if (!vm || vm->nvcpus == 0) {
        errno = EINVAL;
        return -1;
    }
    struct vm_vcpu *vcpu = vm->vcpus[0];
    vm->stop = false;
    vm->stop_code = 0;
    for (;;) {
        int reason = vcpuctx_vcpu_run(vcpu);
        if (reason == -1)
            return -1;
        if (vm->observer.fn && vm->observer.fn(vcpu, vm->observer.cookie) == VCPUCTX_EXIT_STOP)
            return VCPUCTX_RUN_STOPPED;
        int r = dispatch(vcpu, (uint32_t)reason);
        if (r == VM_EXIT_HANDLE_ERROR)
            return VCPUCTX_RUN_ERROR;
        if (r == VCPUCTX_EXIT_STOP || vm->stop)
            return VCPUCTX_RUN_STOPPED;
        if (r != VM_EXIT_HANDLED)
            return VCPUCTX_RUN_UNHANDLED;
    }
}
