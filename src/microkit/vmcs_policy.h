/* vmcs_policy.h: vmcs_policy.c, which VMCS fields seL4's x86 vCPU invocations let a VMM read and write
   (seL4_X86_VCPU_ReadVMCS, _WriteVMCS), as seL4's kernel decodes them; anything else is seL4_IllegalOperation. */
#ifndef VCPUCTX_MK_VMCS_POLICY_H
#define VCPUCTX_MK_VMCS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

bool mk_vmcs_readable(uint32_t field);
bool mk_vmcs_writable(uint32_t field);

/* seL4 applies the VMX capability MSRs' fixed bits to a written guest CR0 and CR4 (decodeWriteVMCS:
   applyFixedBits, on 32 bits): must-be-1 bits set, may-be-1 bits kept, the rest cleared. These are the bits a
   VT-x CPU with the vCPU's CPUID reports: CR0 must have NE (PE and PG need not: unrestricted guest, as seL4
   treats it where the CPU has it), CR4 must have VMXE and may have only what the CPUID offers (SDM, appendix
   A.8, as KVM's nested VMX derives it). */
struct mk_cr_fixed {
    uint32_t cr0_must, cr0_may, cr4_must, cr4_may;
};
#define MK_CR0_NE   (1u << 5)
#define MK_CR4_VMXE (1u << 13)
/* From CPUID leaf 1 and leaf 7 subleaf 0 (EAX, EBX, ECX, EDX; zeros for a leaf the vCPU lacks). */
struct mk_cr_fixed mk_cr_fixed_of(const uint32_t leaf1[4], const uint32_t leaf7[4]);
static inline uint32_t mk_cr_apply(uint64_t value, uint32_t must, uint32_t may)
{
    return ((uint32_t)value | must) & may;
}

#endif /* VCPUCTX_MK_VMCS_POLICY_H */
