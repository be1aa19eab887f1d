/* ping.c: the ping PD of ping.system: each step checks one thing the runtime does, and the last ends the system
   through the debug exit with V = 0 (status 1) when all held, else V = the failed step (status 2V + 1). */
#include <microkit.h>

#define PONG       5
#define UART       0
#define DEBUG_EXIT 1
#define STEPS_PD   "ping"
#define UART_IRQ   3
#define COM1       0x3f8

#include "steps.h"

uintptr_t shared_vaddr;
uint64_t shared_size;

static void say(const char *s)
{
    while (*s)
        microkit_x86_ioport_write_8(UART, COM1, (seL4_Word)*s++);
}

void init(void)
{
    check(shared_vaddr == 0x40000000 && shared_size == 0x2000);
    check(microkit_pps == (1u << PONG) && microkit_notifications == (1u << PONG) && microkit_irqs == (1u << UART_IRQ));
    say("ping: init\n");
    microkit_x86_ioport_write_8(UART, COM1 + 4, 0x08); /* OUT2 */
    microkit_x86_ioport_write_8(UART, COM1 + 1, 0x02); /* transmitter-empty interrupt: it rises at once */
    microkit_notify(PONG);
}

static int irqs;

void notified(microkit_channel ch)
{
    if (ch == UART_IRQ) {
        irqs++;
        microkit_x86_ioport_read_8(UART, COM1 + 2); /* IIR: clears the interrupt */
        microkit_irq_ack(UART_IRQ);
        return;
    }
    check(ch == PONG);
    volatile uint32_t *word = (uint32_t *)shared_vaddr;
    if (step == 3) {
        check(*word == 0x706f6e67); /* pong wrote it through its own mapping */
        microkit_mr_set(0, 5);
        microkit_mr_set(1, 6);
        microkit_msginfo r = microkit_ppcall(PONG, microkit_msginfo_new(7, 2));
        check(microkit_msginfo_get_label(r) == 0 && microkit_msginfo_get_count(r) == 1 && microkit_mr_get(0) == 11);
        microkit_deferred_notify(PONG);
        return;
    }
    check(irqs == 1 && *word == 2);
    say("ping: done\n");
    finish(0);
}
