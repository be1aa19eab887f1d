/* sel4vmmplatsupport/arch/drivers/vmm_pci_helper.h: PCI configuration mechanism #1 (ports 0xCF8-0xCFF) over a
   vmm_pci_space_t, as libsel4vm port handlers: register them with vm_io_port_add_handler on
   X86_IO_PCI_CONFIG_START..X86_IO_PCI_CONFIG_END with the space as the cookie. */
#ifndef SEL4VMMPLATSUPPORT_ARCH_DRIVERS_VMM_PCI_HELPER_H
#define SEL4VMMPLATSUPPORT_ARCH_DRIVERS_VMM_PCI_HELPER_H

#include <sel4vm/arch/ioports.h>
#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/drivers/pci_helper.h>

/* The address port reads back what was written (bits 1:0 clear); a data-port read of no device, or with the
   address register's enable bit clear, reads all ones; a read of the header type clears its multi-function bit;
   an access across a register (a dword at 0xCFE) reads all ones and writes nothing; a callback's error, or no
   space, is IO_FAULT_ERROR. vcpu is unused. */
ioport_fault_result_t vmm_pci_io_port_in(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                         unsigned int *result);
ioport_fault_result_t vmm_pci_io_port_out(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                          unsigned int value);

#endif /* SEL4VMMPLATSUPPORT_ARCH_DRIVERS_VMM_PCI_HELPER_H */
