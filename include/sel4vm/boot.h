/* sel4vm/boot.h: libsel4vm's boot interface: the boot vCPU and vm_create_vcpu (vm_init is seL4-only). */
#ifndef SEL4VM_BOOT_H
#define SEL4VM_BOOT_H

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* The vCPU that boots the guest: the first one created, the one vm_run runs. */
#define BOOT_VCPU 0

/**
 * Create a vCPU (upstream name). It starts in the x86 reset state
 * (CS F000 base FFFF0000, RIP FFF0, real mode), with the host's supported
 * CPUID. vm_run runs the first vCPU.
 * @param vm       the VM
 * @param priority accepted and ignored (seL4 thread priority)
 * @return the vCPU, or NULL with errno (EINVAL for a NULL vm, EBUSY when the
 *         VM already has VCPUCTX_MAX_VCPUS)
 */
vm_vcpu_t *vm_create_vcpu(vm_t *vm, int priority);

#endif /* SEL4VM_BOOT_H */
