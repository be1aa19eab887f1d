/* fuzz_devices.c: random port/size/value sequences into each device model; their invariants must hold. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "devices/devices.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Transmitter always empty; IIR identifies nothing (1), THR empty (2) or received data (4). */
static void check_uart(struct uart16550 *u)
{
    uint8_t lcr = u->lcr;
    uart_write(u, 3, lcr & 0x7f);
    uint8_t lsr = uart_read(u, 5), iir = uart_read(u, 2) & 0x0f;
    if ((lsr & 0x60) != 0x60 || (iir != 1 && iir != 2 && iir != 4))
        abort();
    uart_write(u, 3, lcr);
}

/* Register D is read-only and always reports valid RAM. */
static void check_cmos(struct cmos *c)
{
    uint8_t index = c->index;
    cmos_write(c, 0, 0x0d);
    if (cmos_read(c, 1) != 0x80)
        abort();
    c->index = index;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sink none = {.fd = -1};
    struct uart16550 u;
    struct cmos c;
    struct debug_exit d = {0};
    uart_init(&u, &none);
    cmos_init(&c, (uint64_t)(size ? data[0] : 0) << 22);
    for (size_t i = 0; i + 3 <= size; i += 3) {
        uint8_t op = data[i], off = data[i + 1], val = data[i + 2];
        switch (op % 5) {
        case 0: uart_write(&u, off, val); break;
        case 1: (void)uart_read(&u, off); break;
        case 2: cmos_write(&c, off, val); break;
        case 3: (void)cmos_read(&c, off); break;
        default:
            d.value = (uint32_t)val << (off % 25);
            if ((debug_exit_status(&d) & 1) != 1)
                abort(); /* always odd, as QEMU's */
        }
        check_uart(&u);
        check_cmos(&c);
    }
    return 0;
}
