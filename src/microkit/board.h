/* board.h: board.c, the devices a PC gives a Microkit system, reached through a PD's I/O ports: a 16550 at
   0x3F8 (COM1, IRQ 4) whose output is the system's standard output, and QEMU's isa-debug-exit at 0xF4, which
   stops the system with status (V << 1) | 1. Other ports read all ones and ignore writes, as an empty ISA bus. */
#ifndef VCPUCTX_MK_BOARD_H
#define VCPUCTX_MK_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/devices.h"

#define MK_BOARD_COM1       0x3f8
#define MK_BOARD_COM1_PIN   4
#define MK_BOARD_DEBUG_EXIT 0xf4

struct mk_board {
    struct sink out;
    struct uart16550 uart;
    int exit_status; /* -1 until the debug exit is written */
};

void mk_board_init(struct mk_board *b, int out_fd);
uint32_t mk_board_in(struct mk_board *b, uint16_t port, unsigned int size);
void mk_board_out(struct mk_board *b, uint16_t port, unsigned int size, uint32_t value);
/* The IRQ pins whose line is high now (bit N: pin N). */
uint32_t mk_board_lines(const struct mk_board *b);

#endif /* VCPUCTX_MK_BOARD_H */
