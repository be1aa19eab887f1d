/* board.c: the PC devices behind a Microkit PD's I/O ports. Byte-wide devices: wider accesses reach the bytes
   one by one, as on an ISA bus. */
#include "board.h"

void mk_board_init(struct mk_board *b, int out_fd)
{
    b->out = (struct sink){.fd = out_fd};
    uart_init(&b->uart, &b->out);
    b->exit_status = -1;
}

static uint8_t in_byte(struct mk_board *b, uint16_t port)
{
    if (port >= MK_BOARD_COM1 && port < MK_BOARD_COM1 + 8)
        return uart_read(&b->uart, port - MK_BOARD_COM1);
    return 0xff;
}

static void out_byte(struct mk_board *b, uint16_t port, uint8_t value)
{
    if (port >= MK_BOARD_COM1 && port < MK_BOARD_COM1 + 8)
        uart_write(&b->uart, port - MK_BOARD_COM1, value);
    else if (port == MK_BOARD_DEBUG_EXIT)
        b->exit_status = (value << 1) | 1;
}

uint32_t mk_board_in(struct mk_board *b, uint16_t port, unsigned int size)
{
    uint32_t v = 0;
    for (unsigned int i = 0; i < size; i++)
        v |= (uint32_t)in_byte(b, (uint16_t)(port + i)) << (8 * i);
    return v;
}

void mk_board_out(struct mk_board *b, uint16_t port, unsigned int size, uint32_t value)
{
    for (unsigned int i = 0; i < size; i++)
        out_byte(b, (uint16_t)(port + i), (uint8_t)(value >> (8 * i)));
}

uint32_t mk_board_lines(const struct mk_board *b)
{
    return b->uart.irq_level ? 1u << MK_BOARD_COM1_PIN : 0;
}
