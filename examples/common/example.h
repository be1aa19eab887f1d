/* example.h: what the example VMMs share. Their vmm.c (upstream's headers only) sets a vCPU up with
   example_real_mode; their main.c (the Linux side) starts with example_start. */
#ifndef EXAMPLE_COMMON_H
#define EXAMPLE_COMMON_H

#include <stddef.h>

#include <sel4vm/guest_vm.h>

/* Real mode at 0000:entry with SP 0x7000 and flat segments, as a VMM sets a vCPU up through VMCS fields. 0 or
   -1. (real_mode.c, upstream's API alone) */
int example_real_mode(vm_vcpu_t *vcpu, seL4_Word entry);

/* The Linux side's start: GUEST.bin (argv[1]) read into image (at most size bytes; *n read) and a VM of ram bytes
   (seL4's vm_init does this there). 0, or the status main exits with after one line on stderr: 2 for bad usage, an
   unreadable image or no VM, 77 where there is no /dev/kvm (the test is skipped). (start.c) */
int example_start(int argc, char **argv, const char *name, void *image, size_t size, size_t ram, size_t *n, vm_t **vm);

#endif /* EXAMPLE_COMMON_H */
