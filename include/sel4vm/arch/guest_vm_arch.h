/* sel4vm/arch/guest_vm_arch.h: libsel4vm's x86 VM types: where the guest's APICs sit, the opaque state types. */
#ifndef SEL4VM_ARCH_GUEST_VM_ARCH_H
#define SEL4VM_ARCH_GUEST_VM_ARCH_H

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* Upstream's opaque types for its userspace local APIC and i8259 and its cached guest state, as opaque here: on
   KVM the interrupt controllers are in the kernel and the state cache is private to vcpuctx, so nothing in the
   API gives one out. */
typedef struct vm_lapic vm_lapic_t;
typedef struct i8259 i8259_t;
typedef struct guest_state guest_state_t;

/* Upstream's type of an exit handler in its x86 exit table (vm->arch, which is private to vcpuctx: register
   handlers with vcpuctx_register_exit_handler, whose handlers also take a cookie). */
typedef int (*vmexit_handler_ptr)(vm_vcpu_t *vcpu);

/* The guest-physical addresses of the local APIC and the IOAPIC: where KVM's in-kernel ones answer
   (vm_create_default_irq_controller), as on a PC. */
#define APIC_DEFAULT_PHYS_BASE    0xfee00000
#define IO_APIC_DEFAULT_PHYS_BASE 0xfec00000

#endif /* SEL4VM_ARCH_GUEST_VM_ARCH_H */
