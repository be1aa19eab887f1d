/* vmcs_policy.c: seL4's lists of the VMCS fields a VMM may write and read (src/arch/x86/object/vcpu.c,
   decodeWriteVMCS and decodeReadVMCS). One list: W fields are readable and writable, R fields readable only.
   seL4 applies the VMX capability MSRs' fixed bits to the controls, CR0 and CR4 it writes: CR0 and CR4 get them
   here too (mk_cr_fixed_of); the controls are kept as written and KVM checks them at the next entry
   (docs/microkit.md). */
#include <sel4vm/arch/vmcs_fields.h>

#include <stddef.h>

#include "vmcs_policy.h"

/* Guest PDPTEs: seL4's names, not in libsel4vm's vmcs_fields.h. */
#define MK_VMX_GUEST_PDPTE0 0x0000280A
#define MK_VMX_GUEST_PDPTE1 0x0000280C
#define MK_VMX_GUEST_PDPTE2 0x0000280E
#define MK_VMX_GUEST_PDPTE3 0x00002810

/* clang-format off */
#define MK_VMCS_POLICY(W, R)                    \
    W(VMX_GUEST_RIP)                            \
    W(VMX_GUEST_RSP)                            \
    W(VMX_GUEST_ES_SELECTOR)                    \
    W(VMX_GUEST_CS_SELECTOR)                    \
    W(VMX_GUEST_SS_SELECTOR)                    \
    W(VMX_GUEST_DS_SELECTOR)                    \
    W(VMX_GUEST_FS_SELECTOR)                    \
    W(VMX_GUEST_GS_SELECTOR)                    \
    W(VMX_GUEST_LDTR_SELECTOR)                  \
    W(VMX_GUEST_TR_SELECTOR)                    \
    W(VMX_GUEST_DEBUGCTRL)                      \
    W(VMX_GUEST_PAT)                            \
    W(VMX_GUEST_EFER)                           \
    W(VMX_GUEST_PERF_GLOBAL_CTRL)               \
    W(MK_VMX_GUEST_PDPTE0)                      \
    W(MK_VMX_GUEST_PDPTE1)                      \
    W(MK_VMX_GUEST_PDPTE2)                      \
    W(MK_VMX_GUEST_PDPTE3)                      \
    W(VMX_GUEST_ES_LIMIT)                       \
    W(VMX_GUEST_CS_LIMIT)                       \
    W(VMX_GUEST_SS_LIMIT)                       \
    W(VMX_GUEST_DS_LIMIT)                       \
    W(VMX_GUEST_FS_LIMIT)                       \
    W(VMX_GUEST_GS_LIMIT)                       \
    W(VMX_GUEST_LDTR_LIMIT)                     \
    W(VMX_GUEST_TR_LIMIT)                       \
    W(VMX_GUEST_GDTR_LIMIT)                     \
    W(VMX_GUEST_IDTR_LIMIT)                     \
    W(VMX_GUEST_ES_ACCESS_RIGHTS)               \
    W(VMX_GUEST_CS_ACCESS_RIGHTS)               \
    W(VMX_GUEST_SS_ACCESS_RIGHTS)               \
    W(VMX_GUEST_DS_ACCESS_RIGHTS)               \
    W(VMX_GUEST_FS_ACCESS_RIGHTS)               \
    W(VMX_GUEST_GS_ACCESS_RIGHTS)               \
    W(VMX_GUEST_LDTR_ACCESS_RIGHTS)             \
    W(VMX_GUEST_TR_ACCESS_RIGHTS)               \
    W(VMX_GUEST_INTERRUPTABILITY)               \
    W(VMX_GUEST_ACTIVITY)                       \
    W(VMX_GUEST_SMBASE)                         \
    W(VMX_GUEST_SYSENTER_CS)                    \
    W(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE)     \
    W(VMX_GUEST_ES_BASE)                        \
    W(VMX_GUEST_CS_BASE)                        \
    W(VMX_GUEST_SS_BASE)                        \
    W(VMX_GUEST_DS_BASE)                        \
    W(VMX_GUEST_FS_BASE)                        \
    W(VMX_GUEST_GS_BASE)                        \
    W(VMX_GUEST_LDTR_BASE)                      \
    W(VMX_GUEST_TR_BASE)                        \
    W(VMX_GUEST_GDTR_BASE)                      \
    W(VMX_GUEST_IDTR_BASE)                      \
    W(VMX_GUEST_DR7)                            \
    W(VMX_GUEST_RFLAGS)                         \
    W(VMX_GUEST_PENDING_DEBUG_EXCEPTIONS)       \
    W(VMX_GUEST_SYSENTER_ESP)                   \
    W(VMX_GUEST_SYSENTER_EIP)                   \
    W(VMX_CONTROL_CR0_MASK)                     \
    W(VMX_CONTROL_CR4_MASK)                     \
    W(VMX_CONTROL_CR0_READ_SHADOW)              \
    W(VMX_CONTROL_CR4_READ_SHADOW)              \
    W(VMX_GUEST_CR3)                            \
    W(VMX_CONTROL_EXCEPTION_BITMAP)             \
    W(VMX_CONTROL_ENTRY_INTERRUPTION_INFO)      \
    W(VMX_CONTROL_PIN_EXECUTION_CONTROLS)       \
    W(VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS)   \
    W(VMX_CONTROL_SECONDARY_PROCESSOR_CONTROLS) \
    W(VMX_CONTROL_ENTRY_CONTROLS)               \
    W(VMX_CONTROL_EXIT_CONTROLS)                \
    W(VMX_GUEST_CR0)                            \
    W(VMX_GUEST_CR4)                            \
    R(VMX_DATA_INSTRUCTION_ERROR)               \
    R(VMX_DATA_EXIT_INTERRUPT_INFO)             \
    R(VMX_DATA_EXIT_INTERRUPT_ERROR)            \
    R(VMX_DATA_IDT_VECTOR_INFO)                 \
    R(VMX_DATA_IDT_VECTOR_ERROR)                \
    R(VMX_DATA_EXIT_INSTRUCTION_LENGTH)         \
    R(VMX_DATA_EXIT_INSTRUCTION_INFO)           \
    R(VMX_DATA_GUEST_PHYSICAL)                  \
    R(VMX_DATA_IO_RCX)                          \
    R(VMX_DATA_IO_RSI)                          \
    R(VMX_DATA_IO_RDI)                          \
    R(VMX_DATA_IO_RIP)                          \
    R(VMX_DATA_GUEST_LINEAR_ADDRESS)
/* clang-format on */

/* Written, never read back by seL4's ReadVMCS. */
#define MK_VMCS_WRITE_ONLY VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE

#define AS_CASE(f) case f:
#define NONE(f)

bool mk_vmcs_readable(uint32_t field)
{
    switch (field) {
        MK_VMCS_POLICY(AS_CASE, AS_CASE)
        return true;
    default: return false;
    }
}

bool mk_vmcs_writable(uint32_t field)
{
    switch (field) {
        MK_VMCS_POLICY(AS_CASE, NONE)
    case MK_VMCS_WRITE_ONLY: return true;
    default: return false;
    }
}

/* CR4 bits and the CPUID bits that allow them (SDM Vol. 3 A.8; KVM's nested_vmx_cr_fixed1_bits_update). */
static const struct {
    uint32_t cr4;
    uint8_t leaf7, reg, bit; /* leaf 7 (else 1); register EAX 0 .. EDX 3 */
} cr4_by_cpuid[] = {
    {1u << 11, 1, 2, 2},  /* UMIP: 7.ECX[2] */
    {1u << 12, 1, 2, 16}, /* LA57: 7.ECX[16] */
    {1u << 14, 0, 2, 6},  /* SMXE: 1.ECX[6] */
    {1u << 16, 1, 1, 0},  /* FSGSBASE: 7.EBX[0] */
    {1u << 17, 0, 2, 17}, /* PCIDE: 1.ECX[17] */
    {1u << 18, 0, 2, 26}, /* OSXSAVE: 1.ECX[26] */
    {1u << 20, 1, 1, 7},  /* SMEP: 7.EBX[7] */
    {1u << 21, 1, 1, 20}, /* SMAP: 7.EBX[20] */
    {1u << 22, 1, 2, 3},  /* PKE: 7.ECX[3] */
    {1u << 23, 1, 2, 7},  /* CET: 7.ECX[7] (shadow stacks) */
    {1u << 23, 1, 3, 20}, /* CET: 7.EDX[20] (IBT) */
    {1u << 24, 1, 2, 31}, /* PKS: 7.ECX[31] */
};

struct mk_cr_fixed mk_cr_fixed_of(const uint32_t leaf1[4], const uint32_t leaf7[4])
{
    /* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT, and VMXE: every VT-x CPU allows them. */
    uint32_t may = 0x7ffu | MK_CR4_VMXE;
    for (size_t i = 0; i < sizeof(cr4_by_cpuid) / sizeof(cr4_by_cpuid[0]); i++) {
        const uint32_t *leaf = cr4_by_cpuid[i].leaf7 ? leaf7 : leaf1;
        if (leaf[cr4_by_cpuid[i].reg] >> cr4_by_cpuid[i].bit & 1)
            may |= cr4_by_cpuid[i].cr4;
    }
    return (struct mk_cr_fixed){MK_CR0_NE, 0xffffffffu, MK_CR4_VMXE, may};
}
