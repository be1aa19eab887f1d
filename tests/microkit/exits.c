/* exits.c: a VMM PD that checks, exit by exit, the VMEnter message the runtime gives against what seL4's kernel
   sends (src/arch/x86/object/vcpu.c: setMRs_vmexit, handleVmexit, vcpu_sysvmenter_reply_to_user): RIP at the
   exiting instruction, the controls as the VMM wrote them, the reason, the qualification for the reasons seL4
   sends one, the instruction length, RFLAGS, interruptibility, CR3 and the guest's registers. The guest is
   exits-guest.S. Ends the system with V = 0 (status 1), or V = the failed step (status 2V + 1). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <microkit.h>
#include <sel4/arch/vmenter.h>

#include "flat32.h"

#define DEBUG_EXIT_ID                        1
#define POKE_CH                              4
#define PPC_IRQ_WINDOW                       (1u << 2)
#define PPC_HLT_EXITING                      (1u << 7)
#define PIN_PREEMPTION_TIMER                 (1u << 6)
#define VMX_CONTROL_PIN_EXECUTION_CONTROLS   0x00004000
#define VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE 0x0000482E
#define IA32_VMX_MISC                        0x485
#define VMX_GUEST_ACTIVITY                   0x00004826

uintptr_t guest_ram_vaddr;
extern const char _guest_image[], _guest_image_end[];
static int step;
static seL4_Word ppc;

static void finish(unsigned int v)
{
    microkit_x86_ioport_write_8(DEBUG_EXIT_ID, 0xf4, v);
}

static void expect(bool ok, const char *what)
{
    if (ok)
        return;
    microkit_dbg_puts("exits: step ");
    microkit_dbg_put32((seL4_Uint32)step);
    microkit_dbg_puts(": ");
    microkit_dbg_puts(what);
    microkit_dbg_puts("\n");
    finish((unsigned int)step);
}

static void put_hex(seL4_Word v)
{
    for (int shift = 60; shift >= 0; shift -= 4)
        microkit_dbg_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void expect_eq(seL4_Word got, seL4_Word want, const char *what)
{
    if (got == want)
        return;
    microkit_dbg_puts("exits: got 0x");
    put_hex(got);
    microkit_dbg_puts(", want 0x");
    put_hex(want);
    microkit_dbg_puts("\n");
    expect(false, what);
}

static uint8_t guest_byte(seL4_Word gpa)
{
    return *(volatile uint8_t *)(guest_ram_vaddr + gpa);
}

static void set_ppc(seL4_Word v)
{
    ppc = v;
    microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, v);
}

void init(void)
{
    memcpy((void *)(guest_ram_vaddr + 0x1000), _guest_image, (size_t)(_guest_image_end - _guest_image));
    flat32_setup(0x1000);
    /* seL4's fixed bits: CR0.NE and CR4.VMXE read back set, as the VMCS holds them, though flat32 wrote neither */
    expect((microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_CR0) & 0x20) &&
               (microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_CR4) & 0x2000),
           "CR0.NE and CR4.VMXE are set, as seL4's fixed bits");
    set_ppc(0);
    microkit_vcpu_x86_on();
}

static seL4_Word mr(int i)
{
    return microkit_mr_get((seL4_Uint8)i);
}

/* What every exit message holds: the three call MRs as the VMM left them, RIP at an instruction of the guest's. */
static void common(seL4_Word reason, uint8_t opcode)
{
    expect_eq(mr(SEL4_VMENTER_FAULT_REASON_MR), reason, "reason");
    expect(mr(SEL4_VMENTER_CALL_CONTROL_PPC_MR) == ppc, "MR1 is the primary controls the VMM wrote");
    /* The timer's exit can come before the entry delivered step 6's injection: it is then still pending. */
    expect(step == 7 || !(mr(SEL4_VMENTER_CALL_INTERRUPT_INFO_MR) & (1u << 31)),
           "MR2: no injection left valid after an exit");
    expect(mr(SEL4_VMENTER_CALL_EIP_MR) == microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_RIP), "MR0 is RIP");
    if (opcode)
        expect(guest_byte(mr(SEL4_VMENTER_CALL_EIP_MR)) == opcode, "RIP at the exiting instruction");
    expect((mr(SEL4_VMENTER_FAULT_RFLAGS_MR) & 0x2) && mr(SEL4_VMENTER_FAULT_CR3_MR) == 0, "RFLAGS bit 1, CR3 0");
}

static void advance(void)
{
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RIP,
                                 mr(SEL4_VMENTER_CALL_EIP_MR) + mr(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR));
}

static void regs_answer(seL4_Word eax)
{
    seL4_VCPUContext c;
    memcpy(&c, (const seL4_Word *)seL4_GetIPCBuffer()->msg + SEL4_VMENTER_FAULT_EAX, sizeof(c));
    c.eax = eax;
    microkit_vcpu_x86_write_regs(0, &c);
}

static void inject(void)
{
    microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_ENTRY_INTERRUPTION_INFO, (1u << 31) | 0x30);
    set_ppc(ppc & ~(seL4_Word)PPC_IRQ_WINDOW);
}

static void io_steps(seL4_Word qual)
{
    if (step == 1) {
        common(30, 0xee);
        expect_eq(qual, 0x05100000, "OUT DX, AL: port 0x510, out, 1 byte, DX-encoded (bit 6 clear)");
        expect(mr(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR) == 1, "length 1");
        expect(mr(SEL4_VMENTER_FAULT_EAX) == 0xa5 && mr(SEL4_VMENTER_FAULT_EBX) == 0xb0b0b0b0 &&
                   mr(SEL4_VMENTER_FAULT_ECX) == 0xc0c0c0c0 && mr(SEL4_VMENTER_FAULT_EDX) == 0x510 &&
                   mr(SEL4_VMENTER_FAULT_ESI) == 0x51515151 && mr(SEL4_VMENTER_FAULT_EDI) == 0xd1d1d1d1 &&
                   mr(SEL4_VMENTER_FAULT_EBP) == 0xbbbbbbbb,
               "MR10..16 are EAX..EBP");
        expect(mr(SEL4_VMENTER_FAULT_GUEST_INT_MR) == 0, "no interrupt blocking");
    } else {
        common(30, 0x66);
        expect_eq(qual, 0x00520049, "IN AX, imm8: port 0x52, in (bit 3), 2 bytes, immediate (bit 6)");
        expect(mr(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR) == 3, "length 3");
        regs_answer(0x1234);
    }
    advance();
}

static void mmio_step(seL4_Word qual)
{
    common(48, 0);
    bool read = step == 3;
    expect(mr(SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR) == (read ? 0xfeb00010 : 0xfeb00020), "MR6 is the address");
    expect((qual & 3) == (read ? 1u : 2u), "EPT qualification: a read, or a write");
    expect(mr(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR) == (read ? 5u : 10u), "length of the MOV");
    if (read)
        regs_answer(0xcafe);
    advance();
    if (!read)
        set_ppc(ppc | PPC_HLT_EXITING);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply)
{
    (void)child;
    (void)reply;
    step++;
    seL4_Word qual = mr(SEL4_VMENTER_FAULT_QUALIFICATION_MR);
    expect(microkit_msginfo_get_count(msginfo) == SEL4_VMENTER_NUM_FAULT_MSGS, "25 message registers");
    if (step == 1 || step == 2) {
        io_steps(qual);
    } else if (step == 3 || step == 4) {
        mmio_step(qual);
    } else if (step == 5) {
        common(12, 0xf4);
        expect(qual == 0 && mr(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR) == 1, "HLT: no qualification, length 1");
        advance();
        set_ppc((ppc & ~(seL4_Word)PPC_HLT_EXITING) | PPC_IRQ_WINDOW);
    } else if (step == 6) {
        common(7, 0xfa); /* after the NOP in the STI shadow: at the CLI */
        expect(qual == 0, "interrupt window: seL4 sends no qualification");
        inject();
        expect((microkit_vcpu_x86_read_msr(0, IA32_VMX_MISC) & 0x1f) == 0, "the timer runs at the TSC's rate");
        microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, 1000000);
        microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_PIN_EXECUTION_CONTROLS, PIN_PREEMPTION_TIMER);
    } else if (step == 7 || step == 8) {
        common(52, 0);
        expect(step == 7 || guest_byte(mr(SEL4_VMENTER_CALL_EIP_MR) - 1) == 0xf4, "the timer ends the HLT after it");
        if (step == 7) {
            *(volatile uint32_t *)(guest_ram_vaddr + 0x7000) = 1;
            /* long enough (0.1 to 1 s of TSC) for the guest to reach its HLT even under emulation */
            microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, 1u << 28);
        } else {
            expect(microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_ACTIVITY) == 1, "the guest is in the HLT state");
            microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ACTIVITY, 0); /* wake it: it goes on after the HLT */
            microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_PIN_EXECUTION_CONTROLS, 0);
            microkit_notify(POKE_CH);
        }
    } else if (step == 9) {
        common(7, 0);
        inject();
    } else {
        common(30, 0xee);
        expect(qual >> 16 == 0x5f0, "the guest's own checks passed");
        finish(0);
    }
    return seL4_True;
}

void notified(microkit_channel ch)
{
    expect(ch == POKE_CH && step == 8, "a notification from poke, after the timer's HLT exit");
    expect(mr(SEL4_VMENTER_CALL_EIP_MR) == microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_RIP), "MR0 is RIP");
    expect(mr(SEL4_VMENTER_CALL_CONTROL_PPC_MR) == ppc, "MR1 is the VMM's controls");
    set_ppc(ppc | PPC_IRQ_WINDOW); /* the guest has IF clear: inject at its window */
}
