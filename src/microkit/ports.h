/* ports.h: ports.c, a PD's I/O ports and IRQs: the board's devices behind the ports the description gives it,
   their interrupt lines turned into notifications on the PD's IRQ channels, masked from delivery to
   acknowledgement as seL4 masks an IRQ, and COM1's input from the system's standard input. */
#ifndef VCPUCTX_MK_PORTS_H
#define VCPUCTX_MK_PORTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "system.h"

struct mk_ports {
    struct mk_system *sys;
    unsigned int self;
    struct mk_board board;
    uint32_t lines;       /* pins high after the last access */
    uint64_t masked;      /* IRQ ids delivered and not yet acknowledged */
    uint64_t latched;     /* IRQ ids that rose while masked */
    pthread_mutex_t lock; /* the board and the above: the PD's thread and the input thread */
    pthread_cond_t read;  /* COM1's receiver buffer was read */
    pthread_cond_t acked; /* an IRQ was acknowledged */
    int in_fd;            /* COM1's input, when the PD owns COM1 */
    uint64_t net_ids;     /* the PD's IRQ ids on the network device's pin */
};

void mk_ports_init(struct mk_ports *p, struct mk_system *sys, unsigned int self, int out_fd);
/* Whether I/O port id of the PD covers [port, port + size). */
bool mk_ports_allowed(const struct mk_ports *p, unsigned int id, uint32_t port, unsigned int size);
/* An access to the board (the caller checked the port); delivers the IRQs it raises. After it, a write to the
   debug exit has stopped the system (the process exits). */
uint32_t mk_ports_in(struct mk_ports *p, uint16_t port, unsigned int size);
void mk_ports_out(struct mk_ports *p, uint16_t port, unsigned int size, uint32_t value);
/* Acknowledge IRQ id: unmask it, and deliver it again if its line rose meanwhile. */
void mk_ports_ack(struct mk_ports *p, unsigned int id);
/* When the PD owns COM1's ports: a thread that feeds in_fd's bytes to COM1's receiver, each once the one before
   has been read (nothing overrun, nothing lost). When it has an IRQ on the network device's pin and the board
   has a tap: a thread that raises the pin while a frame waits, once per acknowledgement. 0, or -1 with errno. */
int mk_ports_start(struct mk_ports *p, int in_fd);

#endif /* VCPUCTX_MK_PORTS_H */
