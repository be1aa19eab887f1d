/* sel4vm/arch/guest_x86_context.h: get and set a vCPU's registers and VMCS fields (libsel4vm API). */
#ifndef SEL4VM_ARCH_GUEST_X86_CONTEXT_H
#define SEL4VM_ARCH_GUEST_X86_CONTEXT_H

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* The guest registers held in a seL4_VCPUContext, in upstream order. */
typedef enum vcpu_context_reg {
    VCPU_CONTEXT_EAX = 0,
    VCPU_CONTEXT_EBX,
    VCPU_CONTEXT_ECX,
    VCPU_CONTEXT_EDX,
    VCPU_CONTEXT_ESI,
    VCPU_CONTEXT_EDI,
    VCPU_CONTEXT_EBP,
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    VCPU_CONTEXT_R8,
    VCPU_CONTEXT_R9,
    VCPU_CONTEXT_R10,
    VCPU_CONTEXT_R11,
    VCPU_CONTEXT_R12,
    VCPU_CONTEXT_R13,
    VCPU_CONTEXT_R14,
    VCPU_CONTEXT_R15,
#endif
} vcpu_context_reg_t;

/**
 * Set a vCPU's general-purpose registers from a seL4_VCPUContext.
 * The new values take effect at the next guest entry; a get before then
 * returns them.
 * @param vcpu    handle to the vCPU (not running)
 * @param context the register values to apply
 * @return 0 on success; -1 with errno EINVAL for a NULL vcpu, or the errno of a
 *         failed KVM call (state unchanged)
 */
int vm_set_thread_context(vm_vcpu_t *vcpu, seL4_VCPUContext context);

/**
 * Set one general-purpose register of a vCPU.
 * @param vcpu  handle to the vCPU
 * @param reg   register, one of vcpu_context_reg_t
 * @param value value to set (in the ia32 ABI the upper 32 bits are cleared)
 * @return 0 on success; -1 with errno EINVAL for a NULL vcpu or a register out
 *         of range (state unchanged)
 */
int vm_set_thread_context_reg(vm_vcpu_t *vcpu, vcpu_context_reg_t reg, seL4_Word value);

/**
 * Get a vCPU's general-purpose registers. Works whenever the vCPU is not
 * running, including before its first run.
 * @param vcpu    handle to the vCPU
 * @param context where to store the registers
 * @return 0 on success; -1 with errno EINVAL for a NULL argument (*context
 *         untouched)
 */
int vm_get_thread_context(vm_vcpu_t *vcpu, seL4_VCPUContext *context);

/**
 * Get one general-purpose register of a vCPU.
 * @param vcpu  handle to the vCPU
 * @param reg   register, one of vcpu_context_reg_t
 * @param value where to store the value
 * @return 0 on success; -1 with errno EINVAL for a NULL argument or a register
 *         out of range (*value untouched)
 */
int vm_get_thread_context_reg(vm_vcpu_t *vcpu, vcpu_context_reg_t reg, seL4_Word *value);

/**
 * Write a VMCS field (see sel4vm/arch/vmcs_fields.h and docs/api.md's field
 * table for what each field is backed by). Guest-state fields change what the
 * guest sees at its next entry; control fields act as documented.
 * @param vcpu  handle to the vCPU
 * @param field VMCS encoding (a 64-bit field's high half is encoding + 1)
 * @param value new value
 * @return 0 on success; -1 with errno EINVAL (NULL vcpu, unknown field, or a
 *         value KVM refuses), EPERM (read-only field) or ERANGE (value wider
 *         than the field or with reserved bits set); nothing changed on error
 */
int vm_set_vmcs_field(vm_vcpu_t *vcpu, seL4_Word field, seL4_Word value);

/**
 * Read a VMCS field: guest state as the guest left it, a control as last
 * written, exit information of the last exit.
 * @param vcpu  handle to the vCPU
 * @param field VMCS encoding (a 64-bit field's high half is encoding + 1)
 * @param value where to store the value
 * @return 0 on success; -1 with errno EINVAL (NULL argument, unknown field) or
 *         the errno of a failed KVM call; *value untouched on error
 */
int vm_get_vmcs_field(vm_vcpu_t *vcpu, seL4_Word field, seL4_Word *value);

#endif /* SEL4VM_ARCH_GUEST_X86_CONTEXT_H */
