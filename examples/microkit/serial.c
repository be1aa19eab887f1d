/* serial.c: a serial driver PD for the PC's COM1 (a 16550 at 0x3F8, IRQ 4), as sDDF's x86 UART driver drives
   it: a byte at each transmitter-empty interrupt. It sends what the VMM puts in serial_tx and tells the VMM
   when it has sent it all. */
#include <microkit.h>

#include "ring.h"

#define UART_ID 0 /* I/O port id */
#define COM1    0x3f8
#define VMM_CH  1
#define IRQ_CH  2
#define THR     0
#define IER     1
#define IIR     2
#define LCR     3
#define MCR     4
#define LSR     5

uintptr_t serial_tx_vaddr;
static int sending;

static void send_next(void)
{
    struct ring *r = (struct ring *)serial_tx_vaddr;
    int c = ring_get(r);
    if (c < 0) {
        if (sending)
            microkit_notify(VMM_CH);
        sending = 0;
        return;
    }
    sending = 1;
    microkit_x86_ioport_write_8(UART_ID, COM1 + THR, (seL4_Word)c);
}

void init(void)
{
    microkit_x86_ioport_write_8(UART_ID, COM1 + LCR, 0x03); /* 8N1 */
    microkit_x86_ioport_write_8(UART_ID, COM1 + MCR, 0x08); /* OUT2: the IRQ reaches the I/O APIC */
    microkit_x86_ioport_write_8(UART_ID, COM1 + IER, 0x02); /* transmitter-empty interrupt */
}

void notified(microkit_channel ch)
{
    if (ch == VMM_CH && !sending) {
        send_next();
    } else if (ch == IRQ_CH) {
        uint8_t iir = microkit_x86_ioport_read_8(UART_ID, COM1 + IIR);
        microkit_irq_ack(IRQ_CH);
        if ((iir & 0x0f) == 0x02)
            send_next();
    }
}
