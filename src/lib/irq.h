/* irq.h: irq.c, libsel4vm's IRQ interface on KVM's in-kernel interrupt controllers. */
#ifndef VCPUCTX_IRQ_H
#define VCPUCTX_IRQ_H

#include "common.h"

#pragma GCC visibility push(hidden)

struct irq_ack; /* one vm_register_irq */

/* A VM's interrupt lines: the in-kernel irqchip, and vm_register_irq's callbacks. */
struct irq_lines {
    bool chip; /* in-kernel PIC/IOAPIC/LAPIC and PIT */
    struct irq_ack *acks[VCPUCTX_IRQ_LINES];
    int nacks;
};

/* Call the ack callbacks of the IRQs the guest has EOIed since the last look (vm_run, at each exit); free them
   all (vm destroy). */
void irq_deliver_acks(struct vm *vm);
void irq_free_all(struct vm *vm);

#pragma GCC visibility pop

#endif /* VCPUCTX_IRQ_H */
