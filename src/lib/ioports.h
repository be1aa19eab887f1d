/* ioports.h: ioports.c, libsel4vm's I/O port registry: I/O exits go to the handler of the range holding the port. */
#ifndef VCPUCTX_IOPORTS_H
#define VCPUCTX_IOPORTS_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* A VM's port registry: upstream's list, sorted by start, no overlaps. */
struct ioport_registry {
    vm_io_port_list_t list;
    int cap;       /* room in list */
    unsigned hint; /* the index of the range last found */
    unhandled_ioport_callback_fn unhandled_cb;
    void *unhandled_cookie;
};

/* Handle the current I/O exit through the registry (an IO_FAULT_* value); drop the range that starts at start (a
   registration undone). */
int ioport_dispatch(struct vm_vcpu *vcpu);
void ioport_remove(struct vm *vm, uint16_t start);

/* An I/O exit's data in run, a mapping of room bytes (io.count elements of io.size bytes), or NULL when KVM put
   it outside the mapping. Inline: the registry asks it at every I/O exit (vcpuctx_exit_data is the public form). */
static inline uint8_t *exit_io_data(struct kvm_run *run, size_t room)
{
    size_t n = (size_t)run->io.size * run->io.count;
    if (run->io.data_offset > room || n > room - run->io.data_offset)
        return NULL;
    return (uint8_t *)run + run->io.data_offset;
}

#pragma GCC visibility pop

#endif /* VCPUCTX_IOPORTS_H */
