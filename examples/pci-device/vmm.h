/* vmm.h: what the example VMM (vmm.c, upstream API only) reports to its Linux-side main (main.c). */
#ifndef EXAMPLE_VMM_H
#define EXAMPLE_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include <sel4vm/guest_vm.h>

struct vmm_result {
    unsigned bar;      /* where the guest found the device's I/O BAR */
    unsigned answer;   /* what the guest wrote back after asking the device */
    unsigned irq_line; /* the interrupt line the guest read from the device's configuration space */
    bool halted;       /* vm_run ended at the guest's HLT */
};

/**
 * Run the guest image on vm (made by the caller, with RAM at 0) to its end.
 * @return 0 when vm_run ended without an error, -1 otherwise
 */
int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r);

#endif /* EXAMPLE_VMM_H */
