/* ports.c: a PD's I/O ports and the IRQs of the devices behind them, and the board's input: COM1's receiver and
   the tap's line. One lock: the PD's thread reaches the board through its calls, the input threads through
   COM1's receiver and the IRQ lines. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <vcpuctx_microkit.h>

#include "kernel.h"
#include "ports.h"

void mk_ports_init(struct mk_ports *p, struct mk_system *sys, unsigned int self, int out_fd)
{
    *p = (struct mk_ports){.sys = sys, .self = self, .masked = ~0ULL, .in_fd = -1};
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->read, NULL);
    pthread_cond_init(&p->acked, NULL);
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
    pthread_mutex_lock(&p->lock);
    uint32_t v = mk_board_in(&p->board, port, size);
    after_access(p);
    pthread_cond_signal(&p->read);
    pthread_mutex_unlock(&p->lock);
    return v;
}

void mk_ports_out(struct mk_ports *p, uint16_t port, unsigned int size, uint32_t value)
{
    pthread_mutex_lock(&p->lock);
    mk_board_out(&p->board, port, size, value);
    after_access(p);
    pthread_mutex_unlock(&p->lock);
}

void mk_ports_ack(struct mk_ports *p, unsigned int id)
{
    pthread_mutex_lock(&p->lock);
    p->masked &= ~(1ULL << id);
    pthread_cond_broadcast(&p->acked);
    if (p->latched & (1ULL << id)) {
        p->latched &= ~(1ULL << id);
        p->masked |= 1ULL << id;
        mk_kernel_notify(p->sys, p->self, id);
    }
    pthread_mutex_unlock(&p->lock);
}

static void receive(struct mk_ports *p, uint8_t byte)
{
    pthread_mutex_lock(&p->lock);
    while (!uart_receive(&p->board.uart, byte))
        pthread_cond_wait(&p->read, &p->lock);
    after_access(p);
    pthread_mutex_unlock(&p->lock);
}

static void *input(void *arg)
{
    struct mk_ports *p = arg;
    uint8_t buf[256];
    ssize_t n;
    while ((n = read(p->in_fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        for (ssize_t i = 0; i < n; i++)
            receive(p, buf[i]);
    return NULL;
}

/* The tap's line: high while a frame waits; it rises again only after the driver acknowledged the last IRQ, so
   a driver that has no buffer for a frame is not woken for it again until it acknowledges. */
static void *watch_tap(void *arg)
{
    struct mk_ports *p = arg;
    struct pollfd pfd = {.fd = p->sys->board.tap_fd, .events = POLLIN};
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->masked & p->net_ids)
            pthread_cond_wait(&p->acked, &p->lock);
        pthread_mutex_unlock(&p->lock);
        int n = poll(&pfd, 1, -1);
        if ((n < 0 && errno != EINTR) || (n > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)))) {
            fprintf(stderr, "vcpuctx-microkit: PD '%s': the board's tap failed; no more frames arrive\n",
                    p->sys->pds[p->self].name);
            return NULL;
        }
        if (!(pfd.revents & POLLIN))
            continue;
        pthread_mutex_lock(&p->lock);
        raise_pin(p, VCPUCTX_MK_NET_PIN);
        pthread_mutex_unlock(&p->lock);
    }
}

/* A thread of the board's: all signals blocked (the kick and the timer's signals stay the PD thread's). */
static int start_thread(void *(*fn)(void *), struct mk_ports *p)
{
    pthread_t t;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&t, NULL, fn, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e) {
        errno = e;
        return -1;
    }
    pthread_detach(t);
    return 0;
}

int mk_ports_start(struct mk_ports *p, int in_fd)
{
    bool owner = false;
    const struct mk_pd *pd = &p->sys->pds[p->self];
    for (unsigned int id = 0; id < MK_MAX_IDS; id++) {
        owner = owner || mk_ports_allowed(p, id, MK_BOARD_COM1, 1);
        if (pd->irqs[id].used && pd->irqs[id].pin == VCPUCTX_MK_NET_PIN)
            p->net_ids |= 1ULL << id;
    }
    p->in_fd = owner ? in_fd : -1;
    if (owner && start_thread(input, p) < 0)
        return -1;
    return p->net_ids && p->sys->board.tap_fd >= 0 ? start_thread(watch_tap, p) : 0;
}
