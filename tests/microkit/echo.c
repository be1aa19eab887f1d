/* echo.c: a PD that owns the board's COM1 and reads it as a driver does, a byte at each received-data interrupt,
   until a newline; then it writes the line back reversed and ends the system (V = 0, status 1). */
#include <microkit.h>

#define UART       0
#define DEBUG_EXIT 1
#define UART_IRQ   2
#define COM1       0x3f8

static char line[128];
static unsigned int len;

static void put(char c)
{
    microkit_x86_ioport_write_8(UART, COM1, (seL4_Word)c);
}

void init(void)
{
    microkit_x86_ioport_write_8(UART, COM1 + 4, 0x08); /* OUT2 */
    microkit_x86_ioport_write_8(UART, COM1 + 1, 0x01); /* received-data interrupt */
}

void notified(microkit_channel ch)
{
    if (ch != UART_IRQ)
        return;
    while (microkit_x86_ioport_read_8(UART, COM1 + 5) & 0x01) {
        char c = (char)microkit_x86_ioport_read_8(UART, COM1);
        if (c != '\n' && len < sizeof(line)) {
            line[len++] = c;
            continue;
        }
        for (const char *s = "echo: "; *s; s++)
            put(*s);
        while (len)
            put(line[--len]);
        put('\n');
        microkit_x86_ioport_write_8(DEBUG_EXIT, 0xf4, 0);
    }
    microkit_irq_ack(UART_IRQ);
}
