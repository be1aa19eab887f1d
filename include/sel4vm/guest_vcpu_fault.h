/* sel4vm/guest_vcpu_fault.h: libsel4vm's vCPU fault interface: the memory fault (EPT violation) being handled. */
#ifndef SEL4VM_GUEST_VCPU_FAULT_H
#define SEL4VM_GUEST_VCPU_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/*
 * On KVM a memory fault is an MMIO exit (EXIT_REASON_EPT_VIOLATION): a
 * guest-physical address with no memory behind it. Each function reads or
 * completes the vCPU's current one; called after any other exit, those that
 * return a value return 0 (false) and set errno to EINVAL. An access wider
 * than a seL4_Word (an 8-byte one in the ia32 ABI) has data no seL4_Word
 * holds: the data functions answer as after another exit, and only
 * advance_vcpu_fault takes it (its data, for a read, is what
 * vcpuctx_exit_data's bytes hold).
 */

/**
 * Get the guest-physical address of the vCPU's current memory fault.
 * @param vcpu handle to the vCPU
 * @return the address (VMX_DATA_GUEST_PHYSICAL)
 */
seL4_Word get_vcpu_fault_address(vm_vcpu_t *vcpu);

/**
 * Get the instruction pointer of the vCPU's current memory fault.
 * @param vcpu handle to the vCPU
 * @return RIP of the faulting instruction
 */
seL4_Word get_vcpu_fault_ip(vm_vcpu_t *vcpu);

/**
 * Get the data of the current memory fault: what a write stores (the bytes
 * KVM decoded, whatever the instruction's operand: a register or an
 * immediate), or for a read what set_vcpu_fault_data has given so far.
 * @param vcpu handle to the vCPU
 * @return the data, zero-extended from get_vcpu_fault_size bytes
 */
seL4_Word get_vcpu_fault_data(vm_vcpu_t *vcpu);

/**
 * Get the data mask of the current memory fault, as upstream computes it:
 * the access size's low bytes, shifted left by the address's offset in its
 * 32-bit word ((address & 3) * 8).
 * @param vcpu handle to the vCPU
 * @return the mask (0 for an access size other than 1, 2 or 4)
 */
seL4_Word get_vcpu_fault_data_mask(vm_vcpu_t *vcpu);

/**
 * Get the access size of the current memory fault.
 * @param vcpu handle to the vCPU
 * @return the size in bytes (1, 2, 4 or 8)
 */
size_t get_vcpu_fault_size(vm_vcpu_t *vcpu);

/**
 * Is the current memory fault a read?
 * @param vcpu handle to the vCPU
 * @return true for a read, false for a write
 */
bool is_vcpu_read_fault(vm_vcpu_t *vcpu);

/**
 * Set the data a read fault returns: its low get_vcpu_fault_size bytes. KVM
 * puts them where the instruction reads to (a register, with the rest of it
 * as the instruction defines) when the fault is advanced.
 * @param vcpu handle to the vCPU
 * @param data the value read
 * @return 0 on success, otherwise -1 with errno EINVAL (no memory fault, or a
 *         write fault: it has no data to set)
 */
int set_vcpu_fault_data(vm_vcpu_t *vcpu, seL4_Word data);

/**
 * Emulate the current fault on a given value, as upstream does: for a write,
 * data with the written bytes merged in under get_vcpu_fault_data_mask; for
 * a read, data with the fault's data merged into its low bytes.
 * @param vcpu handle to the vCPU
 * @param data the value the fault applies to (a device register)
 * @return the result of the emulation
 */
seL4_Word emulate_vcpu_fault(vm_vcpu_t *vcpu, seL4_Word data);

/**
 * Advance past the current fault, of any width: the faulting instruction
 * completes (a read with the data set) and the guest resumes after it at the
 * next entry.
 * @param vcpu handle to the vCPU
 */
void advance_vcpu_fault(vm_vcpu_t *vcpu);

/**
 * Restart the current fault: the guest resumes at the faulting instruction,
 * which runs again (as upstream on x86, this leaves the fault as it is).
 * @param vcpu handle to the vCPU
 */
void restart_vcpu_fault(vm_vcpu_t *vcpu);

#endif /* SEL4VM_GUEST_VCPU_FAULT_H */
