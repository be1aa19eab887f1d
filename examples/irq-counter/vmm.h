/* vmm.h: what the example VMM (vmm.c, upstream API only) reports to its Linux-side main (main.c). */
#ifndef EXAMPLE_VMM_H
#define EXAMPLE_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include <sel4vm/guest_vm.h>

struct vmm_result {
    unsigned ticks;       /* IRQs the VMM injected */
    unsigned guest_count; /* interrupts the guest's handler counted, from the mailbox */
    unsigned verdict;     /* the guest's own comparison of the two: 1 when they agree */
    bool powered_off;     /* vm_run ended at the guest's power-off write, not for any other reason */
};

/**
 * Run the guest image on vm (made by the caller, with RAM at 0) to its end.
 * @param vm    a VM without vCPUs
 * @param image the guest, loaded at 0x1000
 * @param size  its size
 * @param r     filled with what happened
 * @return 0 when vm_run ended without an error, -1 otherwise
 */
int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r);

#endif /* EXAMPLE_VMM_H */
