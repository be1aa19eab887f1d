/* microkit.h: seL4 Microkit's protection-domain interface (libmicrokit's names, values and checks), on Linux and
   KVM: link the PD with libvcpuctx-microkit and start its system with vcpuctx-microkit. Where libmicrokit makes
   a seL4 system call, these make a call into the runtime (vcpuctx_mk_*), which does on Linux what the kernel
   does; docs/microkit.md says call by call what differs. x86_64 only, as Microkit's x86 support. */
#ifndef MICROKIT_H
#define MICROKIT_H

#include <sel4/sel4.h>
#include <sel4/arch/vmenter.h>

#ifdef VCPUCTX_ABI_IA32
#error "microkit.h: Microkit's x86 protection domains are x86_64; build with the x86_64 ABI"
#endif

typedef unsigned int microkit_channel;
typedef unsigned int microkit_child;
typedef unsigned int microkit_ioport;
typedef seL4_MessageInfo_t microkit_msginfo;

/* Capability slots as the Microkit tool lays them out: the runtime keeps the arithmetic (sDDF takes
   microkit_signal_cap - BASE_OUTPUT_NOTIFICATION_CAP as a channel), though no capabilities exist on Linux. */
#define MONITOR_EP                   5
#define TCB_CAP                      6
#define BASE_OUTPUT_NOTIFICATION_CAP 10
#define BASE_ENDPOINT_CAP            74
#define BASE_IRQ_CAP                 138
#define BASE_TCB_CAP                 202
#define BASE_VM_TCB_CAP              266
#define BASE_VCPU_CAP                330
#define BASE_IOPORT_CAP              394
#define BASE_USER_CAPS               458

#define MICROKIT_MAX_CHANNELS   62
#define MICROKIT_MAX_CHANNEL_ID (MICROKIT_MAX_CHANNELS - 1)
#define MICROKIT_MAX_IOPORT_ID  MICROKIT_MAX_CHANNELS
#define MICROKIT_PD_NAME_LENGTH 64

/* The label libmicrokit's deferred IRQ acknowledgement sends (seL4's IRQAckIRQ invocation). */
#define IRQAckIRQ 27

/* The PD's entry points. */
void init(void);
void notified(microkit_channel ch);
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo);
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);

extern char microkit_name[MICROKIT_PD_NAME_LENGTH];
extern seL4_Bool microkit_have_signal;
extern seL4_CPtr microkit_signal_cap;
extern seL4_MessageInfo_t microkit_signal_msg;

/* The three VMCS fields libmicrokit keeps beside the VMCS and passes to each VMEnter. */
struct microkit_x86_vcpu_state {
    seL4_Bool is_on;
    seL4_Word rip;
    seL4_Word prim_proc_ctl;
    seL4_Word irq_info;
};
extern struct microkit_x86_vcpu_state microkit_x86_vcpu_state;

/* Bits of the valid channel, IRQ, PPC and I/O port ids, from the system description. */
extern seL4_Word microkit_irqs;
extern seL4_Word microkit_notifications;
extern seL4_Word microkit_pps;
extern seL4_Word microkit_ioports;

void microkit_dbg_putc(int c);
void microkit_dbg_puts(const char *s);
void microkit_dbg_put8(seL4_Uint8 x);
void microkit_dbg_put32(seL4_Uint32 x);

/* The runtime's side of the calls below (libvcpuctx-microkit): each returns seL4_NoError or the error seL4
   would give. */
void vcpuctx_mk_crash(seL4_Error err) __attribute__((noreturn));
void vcpuctx_mk_signal(seL4_CPtr cap);
seL4_MessageInfo_t vcpuctx_mk_call(seL4_CPtr cap, seL4_MessageInfo_t msginfo);
seL4_Error vcpuctx_mk_ioport_out(microkit_ioport id, seL4_Word port, unsigned int size, seL4_Word value);
seL4_Error vcpuctx_mk_ioport_in(microkit_ioport id, seL4_Word port, unsigned int size, seL4_Word *value);
seL4_Error vcpuctx_mk_vcpu_read_vmcs(microkit_child vcpu, seL4_Word field, seL4_Word *value);
seL4_Error vcpuctx_mk_vcpu_write_vmcs(microkit_child vcpu, seL4_Word field, seL4_Word value);
seL4_Error vcpuctx_mk_vcpu_read_msr(microkit_child vcpu, seL4_Word field, seL4_Word *value);
seL4_Error vcpuctx_mk_vcpu_write_msr(microkit_child vcpu, seL4_Word field, seL4_Word value);
seL4_Error vcpuctx_mk_vcpu_write_regs(microkit_child vcpu, const seL4_VCPUContext *regs);
seL4_Error vcpuctx_mk_vcpu_ioport(microkit_child vcpu, int ioport_id, seL4_Word first, seL4_Word last);

/* libmicrokit crashes the PD on a failed system call; so does the runtime (the launcher names the PD). */
__attribute__((noreturn)) static inline void microkit_internal_crash(seL4_Error err)
{
    vcpuctx_mk_crash(err);
}

/* The check libmicrokit makes of a channel or I/O port id against its bitmask; false after saying why. */
static inline seL4_Bool microkit_internal_valid(seL4_Word mask, unsigned int id, unsigned int max, const char *fn)
{
    if (id <= max && (mask & (1ULL << id)))
        return seL4_True;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(fn);
    microkit_dbg_put32(id);
    microkit_dbg_puts("'\n");
    return seL4_False;
}

static inline void microkit_notify(microkit_channel ch)
{
    if (microkit_internal_valid(microkit_notifications, ch, MICROKIT_MAX_CHANNEL_ID,
                                " microkit_notify: invalid channel given '"))
        vcpuctx_mk_signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
}

static inline void microkit_irq_ack(microkit_channel ch)
{
    if (microkit_internal_valid(microkit_irqs, ch, MICROKIT_MAX_CHANNEL_ID,
                                " microkit_irq_ack: invalid channel given '"))
        vcpuctx_mk_signal(BASE_IRQ_CAP + ch);
}

static inline microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo)
{
    if (!microkit_internal_valid(microkit_pps, ch, MICROKIT_MAX_CHANNEL_ID,
                                 " microkit_ppcall: invalid channel given '"))
        return seL4_MessageInfo_new(0, 0, 0, 0);
    return vcpuctx_mk_call(BASE_ENDPOINT_CAP + ch, msginfo);
}

static inline microkit_msginfo microkit_msginfo_new(seL4_Word label, seL4_Uint16 count)
{
    return seL4_MessageInfo_new(label, 0, 0, count);
}

static inline seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_label(msginfo);
}

static inline seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_length(msginfo);
}

static inline void microkit_mr_set(seL4_Uint8 mr, seL4_Word value)
{
    seL4_SetMR(mr, value);
}

static inline seL4_Word microkit_mr_get(seL4_Uint8 mr)
{
    return seL4_GetMR(mr);
}

static inline void microkit_deferred_notify(microkit_channel ch)
{
    if (!microkit_internal_valid(microkit_notifications, ch, MICROKIT_MAX_CHANNEL_ID,
                                 " microkit_deferred_notify: invalid channel given '"))
        return;
    microkit_have_signal = seL4_True;
    microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
    microkit_signal_cap = BASE_OUTPUT_NOTIFICATION_CAP + ch;
}

static inline void microkit_deferred_irq_ack(microkit_channel ch)
{
    if (!microkit_internal_valid(microkit_irqs, ch, MICROKIT_MAX_CHANNEL_ID,
                                 " microkit_deferred_irq_ack: invalid channel given '"))
        return;
    microkit_have_signal = seL4_True;
    microkit_signal_msg = seL4_MessageInfo_new(IRQAckIRQ, 0, 0, 0);
    microkit_signal_cap = BASE_IRQ_CAP + ch;
}

/* I/O ports the system description gives the PD (<ioport id= addr= size=>). */
static inline seL4_Word microkit_internal_ioport_in(microkit_ioport id, seL4_Word port, unsigned int size,
                                                    const char *fn)
{
    seL4_Word value = 0;
    if (!microkit_internal_valid(microkit_ioports, id, MICROKIT_MAX_IOPORT_ID, fn))
        return 0;
    seL4_Error err = vcpuctx_mk_ioport_in(id, port, size, &value);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_x86_ioport_read: error reading data\n");
        microkit_internal_crash(err);
    }
    return value;
}

static inline void microkit_internal_ioport_out(microkit_ioport id, seL4_Word port, unsigned int size, seL4_Word data,
                                                const char *fn)
{
    if (!microkit_internal_valid(microkit_ioports, id, MICROKIT_MAX_IOPORT_ID, fn))
        return;
    seL4_Error err = vcpuctx_mk_ioport_out(id, port, size, data);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_x86_ioport_write: error writing data\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_x86_ioport_write_8(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    microkit_internal_ioport_out(ioport_id, port_addr, 1, data,
                                 " microkit_x86_ioport_write_8: invalid I/O Port ID given '");
}

static inline void microkit_x86_ioport_write_16(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    microkit_internal_ioport_out(ioport_id, port_addr, 2, data,
                                 " microkit_x86_ioport_write_16: invalid I/O Port ID given '");
}

static inline void microkit_x86_ioport_write_32(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    microkit_internal_ioport_out(ioport_id, port_addr, 4, data,
                                 " microkit_x86_ioport_write_32: invalid I/O Port ID given '");
}

static inline seL4_Uint8 microkit_x86_ioport_read_8(microkit_ioport ioport_id, seL4_Word port_addr)
{
    return (seL4_Uint8)microkit_internal_ioport_in(ioport_id, port_addr, 1,
                                                   " microkit_x86_ioport_read_8: invalid I/O Port ID given '");
}

static inline seL4_Uint16 microkit_x86_ioport_read_16(microkit_ioport ioport_id, seL4_Word port_addr)
{
    return (seL4_Uint16)microkit_internal_ioport_in(ioport_id, port_addr, 2,
                                                    " microkit_x86_ioport_read_16: invalid I/O Port ID given '");
}

static inline seL4_Uint32 microkit_x86_ioport_read_32(microkit_ioport ioport_id, seL4_Word port_addr)
{
    return (seL4_Uint32)microkit_internal_ioport_in(ioport_id, port_addr, 4,
                                                    " microkit_x86_ioport_read_32: invalid I/O Port ID given '");
}

/* The VMCS fields libmicrokit keeps in microkit_x86_vcpu_state rather than the VMCS. */
#define MICROKIT_VMX_GUEST_RIP                          0x0000681E
#define MICROKIT_VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS 0x00004002
#define MICROKIT_VMX_CONTROL_ENTRY_INTERRUPTION_INFO    0x00004016

static inline seL4_Word microkit_vcpu_x86_read_vmcs(microkit_child vcpu, seL4_Word field)
{
    seL4_Word value = 0;
    switch (field) {
    case MICROKIT_VMX_GUEST_RIP: return microkit_x86_vcpu_state.rip;
    case MICROKIT_VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS: return microkit_x86_vcpu_state.prim_proc_ctl;
    case MICROKIT_VMX_CONTROL_ENTRY_INTERRUPTION_INFO: return microkit_x86_vcpu_state.irq_info;
    default: {
        seL4_Error err = vcpuctx_mk_vcpu_read_vmcs(vcpu, field, &value);
        if (err != seL4_NoError) {
            microkit_dbg_puts("microkit_x86_read_vmcs: error reading data\n");
            microkit_internal_crash(err);
        }
        return value;
    }
    }
}

static inline void microkit_vcpu_x86_write_vmcs(microkit_child vcpu, seL4_Word field, seL4_Word value)
{
    switch (field) {
    case MICROKIT_VMX_GUEST_RIP: microkit_x86_vcpu_state.rip = value; break;
    case MICROKIT_VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS: microkit_x86_vcpu_state.prim_proc_ctl = value; break;
    case MICROKIT_VMX_CONTROL_ENTRY_INTERRUPTION_INFO: microkit_x86_vcpu_state.irq_info = value; break;
    default: {
        seL4_Error err = vcpuctx_mk_vcpu_write_vmcs(vcpu, field, value);
        if (err != seL4_NoError) {
            microkit_dbg_puts("microkit_x86_write_vmcs: error writing data\n");
            microkit_internal_crash(err);
        }
        break;
    }
    }
}

static inline seL4_Word microkit_vcpu_x86_read_msr(microkit_child vcpu, seL4_Word field)
{
    seL4_Word value = 0;
    seL4_Error err = vcpuctx_mk_vcpu_read_msr(vcpu, field, &value);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_x86_read_msr: error reading data\n");
        microkit_internal_crash(err);
    }
    return value;
}

static inline void microkit_vcpu_x86_write_msr(microkit_child vcpu, seL4_Word field, seL4_Word value)
{
    seL4_Error err = vcpuctx_mk_vcpu_write_msr(vcpu, field, value);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_x86_write_msr: error writing data\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_vcpu_x86_enable_ioport(microkit_child vcpu, microkit_ioport ioport_id, seL4_Word port_addr,
                                                   seL4_Word length)
{
    if (!microkit_internal_valid(microkit_ioports, ioport_id, MICROKIT_MAX_IOPORT_ID,
                                 " microkit_vcpu_x86_enable_ioport: invalid I/O Port ID given '"))
        return;
    seL4_Error err = vcpuctx_mk_vcpu_ioport(vcpu, (int)ioport_id, port_addr, port_addr + length - 1);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_vcpu_x86_enable_ioport: error enabling I/O Port\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_vcpu_x86_disable_ioport(microkit_child vcpu, seL4_Word port_addr, seL4_Word length)
{
    seL4_Error err = vcpuctx_mk_vcpu_ioport(vcpu, -1, port_addr, port_addr + length - 1);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_vcpu_x86_disable_ioport: error disabling I/O Port\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_vcpu_x86_write_regs(microkit_child vcpu, seL4_VCPUContext *regs)
{
    seL4_Error err = vcpuctx_mk_vcpu_write_regs(vcpu, regs);
    if (err != seL4_NoError) {
        microkit_dbg_puts("microkit_vcpu_x86_write_regs: error writing vCPU registers\n");
        microkit_internal_crash(err);
    }
}

static inline void microkit_vcpu_x86_on(void)
{
    microkit_x86_vcpu_state.is_on = seL4_True;
}

static inline void microkit_vcpu_x86_off(void)
{
    microkit_x86_vcpu_state.is_on = seL4_False;
}

#endif /* MICROKIT_H */
