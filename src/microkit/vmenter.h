/* vmenter.h: vmenter.c, a PD's virtual machine: made from the description's <virtual_machine>, entered by
   seL4's VMEnter as libmicrokit calls it, and the x86 vCPU invocations (vcpuctx_mk_vcpu_*, in microkit.h). */
#ifndef VCPUCTX_MK_VMENTER_H
#define VCPUCTX_MK_VMENTER_H

#include <stdint.h>

#include <microkit.h>

#include "ports.h"
#include "system.h"

/* Make the PD's VM and its vCPU, if the description gives it one: 0, or -1 after a line on stderr. */
int mk_vm_setup(struct mk_system *sys, unsigned int self, struct mk_ports *ports);
/* seL4_VMEnter with the state libmicrokit keeps: 1 when a VM exit ended it (the exit in the IPC buffer's
   SEL4_VMENTER_NUM_FAULT_MSGS message registers), 0 when a notification did (*badge set, the first three MRs
   filled). s is updated from the VMCS either way. */
int mk_vm_enter(seL4_IPCBuffer *ipc, struct microkit_x86_vcpu_state *s, uint64_t *badge);

#endif /* VCPUCTX_MK_VMENTER_H */
