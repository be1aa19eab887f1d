/* sel4vm/arch/guest_vm_arch.h: libsel4vm's x86 VM constants: where the guest's APICs sit. */
#ifndef SEL4VM_ARCH_GUEST_VM_ARCH_H
#define SEL4VM_ARCH_GUEST_VM_ARCH_H

/* The guest-physical addresses of the local APIC and the IOAPIC: where KVM's in-kernel ones answer
   (vm_create_default_irq_controller), as on a PC. The rest of upstream's header (struct vm_arch, the
   userspace LAPIC and i8259, VMCALL handlers) is not here yet: scripts/upstream-api.tsv. */
#define APIC_DEFAULT_PHYS_BASE    0xfee00000
#define IO_APIC_DEFAULT_PHYS_BASE 0xfec00000

#endif /* SEL4VM_ARCH_GUEST_VM_ARCH_H */
