/* real_mode.c: a vCPU set up as the example VMMs' guests start, through VMCS fields alone. */
#include <sel4vm/arch/guest_x86_context.h>
#include <sel4vm/arch/vmcs_fields.h>
#include <sel4vm/guest_vm.h>

#include "example.h"

int example_real_mode(vm_vcpu_t *vcpu, seL4_Word entry)
{
    const seL4_Word fields[][2] = {
        {VMX_GUEST_CS_SELECTOR, 0}, {VMX_GUEST_CS_BASE, 0},  {VMX_GUEST_SS_SELECTOR, 0}, {VMX_GUEST_SS_BASE, 0},
        {VMX_GUEST_DS_SELECTOR, 0}, {VMX_GUEST_DS_BASE, 0},  {VMX_GUEST_ES_SELECTOR, 0}, {VMX_GUEST_ES_BASE, 0},
        {VMX_GUEST_RIP, entry},     {VMX_GUEST_RSP, 0x7000}, {VMX_GUEST_RFLAGS, 0x2},
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (vm_set_vmcs_field(vcpu, fields[i][0], fields[i][1]) < 0)
            return -1;
    return 0;
}
