/* sel4vm/guest_irq_controller.h: libsel4vm's IRQ interface, on KVM's in-kernel PIC and IOAPIC. */
#ifndef SEL4VM_GUEST_IRQ_CONTROLLER_H
#define SEL4VM_GUEST_IRQ_CONTROLLER_H

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* IRQ lines a VMM drives: KVM's GSIs 0-23. 0-15 reach the PIC and the IOAPIC, as the ISA lines of a PC do;
   16-23 the IOAPIC only. (Upstream's userspace i8259 has 16.) */
#define VCPUCTX_IRQ_LINES 24

/**
 * Called when the guest acknowledges an IRQ registered with vm_register_irq:
 * at its EOI to the PIC (or, for a level-triggered IOAPIC pin, the IOAPIC).
 * @param vcpu   the boot vCPU
 * @param irq    the IRQ line
 * @param cookie as registered
 */
typedef void (*irq_ack_fn_t)(vm_vcpu_t *vcpu, int irq, void *cookie);

/**
 * Install the default interrupt controller into the VM: on KVM the in-kernel
 * PIC, IOAPIC and local APICs, and the PIT (as vcpuctx_vm_enable_irqchip).
 * KVM creates them before any vCPU: call this before vm_create_vcpu.
 * @param vm handle to the VM
 * @return 0 on success, otherwise -1 with errno (EBUSY: vCPUs exist or it is
 *         installed already; EOPNOTSUPP: KVM has no in-kernel irqchip)
 */
int vm_create_default_irq_controller(vm_t *vm);

/**
 * Set the level of an IRQ line of the VM's interrupt controller
 * (KVM_IRQ_LINE): 1 raises it, 0 lowers it. An edge-triggered input (the PIC's
 * lines after reset) takes an interrupt on the rising edge; a level-triggered
 * one for as long as the line is high and not acknowledged.
 * @param vcpu      handle to a vCPU of the VM (the controller is the VM's)
 * @param irq       IRQ number, 0 to VCPUCTX_IRQ_LINES - 1
 * @param irq_level the level: 0 low, anything else high
 * @return 0 on success, otherwise -1 with errno (EINVAL: NULL vcpu or irq out
 *         of range; ENODEV: no interrupt controller installed)
 */
int vm_set_irq_level(vm_vcpu_t *vcpu, int irq, int irq_level);

/**
 * Inject an IRQ into the VM's interrupt controller: the line goes high, then
 * low (an edge), as upstream's vm_inject_irq toggles it.
 * @param vcpu handle to a vCPU of the VM
 * @param irq  IRQ number, 0 to VCPUCTX_IRQ_LINES - 1
 * @return 0 on success, otherwise -1 with errno as vm_set_irq_level
 */
int vm_inject_irq(vm_vcpu_t *vcpu, int irq);

/**
 * Register an IRQ's acknowledgement callback (upstream's). On KVM an irqfd
 * with a resample eventfd on the line, which KVM signals at each EOI of it;
 * vm_run looks at every exit and calls ack_fn once for the EOIs since the
 * last look, before the exit is dispatched. So an ack reaches the VMM at the
 * guest's next exit, not at the EOI itself: a guest that EOIs and then halts
 * with no other interrupt pending waits for the next exit of any kind (an
 * interrupt the VMM raises by other means, or a kick). Registering again
 * replaces the callback; NULL removes it.
 * @param vcpu   a vCPU of the VM
 * @param irq    the line, 0..VCPUCTX_IRQ_LINES-1
 * @param ack_fn the callback, or NULL
 * @param cookie passed to it
 * @return 0, or -1 with errno: EINVAL (NULL vcpu, irq out of range), ENODEV
 *         (no interrupt controller installed), or KVM's (KVM_IRQFD)
 */
int vm_register_irq(vm_vcpu_t *vcpu, int irq, irq_ack_fn_t ack_fn, void *cookie);

#endif /* SEL4VM_GUEST_IRQ_CONTROLLER_H */
