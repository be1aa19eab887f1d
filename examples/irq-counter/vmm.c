/* vmm.c: an seL4-style VMM on libsel4vm's API alone: a mailbox behind a memory reservation, a tick port, IRQ 5. */
#include <stdio.h>
#include <string.h>

#include <sel4vm/arch/guest_x86_context.h>
#include <sel4vm/arch/ioports.h>
#include <sel4vm/arch/vmcs_fields.h>
#include <sel4vm/arch/vmexit_reasons.h>
#include <sel4vm/boot.h>
#include <sel4vm/guest_irq_controller.h>
#include <sel4vm/guest_memory.h>
#include <sel4vm/guest_ram.h>
#include <sel4vm/guest_vcpu_fault.h>
#include <sel4vm/guest_vm.h>
#include <sel4vm/guest_vm_exits.h>

#include "../common/example.h"
#include "vmm.h"

#define GUEST_ENTRY  0x1000
#define TICK_PORT    0x500
#define TICK_IRQ     5
#define MAILBOX_BASE 0xd0000
#define MAILBOX_SIZE 0x1000

/* The tick port: each OUT raises IRQ 5 once, as a timer device model would. */
static ioport_fault_result_t tick_out(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                      unsigned int value)
{
    unsigned *ticks = cookie;
    (void)port_no, (void)size, (void)value;
    if (vm_inject_irq(vcpu, TICK_IRQ) < 0)
        return IO_FAULT_ERROR;
    ++*ticks;
    return IO_FAULT_HANDLED;
}

/* The mailbox, a memory fault callback on the vCPU fault interface: offset 0 takes the guest's count, 2 reads the
   VMM's, 4 takes the guest's verdict, and a write to 6 powers off: that fault is left unhandled, which ends vm_run
   (it returns 0, as upstream's does for an unhandled exit). */
static memory_fault_result_t mailbox_fault(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t paddr, size_t len, void *cookie)
{
    struct vmm_result *r = cookie;
    (void)vm, (void)len;
    uintptr_t offset = paddr - MAILBOX_BASE;
    if (is_vcpu_read_fault(vcpu)) {
        if (offset != 2 || set_vcpu_fault_data(vcpu, r->ticks) < 0)
            return FAULT_ERROR;
    } else if (offset == 0) {
        r->guest_count = (unsigned)get_vcpu_fault_data(vcpu);
    } else if (offset == 4) {
        r->verdict = (unsigned)get_vcpu_fault_data(vcpu);
    } else if (offset == 6) {
        return FAULT_UNHANDLED;
    } else {
        return FAULT_ERROR;
    }
    advance_vcpu_fault(vcpu);
    return FAULT_HANDLED;
}

int vmm_run(vm_t *vm, void *image, size_t size, struct vmm_result *r)
{
    memset(r, 0, sizeof(*r));
    if (vm_create_default_irq_controller(vm) < 0 || !vm_create_vcpu(vm, 100))
        return -1;
    vm_vcpu_t *vcpu = vm->vcpus[BOOT_VCPU];
    vm_ioport_interface_t tick = {.cookie = &r->ticks, .port_out = tick_out, .desc = "tick"};
    if (vm_io_port_add_handler(vm, (vm_ioport_range_t){TICK_PORT, TICK_PORT}, tick) < 0 ||
        !vm_reserve_memory_at(vm, MAILBOX_BASE, MAILBOX_SIZE, mailbox_fault, r) ||
        vm_ram_touch(vm, GUEST_ENTRY, size, vm_guest_ram_write_callback, image) < 0 ||
        example_real_mode(vcpu, GUEST_ENTRY) < 0)
        return -1;
    if (vcpu_start(vcpu) < 0 || vm_run(vm) < 0)
        return -1;
    seL4_Word reason = 0, gpa = 0;
    vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_REASON, &reason);
    vm_get_vmcs_field(vcpu, VMX_DATA_GUEST_PHYSICAL, &gpa);
    r->powered_off =
        vm->run.exit_reason == VM_GUEST_MMIO_EXIT && reason == EXIT_REASON_EPT_VIOLATION && gpa == MAILBOX_BASE + 6;
    return 0;
}
