/* vmcs_policy.h: vmcs_policy.c, which VMCS fields seL4's x86 vCPU invocations let a VMM read and write
   (seL4_X86_VCPU_ReadVMCS, _WriteVMCS), as seL4's kernel decodes them; anything else is seL4_IllegalOperation. */
#ifndef VCPUCTX_MK_VMCS_POLICY_H
#define VCPUCTX_MK_VMCS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

bool mk_vmcs_readable(uint32_t field);
bool mk_vmcs_writable(uint32_t field);

#endif /* VCPUCTX_MK_VMCS_POLICY_H */
