/* vmm.h: what the example VMM (vmm.c, upstream API only) reports to its Linux-side main (main.c). */
#ifndef EXAMPLE_VMM_H
#define EXAMPLE_VMM_H

#include <stdbool.h>
#include <stddef.h>

#include <sel4vm/guest_vm.h>

struct vmm_result {
    char console[256]; /* what the guest wrote to the console's port 0 */
    size_t console_len;
    unsigned reads; /* sectors the disk's backend read */
    bool halted;    /* vm_run ended at the guest's HLT */
};

/**
 * Run the guest image on vm (made by the caller, with RAM at 0) to its end.
 * @return 0 when vm_run ended without an error, -1 otherwise
 */
int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r);

#endif /* EXAMPLE_VMM_H */
