/* vmm.c: a VMM protection domain in libvmm's style, on microkit.h alone: it loads a tiny 32-bit guest into the
   guest RAM region, starts its vCPU, and serves its exits from fault(): console bytes (port 0x3F8) to the
   serial driver PD, a read of port 0x500 answered by a call to the checker PD, a write to an MMIO page. The
   serial driver's "sent" notification becomes an interrupt (vector 0x30) injected into the guest. The guest
   ends the system itself through the board's debug exit, which the VMM passes through. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <microkit.h>
#include <sel4/arch/vmenter.h>

#include "ring.h"

/* VMCS fields (SDM Vol. 3 appendix B), as libvmm's vmcs.h names them. */
#define VMX_GUEST_ES_SELECTOR                  0x00000800
#define VMX_GUEST_ES_LIMIT                     0x00004800
#define VMX_GUEST_ES_ACCESS_RIGHTS             0x00004814
#define VMX_GUEST_ES_BASE                      0x00006806
#define VMX_GUEST_LDTR_ACCESS_RIGHTS           0x00004820
#define VMX_GUEST_TR_ACCESS_RIGHTS             0x00004822
#define VMX_GUEST_TR_LIMIT                     0x0000480E
#define VMX_GUEST_CR0                          0x00006800
#define VMX_GUEST_CR4                          0x00006804
#define VMX_GUEST_RSP                          0x0000681C
#define VMX_GUEST_RFLAGS                       0x00006820
#define VMX_GUEST_INTERRUPTABILITY             0x00004824
#define VMX_GUEST_RIP                          0x0000681E
#define VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS 0x00004002
#define VMX_CONTROL_ENTRY_INTERRUPTION_INFO    0x00004016

/* Exit reasons, and what the VMM asks of the controls. */
#define EXIT_INTERRUPT_WINDOW  7
#define EXIT_IO                30
#define EXIT_EPT_VIOLATION     48
#define PPC_IRQ_WINDOW_EXITING (1u << 2)
#define IRQ_INFO_VALID         (1u << 31)

#define GUEST_LOAD      0x1000
#define GUEST_VECTOR    0x30
#define CONSOLE_PORT    0x3f8
#define CHECK_PORT      0x500
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_ID   1 /* the VMM's I/O port id for it */
#define MMIO_PAGE       0xfeb00000u
#define SERIAL_CH       1
#define CHECKER_CH      2

uintptr_t guest_ram_vaddr;
uintptr_t serial_tx_vaddr;
extern const char _guest_image[], _guest_image_end[];

static bool irq_wanted;

/* Segment registers ES, CS, SS, DS, FS, GS are 2 apart in each group of fields. */
static void set_segment(int seg, seL4_Word selector, seL4_Word access)
{
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_SELECTOR + 2 * seg, selector);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_BASE + 2 * seg, 0);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_LIMIT + 2 * seg, 0xffffffff);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_ACCESS_RIGHTS + 2 * seg, access);
}

void init(void)
{
    memcpy((void *)(guest_ram_vaddr + GUEST_LOAD), _guest_image, (size_t)(_guest_image_end - _guest_image));
    for (int seg = 0; seg < 6; seg++)
        set_segment(seg, seg == 1 ? 0x08 : 0x10, seg == 1 ? 0xc09b : 0xc093); /* flat 32-bit, as the guest's GDT */
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_TR_ACCESS_RIGHTS, 0x8b);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_TR_LIMIT, 0xff);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_LDTR_ACCESS_RIGHTS, 0x10000);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_CR0, 0x11); /* PE, ET: protected mode, no paging */
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_CR4, 0);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RSP, 0x8000);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RFLAGS, 0x2);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RIP, GUEST_LOAD);
    microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, 0);
    microkit_vcpu_x86_enable_ioport(0, DEBUG_EXIT_ID, DEBUG_EXIT_PORT, 1);
    microkit_dbg_puts("vmm: starting the guest\n");
    microkit_vcpu_x86_on();
}

/* Inject the interrupt when the guest takes one now, else when it opens a window (an interrupt-window exit). */
static void try_inject(void)
{
    seL4_Word ppc = microkit_vcpu_x86_read_vmcs(0, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS);
    bool open = (microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_RFLAGS) & 0x200) &&
                !(microkit_vcpu_x86_read_vmcs(0, VMX_GUEST_INTERRUPTABILITY) & 3);
    if (open) {
        microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_ENTRY_INTERRUPTION_INFO, IRQ_INFO_VALID | GUEST_VECTOR);
        irq_wanted = false;
        ppc &= ~(seL4_Word)PPC_IRQ_WINDOW_EXITING;
    } else {
        irq_wanted = true;
        ppc |= PPC_IRQ_WINDOW_EXITING;
    }
    microkit_vcpu_x86_write_vmcs(0, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, ppc);
}

void notified(microkit_channel ch)
{
    if (ch == SERIAL_CH)
        try_inject();
}

static seL4_VCPUContext exit_context(void)
{
    seL4_VCPUContext c;
    memset(&c, 0, sizeof(c));
    memcpy(&c,
           (const seL4_Word[]){microkit_mr_get(SEL4_VMENTER_FAULT_EAX), microkit_mr_get(SEL4_VMENTER_FAULT_EBX),
                               microkit_mr_get(SEL4_VMENTER_FAULT_ECX), microkit_mr_get(SEL4_VMENTER_FAULT_EDX),
                               microkit_mr_get(SEL4_VMENTER_FAULT_ESI), microkit_mr_get(SEL4_VMENTER_FAULT_EDI),
                               microkit_mr_get(SEL4_VMENTER_FAULT_EBP)},
           7 * sizeof(seL4_Word));
    return c;
}

static bool handle_io(seL4_Word qual)
{
    uint16_t port = (uint16_t)(qual >> 16);
    bool in = qual & 8;
    seL4_VCPUContext c = exit_context();
    if (port == CONSOLE_PORT && !in) {
        ring_put((struct ring *)serial_tx_vaddr, (char)c.eax);
        if ((char)c.eax == '\n')
            microkit_notify(SERIAL_CH);
        return true;
    }
    if (port == CHECK_PORT && in) {
        microkit_mr_set(0, 21);
        microkit_msginfo reply = microkit_ppcall(CHECKER_CH, microkit_msginfo_new(0, 1));
        c.eax = microkit_msginfo_get_label(reply) == 0 ? microkit_mr_get(0) : 0;
        microkit_vcpu_x86_write_regs(0, &c);
        return true;
    }
    return false;
}

static bool handle_mmio(seL4_Word qual)
{
    seL4_Word gpa = microkit_mr_get(SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR);
    if (gpa != MMIO_PAGE || !(qual & 2))
        return false;
    bool ok = microkit_mr_get(SEL4_VMENTER_FAULT_EAX) == 0x1234abcd;
    microkit_dbg_puts(ok ? "vmm: the guest wrote 0x1234abcd to its MMIO page\n" : "vmm: bad MMIO write\n");
    return ok;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply)
{
    (void)child;
    (void)msginfo;
    (void)reply;
    seL4_Word reason = microkit_mr_get(SEL4_VMENTER_FAULT_REASON_MR);
    seL4_Word qual = microkit_mr_get(SEL4_VMENTER_FAULT_QUALIFICATION_MR);
    seL4_Word rip = microkit_mr_get(SEL4_VMENTER_CALL_EIP_MR);
    bool ok = false;
    if (reason == EXIT_INTERRUPT_WINDOW && irq_wanted) {
        try_inject();
        return seL4_True; /* the guest did not run an instruction: RIP stays */
    }
    if (reason == EXIT_IO)
        ok = handle_io(qual);
    else if (reason == EXIT_EPT_VIOLATION)
        ok = handle_mmio(qual);
    if (!ok) {
        microkit_dbg_puts("vmm: unexpected exit, reason ");
        microkit_dbg_put32((seL4_Uint32)reason);
        microkit_dbg_puts("; the guest stops\n");
        return seL4_False;
    }
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RIP, rip + microkit_mr_get(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR));
    return seL4_True;
}
