/* uart16550.c: a 16550A UART (COM1): divisor latch, IER/IIR, its IRQ through vm_set_irq_level, MCR loopback, LSR,
   MSR, received bytes one at a time. */
#include <string.h>

#include "devices.h"

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB  0x80
#define MCR_OUT2  0x08
#define MCR_LOOP  0x10
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define IER_ETBEI 0x02
#define IER_ERBFI 0x01

void uart_init(struct uart16550 *u, struct sink *out)
{
    memset(u, 0, sizeof(*u));
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = 0xb0; /* DCD, DSR, CTS: a terminal is attached */
    u->dll = 0x0c; /* 9600 baud */
    u->out = out;
    u->irq = -1;
}

void uart_connect_irq(struct uart16550 *u, vm_vcpu_t *vcpu, int irq)
{
    u->vcpu = vcpu;
    u->irq = irq;
    u->irq_level = false;
}

/* IIR: bits 7:6 FIFOs enabled, 3:1 the highest pending source, bit 0 = none pending. */
static uint8_t iir(const struct uart16550 *u)
{
    uint8_t id = 0x01;
    if ((u->ier & IER_ERBFI) && (u->lsr & LSR_DR))
        id = 0x04;
    else if ((u->ier & IER_ETBEI) && u->thre_pending)
        id = 0x02;
    return (uint8_t)(u->iir_fifo | id);
}

/* MSR in loopback: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2. */
static uint8_t msr(const struct uart16550 *u)
{
    if (!(u->mcr & MCR_LOOP))
        return u->msr;
    return (uint8_t)(((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) | ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
}

/* The IRQ output, as a PC wires it: an interrupt identified in IIR, gated by OUT2; none in loopback, where OUT2
   drives DCD instead of the pin. Drives the line on a change only. */
static void update_irq(struct uart16550 *u)
{
    bool level = !(iir(u) & 0x01) && (u->mcr & MCR_OUT2) && !(u->mcr & MCR_LOOP);
    if (level == u->irq_level)
        return;
    u->irq_level = level;
    if (u->vcpu && u->irq >= 0 && vm_set_irq_level(u->vcpu, u->irq, level) < 0)
        u->irq_errors++;
}

static uint8_t reg_read(struct uart16550 *u, unsigned offset)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case RBR_THR:
        if (dlab)
            return u->dll;
        u->lsr &= (uint8_t)~LSR_DR;
        return u->rbr;
    case IER: return dlab ? u->dlm : u->ier;
    case IIR_FCR: {
        uint8_t v = iir(u);
        if ((v & 0x0f) == 0x02)
            u->thre_pending = false; /* reading IIR clears a THR-empty identification */
        return v;
    }
    case LCR: return u->lcr;
    case MCR: return u->mcr;
    case LSR: return u->lsr;
    case MSR: return msr(u);
    default: return u->scr;
    }
}

static void transmit(struct uart16550 *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP) {
        u->rbr = byte;
        u->lsr |= LSR_DR;
    } else {
        sink_write(u->out, &byte, 1);
    }
    u->thre_pending = true; /* sent at once: THR is empty again */
}

uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
    uint8_t v = reg_read(u, offset);
    update_irq(u);
    return v;
}

bool uart_receive(struct uart16550 *u, uint8_t byte)
{
    if ((u->lsr & LSR_DR) || (u->mcr & MCR_LOOP))
        return false;
    u->rbr = byte;
    u->lsr |= LSR_DR;
    update_irq(u);
    return true;
}

static void reg_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case RBR_THR:
        if (dlab)
            u->dll = value;
        else
            transmit(u, value);
        break;
    case IER:
        if (dlab) {
            u->dlm = value;
        } else {
            if ((value & IER_ETBEI) && !(u->ier & IER_ETBEI))
                u->thre_pending = true; /* enabling it with THR empty raises it */
            u->ier = value & 0x0f;
        }
        break;
    case IIR_FCR: u->iir_fifo = (value & 1) ? 0xc0 : 0; break;
    case LCR: u->lcr = value; break;
    case MCR: u->mcr = value & 0x1f; break;
    case SCR: u->scr = value; break;
    default: break; /* LSR and MSR are read-only */
    }
}

void uart_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
    reg_write(u, offset, value);
    update_irq(u);
}

PORT_OPS_BYTES(uart_ops, struct uart16550, uart_read, uart_write);

int uart_register(vm_t *vm, struct uart16550 *u, uint16_t base)
{
    return port_range_register(vm, &u->io, (struct port_range){&uart_ops, u, base, 8, 0}, "uart16550");
}
