/* irq.h: irq.c, libsel4vm's IRQ interface on KVM's in-kernel interrupt controllers. */
#ifndef VCPUCTX_IRQ_H
#define VCPUCTX_IRQ_H

#include "common.h"

#pragma GCC visibility push(hidden)

struct irq_ack; /* one vm_register_irq */

/* Call the ack callbacks of the IRQs the guest has EOIed since the last look (vm_run, at each exit); free them
   all (vm destroy). */
void irq_deliver_acks(struct vm *vm);
void irq_free_all(struct vm *vm);

#pragma GCC visibility pop

#endif /* VCPUCTX_IRQ_H */
