/* ports.c: a PD's I/O ports and the IRQs of the devices behind them. */
#include <stdlib.h>
#include <unistd.h>

#include "kernel.h"
#include "ports.h"

void mk_ports_init(struct mk_ports *p, struct mk_system *sys, unsigned int self, int out_fd)
{
    *p = (struct mk_ports){.sys = sys, .self = self};
    mk_board_init(&p->board, out_fd);
}

bool mk_ports_allowed(const struct mk_ports *p, unsigned int id, uint32_t port, unsigned int size)
{
    if (id >= MK_MAX_IDS || !p->sys->pds[p->self].ioports[id].used)
        return false;
    const struct mk_ioport *io = &p->sys->pds[p->self].ioports[id];
    return port >= io->addr && port + size <= (uint32_t)io->addr + io->size;
}

/* An IRQ of the PD's on a pin that rose: delivered, or latched while masked. */
static void raise_pin(struct mk_ports *p, unsigned int pin)
{
    const struct mk_pd *pd = &p->sys->pds[p->self];
    for (unsigned int id = 0; id < MK_MAX_IDS; id++) {
        if (!pd->irqs[id].used || pd->irqs[id].pin != pin)
            continue;
        if (p->masked & (1ULL << id)) {
            p->latched |= 1ULL << id;
            continue;
        }
        p->masked |= 1ULL << id;
        mk_kernel_notify(p->sys, p->self, id);
    }
}

static void after_access(struct mk_ports *p)
{
    uint32_t now = mk_board_lines(&p->board), rose = now & ~p->lines;
    p->lines = now;
    for (unsigned int pin = 0; rose; pin++, rose >>= 1)
        if (rose & 1)
            raise_pin(p, pin);
    if (p->board.exit_status >= 0) {
        atomic_store(&p->sys->halt_status, p->board.exit_status);
        atomic_store(&p->sys->halted, 1);
        _exit(0);
    }
}

uint32_t mk_ports_in(struct mk_ports *p, uint16_t port, unsigned int size)
{
    uint32_t v = mk_board_in(&p->board, port, size);
    after_access(p);
    return v;
}

void mk_ports_out(struct mk_ports *p, uint16_t port, unsigned int size, uint32_t value)
{
    mk_board_out(&p->board, port, size, value);
    after_access(p);
}

void mk_ports_ack(struct mk_ports *p, unsigned int id)
{
    p->masked &= ~(1ULL << id);
    if (p->latched & (1ULL << id)) {
        p->latched &= ~(1ULL << id);
        p->masked |= 1ULL << id;
        mk_kernel_notify(p->sys, p->self, id);
    }
}
