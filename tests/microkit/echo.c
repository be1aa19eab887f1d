/* echo.c: a PD that owns the board's COM1 and reads it as a driver does, a byte at each received-data interrupt,
   until a newline; then it writes the line back reversed and ends the system (V = 0, status 1).
   It is written as sDDF's x86 serial driver is: its register accessors are global functions named read and
   write. A seL4 PD has no libc, so it may use any name; the runtime it shares a link with must never call them.
   The other functions below carry names of libc's and of the runtime's own internals; each crashes the PD if
   it is ever called in their place. */
#include <microkit.h>

#define UART       0
#define DEBUG_EXIT 1
#define UART_IRQ   2
#define COM1       0x3f8

static char line[128];
static unsigned int len;

/* A sanitized build's own runtime (libasan's symbolizer) calls libc's open, read, mmap and the like by name at
   start, through the executable's symbols: there the PD leaves libc's names alone, and the plain build checks
   them. The runtime's internal names are checked in both. */
#ifdef __SANITIZE_ADDRESS__
#define write echo_write
#define read  echo_read
#endif

void write(uint16_t offset, uint8_t value);
uint8_t read(uint16_t offset);

void write(uint16_t offset, uint8_t value)
{
    microkit_x86_ioport_write_8(UART, COM1 + offset, value);
}

uint8_t read(uint16_t offset)
{
    return microkit_x86_ioport_read_8(UART, COM1 + offset);
}

static void called(const char *name)
{
    microkit_dbg_puts("echo: the runtime called the PD's own ");
    microkit_dbg_puts(name);
    microkit_dbg_puts("\n");
    microkit_internal_crash(seL4_IllegalOperation);
}

#define NOT_LIBCS(name)                                                                                                \
    void name(void);                                                                                                   \
    void name(void)                                                                                                    \
    {                                                                                                                  \
        called(#name);                                                                                                 \
    }
#ifndef __SANITIZE_ADDRESS__
NOT_LIBCS(open)
NOT_LIBCS(close)
NOT_LIBCS(poll)
NOT_LIBCS(ioctl)
NOT_LIBCS(mmap)
NOT_LIBCS(munmap)
NOT_LIBCS(kill)
NOT_LIBCS(eventfd)
NOT_LIBCS(clock_gettime)
NOT_LIBCS(nanosleep)
#endif
NOT_LIBCS(uart_init)
NOT_LIBCS(uart_write)
NOT_LIBCS(uart_receive)
NOT_LIBCS(sink_write)
NOT_LIBCS(mk_kernel_notify)
NOT_LIBCS(vcpuctx_vcpu_run)

void init(void)
{
    write(4, 0x08); /* OUT2 */
    write(1, 0x01); /* received-data interrupt */
}

void notified(microkit_channel ch)
{
    if (ch != UART_IRQ)
        return;
    while (read(5) & 0x01) {
        char c = (char)read(0);
        if (c != '\n' && len < sizeof(line)) {
            line[len++] = c;
            continue;
        }
        for (const char *s = "echo: "; *s; s++)
            write(0, (uint8_t)*s);
        while (len)
            write(0, (uint8_t)line[--len]);
        write(0, '\n');
        microkit_x86_ioport_write_8(DEBUG_EXIT, 0xf4, 0);
    }
    microkit_irq_ack(UART_IRQ);
}
