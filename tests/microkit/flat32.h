/* flat32.h: the test VMMs' guest state, written as a libvmm VMM writes it: 32-bit protected mode with flat
   segments (CS 0x08, data 0x10, as the test guests' own GDT), no paging, RIP at entry. */
#ifndef TESTS_MICROKIT_FLAT32_H
#define TESTS_MICROKIT_FLAT32_H

#include <microkit.h>

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
#define VMX_GUEST_RIP                          0x0000681E
#define VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS 0x00004002
#define VMX_CONTROL_ENTRY_INTERRUPTION_INFO    0x00004016

static inline void flat32_setup(seL4_Word rip)
{
    for (int seg = 0; seg < 6; seg++) {
        microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_SELECTOR + 2 * seg, seg == 1 ? 0x08 : 0x10);
        microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_BASE + 2 * seg, 0);
        microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_LIMIT + 2 * seg, 0xffffffff);
        microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_ES_ACCESS_RIGHTS + 2 * seg, seg == 1 ? 0xc09b : 0xc093);
    }
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_TR_ACCESS_RIGHTS, 0x8b);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_TR_LIMIT, 0xff);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_LDTR_ACCESS_RIGHTS, 0x10000);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_CR0, 0x11);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_CR4, 0);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RSP, 0x8000);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RFLAGS, 0x2);
    microkit_vcpu_x86_write_vmcs(0, VMX_GUEST_RIP, rip);
}

#endif /* TESTS_MICROKIT_FLAT32_H */
