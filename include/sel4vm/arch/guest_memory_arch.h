/* sel4vm/arch/guest_memory_arch.h: libsel4vm's x86 memory header, empty upstream and here: it exists to be included. */
#ifndef SEL4VM_ARCH_GUEST_MEMORY_ARCH_H
#define SEL4VM_ARCH_GUEST_MEMORY_ARCH_H

#endif /* SEL4VM_ARCH_GUEST_MEMORY_ARCH_H */
