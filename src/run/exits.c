/* exits.c: how vcpuctx-run's machine meets its guest's exits: halts, crashes, unclaimed ports and memory, the
   kicks of the timer and of signals, and the limits (--timeout, --max-exits) seen at every exit. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <sel4vmmplatsupport/ioports.h>

#include "machine.h"

/* A hook's verdict: the debugger killing the guest ends the run with STATUS_KILLED. */
int machine_hooked(struct machine *m, int r)
{
    if (r == VCPUCTX_EXIT_STOP)
        m->killed = true;
    return r;
}
/* --timeout counts the guest's time: what was spent stopped in gdb moves the deadline. */
static bool timeout_reached(const struct machine *m)
{
    return timer_expired(m->hooks.paused ? m->hooks.paused(m->hooks.ctx) : 0);
}

static int stop(struct machine *m, int status, const char *crash)
{
    m->status = status;
    m->crash = crash;
    return VCPUCTX_EXIT_STOP;
}

static int on_hlt(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_HALTED, NULL); /* no interrupt source here: a HLT is for good */
}

static int on_triple_fault(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "triple fault");
}

static int on_invalid_state(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "invalid guest state (VM-entry failure)");
}

static int on_internal_error(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "KVM could not emulate an instruction (internal error)");
}

/* Whether the boot vCPU sleeps with interrupts off: the cheap first test of a machine halted for good. */
static bool boot_vcpu_parked(vm_vcpu_t *vcpu)
{
    seL4_Word activity = 0, rflags = 0;
    return vm_get_vmcs_field(vcpu, VMX_GUEST_ACTIVITY, &activity) == 0 && activity == 1 &&
           vm_get_vmcs_field(vcpu, VMX_GUEST_RFLAGS, &rflags) == 0 && !(rflags & RFLAGS_IF);
}

/* The timer's kick (it goes to the boot vCPU): stop on timeout; with an irqchip, end the run as halted for good
   once no vCPU can run again, every one of them asleep with nothing able to wake it (vcpuctx_vm_halted_for_good). */
static int on_interrupt(vm_vcpu_t *vcpu, void *cookie)
{
    struct machine *m = cookie;
    if (timeout_reached(m))
        return stop(m, STATUS_TIMEOUT, NULL);
    int r = m->hooks.tick ? machine_hooked(m, m->hooks.tick(m->hooks.ctx))
                          : VM_EXIT_HANDLED; /* Ctrl-C, or gdb connecting */
    if (r != VM_EXIT_HANDLED)
        return r;
    cmos_tick(&m->cmos, (int64_t)time(NULL)); /* the RTC alarm's interrupt */
    if (m->irqchip && vcpu == m->vcpu && boot_vcpu_parked(vcpu) && vcpuctx_vm_halted_for_good(m->vm) == 1)
        return stop(m, STATUS_HALTED, NULL);
    return VM_EXIT_HANDLED;
}

/* No device decodes this address (or it is ROM): reads see all ones, writes vanish, as on a PC. The fallback for
   memory faults no reservation takes, on the fault interface; the data of an access wider than a seL4_Word (8
   bytes in the ia32 ABI) is set through the exit's bytes instead. */
static memory_fault_result_t on_unmapped(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t paddr, size_t len, void *cookie)
{
    (void)vm, (void)paddr, (void)len;
    ((struct machine *)cookie)->mmio_unmapped++;
    if (get_vcpu_fault_size(vcpu) == 0) {
        size_t n = 0;
        seL4_Word qual = 0;
        uint8_t *data = vcpuctx_exit_data(vcpu, &n);
        if (!data || vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_QUALIFICATION, &qual) < 0)
            return FAULT_ERROR;
        if (qual & 1) /* a read */
            memset(data, 0xff, n);
    } else if (is_vcpu_read_fault(vcpu) && set_vcpu_fault_data(vcpu, ~(seL4_Word)0) < 0) {
        return FAULT_ERROR;
    }
    advance_vcpu_fault(vcpu);
    return FAULT_HANDLED;
}

/* Ports no device registered: the PCI functions' I/O BARs, wherever the guest put them (camkes-vm's VMM reaches its
   port list so), else unclaimed. */
static ioport_fault_result_t on_unclaimed_port(vm_vcpu_t *vcpu, unsigned port, bool is_in, unsigned *value, size_t size,
                                               void *cookie)
{
    (void)vcpu;
    struct machine *m = cookie;
    int r = m->pci.io ? emulate_io_handler(m->pci.io, port, is_in, size, value) : 1;
    if (r == 0)
        return IO_FAULT_HANDLED;
    if (r < 0)
        return IO_FAULT_ERROR;
    m->unclaimed_ports++;
    return IO_FAULT_UNHANDLED; /* the default: IN reads all ones */
}

/* Every exit: count it, trace it, enforce --max-exits and a reset request. */
static int observe(vm_vcpu_t *vcpu, void *cookie)
{
    struct machine *m = cookie;
    seL4_Word reason = 0;
    vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_REASON, &reason);
    unsigned basic = (unsigned)reason & 0xffff;
    m->by_reason[basic < VM_EXIT_REASON_NUM ? basic : VM_EXIT_REASON_NUM]++;
    if (m->o->trace)
        trace_exit(vcpu, (unsigned)reason, stderr);
    if (timeout_reached(m)) /* also here: the kick's own exit may have been any exit */
        return stop(m, STATUS_TIMEOUT, NULL);
    if (signals_stop_requested())
        return stop(m, STATUS_SIGNAL + signals_stop_requested(), NULL);
    if (m->dbg_sink.failed || m->ser_sink.failed || m->fw_sink.failed || m->con_sink.failed)
        return stop(m, STATUS_OUTPUT, NULL); /* the line naming it comes at the end (output_lost) */
    if (m->sys.reset_requested)
        return stop(m, STATUS_HALTED, NULL);
    if (m->o->max_exits && ++m->exits > m->o->max_exits)
        return stop(m, STATUS_TIMEOUT, NULL);
    return VM_EXIT_HANDLED;
}

int machine_handle_exits(struct machine *m)
{
    const struct {
        unsigned reason;
        vcpuctx_exit_handler_fn fn;
    } handlers[] = {
        {EXIT_REASON_HLT, on_hlt},
        {EXIT_REASON_TRIPLE_FAULT, on_triple_fault},
        {EXIT_REASON_INVALID_GUEST_STATE, on_invalid_state},
        {VCPUCTX_EXIT_REASON_INTERNAL_ERROR, on_internal_error},
        {EXIT_REASON_EXTERNAL_INTERRUPT, on_interrupt},
    };
    if (vm_register_unhandled_ioport_callback(m->vm, on_unclaimed_port, m) ||
        vm_register_unhandled_mem_fault_callback(m->vm, on_unmapped, m))
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(handlers); i++)
        if (vcpuctx_register_exit_handler(m->vm, handlers[i].reason, handlers[i].fn, m) < 0)
            return -1;
    return vcpuctx_register_exit_observer(m->vm, observe, m);
}
