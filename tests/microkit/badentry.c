/* badentry.c: a VMM PD whose guest state VT-x (and KVM) refuses at entry: CR0 with PG and without PE. Its first
   VMEnter must end as seL4's does for an entry failure, the fault message's reason and qualification all ones
   (handleVmEntryFail), and the runtime names the refused state in one line. V = 0 (status 1) when it does, else
   V = 1. */
#include <microkit.h>

#include "flat32.h"

#define DEBUG_EXIT_ID 1

void init(void)
{
    flat32_setup(0x1000);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_CR0, 0x80000010); /* PG without PE (NE comes from seL4's fixed bits) */
    microkit_vcpu_x86_on();
}

void notified(microkit_channel ch)
{
    (void)ch;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply)
{
    (void)child;
    (void)msginfo;
    (void)reply;
    seL4_Bool failed = microkit_mr_get(SEL4_VMENTER_FAULT_REASON_MR) == 0xffffffff &&
                       microkit_mr_get(SEL4_VMENTER_FAULT_QUALIFICATION_MR) == ~(seL4_Word)0;
    microkit_x86_ioport_write_8(DEBUG_EXIT_ID, 0xf4, failed ? 0 : 1);
    return seL4_False;
}
