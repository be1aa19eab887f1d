/* vmenter.c: a Microkit PD's virtual machine on libvcpuctx. seL4 binds the vCPU to the PD's own thread, which
   enters the guest with seL4_VMEnter; here the PD's thread runs it with vcpuctx_vcpu_run, and a notification
   ends the run with a signal (MK_KICK_SIGNAL) as one ends VMEnter on seL4. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vcpuctx.h>

#include "kernel.h"
#include "vmcs_policy.h"
#include "vmenter.h"
#include "vmx_timer.h"

#define PPC_IRQ_WINDOW_EXITING     (1u << 2)
#define PPC_HLT_EXITING            (1u << 7)
#define RFLAGS_IF                  (1u << 9)
#define ENTRY_INFO_VALID           (1u << 31)
#define PIN_PREEMPTION_TIMER       (1u << 6)
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22)
#define MSR_IA32_TSC               0x10u
#define MSR_IA32_VMX_MISC          0x485u
#define MSR_STAR                   0xc0000081u
#define MSR_LSTAR                  0xc0000082u
#define MSR_CSTAR                  0xc0000083u
#define MSR_SFMASK                 0xc0000084u

/* The PD's one VM: the process is the PD, so its VM is the process's. */
static struct {
    struct mk_system *sys;
    unsigned int self;
    struct mk_ports *ports;
    vm_t *vm;
    vm_vcpu_t *vcpu;
    uint8_t passthrough[65536 / 8]; /* ports enabled for the guest (seL4's I/O bitmap cleared) */
    struct mk_vmx_timer timer;
    bool halted;  /* the guest is in HLT (RIP past it): VT-x's HLT activity state, which KVM keeps to itself */
    bool entered; /* the first VMEnter, where the VMM's initial state reaches KVM, is behind */
    struct mk_cr_fixed fixed; /* seL4's fixed bits of CR0 and CR4, for the vCPU's CPUID */
} mkvm;

/* A notification or the preemption timer: out of KVM_RUN, or out of the HLT sleep. */
static void kick(int sig)
{
    uint64_t one = 1;
    (void)sig;
    vcpuctx_vcpu_kick(mkvm.vcpu);
    (void)!write(mkvm.sys->kernel[mkvm.self].efd, &one, sizeof(one));
}

/* seL4 gives the guest the host's TSC: KVM's starts at 0, so set it to the host's, and the VMM's rdtsc and the
   guest's agree as libvmm's time keeping expects. */
static int vcpu_time(void)
{
    long khz = vcpuctx_vcpu_tsc_khz(mkvm.vcpu);
    if (vcpuctx_vcpu_set_msr(mkvm.vcpu, MSR_IA32_TSC, __builtin_ia32_rdtsc()) < 0)
        return -1;
    return mk_vmx_timer_init(&mkvm.timer, khz > 0 ? (uint64_t)khz : 1000000u, MK_KICK_SIGNAL);
}

static int map_ram(const struct mk_system *sys, const struct mk_map *m)
{
    const struct mk_mr *mr = &sys->mrs[m->mr];
    void *host = mmap(NULL, mr->size, PROT_READ | PROT_WRITE, MAP_SHARED, mr->fd, 0);
    if (host == MAP_FAILED || vcpuctx_vm_map_ram(mkvm.vm, m->vaddr, host, mr->size) < 0) {
        fprintf(stderr, "vcpuctx-microkit: PD '%s': virtual machine: map of '%s' at 0x%llx: %s\n",
                sys->pds[mkvm.self].name, mr->name, (unsigned long long)m->vaddr, strerror(errno));
        return -1;
    }
    return 0;
}

int mk_vm_setup(struct mk_system *sys, unsigned int self, struct mk_ports *ports)
{
    const struct mk_vm *v = &sys->pds[self].vm;
    mkvm.sys = sys;
    mkvm.self = self;
    mkvm.ports = ports;
    if (!v->present)
        return 0;
    mkvm.vm = vcpuctx_vm_create_on(NULL, 0);
    if (!mkvm.vm) {
        fprintf(stderr, "vcpuctx-microkit: PD '%s': virtual machine '%s': %s (%s)\n", sys->pds[self].name, v->name,
                strerror(errno), vcpuctx_kvm_device());
        return -1;
    }
    for (uint32_t i = 0; i < v->nmaps; i++)
        if (map_ram(sys, &v->maps[i]) < 0)
            return -1;
    mkvm.vcpu = vm_create_vcpu(mkvm.vm, 0);
    uint32_t leaf1[4] = {0}, leaf7[4] = {0};
    vcpuctx_vm_cpuid(mkvm.vm, 1, 0, leaf1);
    vcpuctx_vm_cpuid(mkvm.vm, 7, 0, leaf7);
    mkvm.fixed = mk_cr_fixed_of(leaf1, leaf7);
    struct sigaction sa = {.sa_handler = kick};
    if (!mkvm.vcpu || sigaction(MK_KICK_SIGNAL, &sa, NULL) < 0 || vcpu_time() < 0) {
        fprintf(stderr, "vcpuctx-microkit: PD '%s': virtual machine '%s': vCPU: %s\n", sys->pds[self].name, v->name,
                strerror(errno));
        return -1;
    }
    return 0;
}

static seL4_Word field(uint32_t f)
{
    seL4_Word v = 0;
    vm_get_vmcs_field(mkvm.vcpu, f, &v);
    return v;
}

/* The three values every VMEnter returns, kept by libmicrokit too. The primary controls are the VMM's own: the
   VT-x view KVM gives fixes HLT and I/O exiting to 1, which seL4's VMCS does not (see absorbed). */
static void fill_call_mrs(seL4_IPCBuffer *ipc, struct microkit_x86_vcpu_state *s)
{
    s->rip = field(VMX_GUEST_RIP);
    s->irq_info = field(VMX_CONTROL_ENTRY_INTERRUPTION_INFO);
    ipc->msg[SEL4_VMENTER_CALL_EIP_MR] = s->rip;
    ipc->msg[SEL4_VMENTER_CALL_CONTROL_PPC_MR] = s->prim_proc_ctl;
    ipc->msg[SEL4_VMENTER_CALL_INTERRUPT_INFO_MR] = s->irq_info;
}

/* seL4 sends the exit qualification for these reasons only, 0 for the rest (handleVmexit). */
static bool has_qualification(uint32_t reason)
{
    switch (reason) {
    case EXIT_REASON_EXCEPTION_NMI:
    case EXIT_REASON_DR_ACCESS:
    case EXIT_REASON_TASK_SWITCH:
    case EXIT_REASON_CR_ACCESS:
    case EXIT_REASON_IO_INSTRUCTION:
    case EXIT_REASON_MWAIT_INSTRUCTION:
    case EXIT_REASON_SIPI:
    case EXIT_REASON_INVLPG:
    case EXIT_REASON_INVEPT:
    case EXIT_REASON_INVVPID:
    case EXIT_REASON_VMCLEAR:
    case EXIT_REASON_VMPTRLD:
    case EXIT_REASON_VMPTRST:
    case EXIT_REASON_VMREAD:
    case EXIT_REASON_VMWRITE:
    case EXIT_REASON_VMXON:
    case EXIT_REASON_EPT_VIOLATION:
    case EXIT_REASON_GDTR_IDTR:
    case EXIT_REASON_LDTR_TR:
    case EXIT_REASON_TPR_BELOW_THRESHOLD:
    case EXIT_REASON_APIC_ACCESS: return true;
    default: return false;
    }
}

/* seL4's setMRs_vmexit: a VM-entry failure is reason and qualification all ones (handleVmEntryFail). */
static void fill_fault_mrs(seL4_IPCBuffer *ipc, struct microkit_x86_vcpu_state *s, int r)
{
    bool failed = (uint32_t)r & 0x80000000u;
    uint32_t reason = failed ? 0xffffffffu : (uint32_t)r & 0xffffu;
    fill_call_mrs(ipc, s);
    ipc->msg[SEL4_VMENTER_FAULT_REASON_MR] = reason;
    ipc->msg[SEL4_VMENTER_FAULT_QUALIFICATION_MR] = failed                      ? ~(seL4_Word)0
                                                    : has_qualification(reason) ? field(VMX_DATA_EXIT_QUALIFICATION)
                                                                                : 0;
    ipc->msg[SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR] = field(VMX_DATA_EXIT_INSTRUCTION_LENGTH);
    ipc->msg[SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR] = field(VMX_DATA_GUEST_PHYSICAL);
    ipc->msg[SEL4_VMENTER_FAULT_RFLAGS_MR] = field(VMX_GUEST_RFLAGS);
    ipc->msg[SEL4_VMENTER_FAULT_GUEST_INT_MR] = field(VMX_GUEST_INTERRUPTABILITY);
    ipc->msg[SEL4_VMENTER_FAULT_CR3_MR] = field(VMX_GUEST_CR3);
    seL4_VCPUContext c;
    memset(&c, 0, sizeof(c));
    vm_get_thread_context(mkvm.vcpu, &c);
    memcpy(&ipc->msg[SEL4_VMENTER_FAULT_EAX], &c, sizeof(c));
}

/* RIP past the exiting instruction, as a handler completes an exit in libvcpuctx's view. */
static void skip_instruction(void)
{
    vm_set_vmcs_field(mkvm.vcpu, VMX_GUEST_RIP, field(VMX_GUEST_RIP) + field(VMX_DATA_EXIT_INSTRUCTION_LENGTH));
}

static bool passed_through(uint16_t port)
{
    return mkvm.passthrough[port / 8] & (1u << (port % 8));
}

/* A guest access to a port the VMM enabled: to the board, as VT-x sends it to the hardware. */
static void serve_passthrough(seL4_Word qual)
{
    unsigned int size = (unsigned int)(qual & 7) + 1;
    uint16_t port = (uint16_t)(qual >> 16);
    size_t len = 0;
    uint8_t *data = vcpuctx_exit_data(mkvm.vcpu, &len);
    for (size_t at = 0; data && at + size <= len; at += size) {
        uint32_t v = 0;
        if (qual & 8) {
            v = mk_ports_in(mkvm.ports, port, size);
            memcpy(data + at, &v, size);
        } else {
            memcpy(&v, data + at, size);
            mk_ports_out(mkvm.ports, port, size, v);
        }
    }
    skip_instruction();
}

/* The guest in HLT stays there until an event: an injection ends it (1: run); an interrupt window the VMM asked
   for, open with IF set, is an exit, as is the preemption timer's expiry (0, *r the exit); a notification ends
   the VMEnter (-2). */
static int halted_wait(int *r, const struct microkit_x86_vcpu_state *s)
{
    if (s->irq_info & ENTRY_INFO_VALID) {
        mkvm.halted = false;
        return 1;
    }
    if ((s->prim_proc_ctl & PPC_IRQ_WINDOW_EXITING) && (field(VMX_GUEST_RFLAGS) & RFLAGS_IF)) {
        *r = EXIT_REASON_PENDING_INTERRUPT;
        return 0;
    }
    for (;;) {
        if (mk_kernel_pending(mkvm.sys, mkvm.self))
            return -2;
        if (mk_vmx_timer_expired(&mkvm.timer)) {
            *r = EXIT_REASON_PREEMPTION_TIMER;
            return 0;
        }
        mk_kernel_sleep(mkvm.sys, mkvm.self);
    }
}

/* HLT without HLT exiting: on seL4 the guest sleeps in the guest. Here it enters the HLT state past the HLT (the
   STI shadow ends with it) and waits as halted_wait says; 1 when nothing is to be reported. */
static int sleep_in_hlt(int *r, const struct microkit_x86_vcpu_state *s)
{
    skip_instruction();
    vm_set_vmcs_field(mkvm.vcpu, VMX_GUEST_INTERRUPTABILITY, field(VMX_GUEST_INTERRUPTABILITY) & ~(seL4_Word)3);
    mkvm.halted = true;
    struct microkit_x86_vcpu_state none = *s;
    none.irq_info = 0; /* whatever the VMM injected was delivered before the HLT ran */
    return halted_wait(r, &none) != 0;
}

/* An exit the runtime completes itself (seL4 never sees it as one): 1, or 0 for the VMM's (*r may change). */
static int absorbed(int *r, const struct microkit_x86_vcpu_state *s)
{
    if (*r == EXIT_REASON_EXTERNAL_INTERRUPT)
        return 1;
    if (*r == EXIT_REASON_IO_INSTRUCTION) {
        seL4_Word qual = field(VMX_DATA_EXIT_QUALIFICATION);
        if (!passed_through((uint16_t)(qual >> 16)))
            return 0;
        serve_passthrough(qual);
        return 1;
    }
    if (*r == EXIT_REASON_HLT && !(s->prim_proc_ctl & PPC_HLT_EXITING))
        return sleep_in_hlt(r, s);
    return 0;
}

static int enter_with(const struct microkit_x86_vcpu_state *s)
{
    if (vm_set_vmcs_field(mkvm.vcpu, VMX_GUEST_RIP, s->rip) < 0 ||
        vm_set_vmcs_field(mkvm.vcpu, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, s->prim_proc_ctl) < 0 ||
        vm_set_vmcs_field(mkvm.vcpu, VMX_CONTROL_ENTRY_INTERRUPTION_INFO, s->irq_info) < 0)
        return -1;
    return 0;
}

/* Run until an exit for the VMM (1) or a notification (0); the preemption timer's expiry is an exit. */
static int run_until(seL4_IPCBuffer *ipc, struct microkit_x86_vcpu_state *s)
{
    struct mk_kernel *k = &mkvm.sys->kernel[mkvm.self];
    int r = 0;
    if (mkvm.halted && halted_wait(&r, s) == 0) {
        fill_fault_mrs(ipc, s, r);
        return 1;
    }
    for (;;) { /* a notification that ended the HLT state is pending: the first check ends the VMEnter */
        atomic_store(&k->in_vmenter, 1);
        if (mk_kernel_pending(mkvm.sys, mkvm.self))
            break;
        r = mk_vmx_timer_expired(&mkvm.timer) ? EXIT_REASON_PREEMPTION_TIMER : vcpuctx_vcpu_run(mkvm.vcpu);
        atomic_store(&k->in_vmenter, 0);
        if (r == -1 && errno != EINTR)
            return -1;
        if ((r == -1 || r == EXIT_REASON_EXTERNAL_INTERRUPT) && mk_vmx_timer_expired(&mkvm.timer))
            r = EXIT_REASON_PREEMPTION_TIMER;
        if (r != -1 && !absorbed(&r, s)) {
            fill_fault_mrs(ipc, s, r);
            return 1;
        }
    }
    atomic_store(&k->in_vmenter, 0);
    return 0;
}

/* KVM checks the guest's state where VT-x would check it at entry, and keeps what it refuses to itself: the
   VMEnter then ends as seL4's does for an entry failure. At the first VMEnter, where a VMM's initial state meets
   KVM, one line also says what the VMM had written (later entries keep the one-ioctl path). Whether it was
   refused: KVM has then dropped it, and the entry must fail here rather than run the state KVM kept. */
static bool refused_state(void)
{
    if (mkvm.entered)
        return false;
    mkvm.entered = true;
    seL4_Word cr0 = field(VMX_GUEST_CR0), cr3 = field(VMX_GUEST_CR3), cr4 = field(VMX_GUEST_CR4);
    seL4_Word efer = field(VMX_GUEST_EFER), cs = field(VMX_GUEST_CS_ACCESS_RIGHTS);
    if (vcpuctx_vcpu_flush(mkvm.vcpu) == 0)
        return false;
    fprintf(stderr,
            "vcpuctx-microkit: PD '%s': KVM refused the guest's state at VMEnter (%s): CR0 0x%llx CR3 0x%llx "
            "CR4 0x%llx EFER 0x%llx CS access 0x%llx\n",
            mkvm.sys->pds[mkvm.self].name, strerror(errno), (unsigned long long)cr0, (unsigned long long)cr3,
            (unsigned long long)cr4, (unsigned long long)efer, (unsigned long long)cs);
    return true;
}

int mk_vm_enter(seL4_IPCBuffer *ipc, struct microkit_x86_vcpu_state *s, uint64_t *badge)
{
    if (!mkvm.vcpu || enter_with(s) < 0)
        return -1;
    if (refused_state()) {
        fill_fault_mrs(ipc, s, (int)(EXIT_REASON_INVALID_GUEST_STATE | VMX_EXIT_REASONS_FAILED_VMENTRY));
        return 1;
    }
    bool timed = field(VMX_CONTROL_PIN_EXECUTION_CONTROLS) & PIN_PREEMPTION_TIMER;
    if (timed)
        mk_vmx_timer_arm(&mkvm.timer, field(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE));
    int r = run_until(ipc, s);
    if (timed) {
        uint64_t left = mk_vmx_timer_disarm(&mkvm.timer);
        if (field(VMX_CONTROL_EXIT_CONTROLS) & EXIT_SAVE_PREEMPTION_TIMER)
            vm_set_vmcs_field(mkvm.vcpu, VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, left);
    }
    if (r == 0) {
        *badge = mk_kernel_wait(mkvm.sys, mkvm.self, 0).badge;
        fill_call_mrs(ipc, s);
    }
    return r;
}

seL4_Error vcpuctx_mk_vcpu_read_vmcs(microkit_child vcpu, seL4_Word f, seL4_Word *value)
{
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    if (!mk_vmcs_readable((uint32_t)f))
        return seL4_IllegalOperation;
    if (f == VMX_GUEST_ACTIVITY && mkvm.halted) {
        *value = 1; /* HLT */
        return seL4_NoError;
    }
    if (vm_get_vmcs_field(mkvm.vcpu, f, value) < 0)
        return seL4_IllegalOperation;
    if (f == VMX_GUEST_CR0 || f == VMX_GUEST_CR4) /* VT-x's fixed bits, which KVM keeps to itself */
        *value |= f == VMX_GUEST_CR0 ? mkvm.fixed.cr0_must : mkvm.fixed.cr4_must;
    return seL4_NoError;
}

seL4_Error vcpuctx_mk_vcpu_write_vmcs(microkit_child vcpu, seL4_Word f, seL4_Word value)
{
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    if (!mk_vmcs_writable((uint32_t)f))
        return seL4_IllegalOperation;
    if (f == VMX_GUEST_ACTIVITY && value <= 1) {
        mkvm.halted = value == 1; /* the runtime's HLT state (sleep_in_hlt) */
        return seL4_NoError;
    }
    if (f == VMX_GUEST_CR0)
        value = mk_cr_apply(value, mkvm.fixed.cr0_must, mkvm.fixed.cr0_may);
    if (f == VMX_GUEST_CR4) /* CR4.VMXE is VT-x's, not the guest's: KVM gets the guest's */
        value = mk_cr_apply(value, mkvm.fixed.cr4_must, mkvm.fixed.cr4_may) & ~(seL4_Word)MK_CR4_VMXE;
    return vm_set_vmcs_field(mkvm.vcpu, f, value) < 0 ? seL4_IllegalOperation : seL4_NoError;
}

static bool msr_allowed(seL4_Word msr)
{
    return msr == MSR_STAR || msr == MSR_LSTAR || msr == MSR_CSTAR || msr == MSR_SFMASK;
}

seL4_Error vcpuctx_mk_vcpu_read_msr(microkit_child vcpu, seL4_Word msr, seL4_Word *value)
{
    uint64_t v = 0;
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    if (msr == MSR_IA32_VMX_MISC) {
        *value = MK_VMX_MISC; /* the preemption timer the runtime gives: see vmx_timer.h */
        return seL4_NoError;
    }
    if (!msr_allowed(msr) || vcpuctx_vcpu_get_msr(mkvm.vcpu, (uint32_t)msr, &v) < 0)
        return seL4_IllegalOperation;
    *value = v;
    return seL4_NoError;
}

seL4_Error vcpuctx_mk_vcpu_write_msr(microkit_child vcpu, seL4_Word msr, seL4_Word value)
{
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    if (!msr_allowed(msr) || vcpuctx_vcpu_set_msr(mkvm.vcpu, (uint32_t)msr, value) < 0)
        return seL4_IllegalOperation;
    return seL4_NoError;
}

seL4_Error vcpuctx_mk_vcpu_write_regs(microkit_child vcpu, const seL4_VCPUContext *regs)
{
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    return vm_set_thread_context(mkvm.vcpu, *regs) < 0 ? seL4_IllegalOperation : seL4_NoError;
}

seL4_Error vcpuctx_mk_vcpu_ioport(microkit_child vcpu, int ioport_id, seL4_Word first, seL4_Word last)
{
    if (!mkvm.vcpu || vcpu != 0)
        return seL4_InvalidCapability;
    if (last < first || last > 0xffff)
        return seL4_RangeError;
    if (ioport_id >= 0 &&
        !mk_ports_allowed(mkvm.ports, (unsigned int)ioport_id, (uint32_t)first, (unsigned int)(last - first + 1)))
        return seL4_RangeError;
    for (seL4_Word p = first; p <= last; p++) {
        if (ioport_id >= 0)
            mkvm.passthrough[p / 8] |= (uint8_t)(1u << (p % 8));
        else
            mkvm.passthrough[p / 8] &= (uint8_t) ~(1u << (p % 8));
    }
    return seL4_NoError;
}
