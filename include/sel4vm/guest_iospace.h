/* sel4vm/guest_iospace.h: libsel4vm's IOMMU I/O space header. Its one function is seL4-only: nothing is declared. */
#ifndef SEL4VM_GUEST_IOSPACE_H
#define SEL4VM_GUEST_IOSPACE_H

#include <sel4vm/guest_vm.h>

/* Upstream declares vm_guest_add_iospace(vm, loader, iospace): it hands the guest an seL4 IOMMU I/O space
   capability. Linux has no such capability (device passthrough on KVM is VFIO's, outside this library), so the
   function is not declared here: code that calls it fails to build at the call, not at this #include. */

#endif /* SEL4VM_GUEST_IOSPACE_H */
