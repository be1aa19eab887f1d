/* test_devices.c: the device models' register behaviour, without KVM. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "devices/devices.h"

/* A sink into a pipe, read back by the test. */
static int fds[2];
static struct sink sink;

static void open_pipe(void)
{
    cr_assert_eq(pipe(fds), 0);
    sink = (struct sink){.fd = fds[1]};
}

static void close_pipe(void)
{
    close(fds[0]);
    close(fds[1]);
}

static size_t drain(char *buf, size_t n)
{
    close(fds[1]);
    fds[1] = -1;
    ssize_t r = read(fds[0], buf, n);
    return r < 0 ? 0 : (size_t)r;
}

TestSuite(uart, .init = open_pipe, .fini = close_pipe);

Test(uart, reset_values)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    cr_assert_eq(uart_read(&u, 5), 0x60, "LSR: THR and transmitter empty");
    cr_assert_eq(uart_read(&u, 2), 0x01, "IIR: nothing pending");
    cr_assert_eq(uart_read(&u, 1), 0x00, "IER");
    cr_assert_eq(uart_read(&u, 6) & 0xb0, 0xb0, "MSR: DCD DSR CTS");
}

Test(uart, thr_empty_interrupt_identification)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    uart_write(&u, 1, 0x02); /* IER: ETBEI */
    cr_assert_eq(uart_read(&u, 2), 0x02, "IIR reports THR empty after IER=2");
    cr_assert_eq(uart_read(&u, 2), 0x01, "reading IIR cleared it");
    uart_write(&u, 0, 'x');
    cr_assert_eq(uart_read(&u, 2), 0x02, "THR empty again after a write");
    uart_write(&u, 2, 0x01); /* FCR: FIFOs on */
    cr_assert_eq(uart_read(&u, 2), 0xc1, "FIFO bits in IIR, nothing pending");
    uart_write(&u, 0, 'y');
    cr_assert_eq(uart_read(&u, 2), 0xc2, "FIFO bits and THR empty");
}

/* Bytes from the line: one in the receiver buffer at a time, the next refused until it is read; the received-data
   interrupt outranks THR empty in IIR and raises the line. */
Test(uart, received_bytes_wait_in_the_buffer_until_read)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    uart_write(&u, 4, 0x08); /* OUT2 */
    uart_write(&u, 1, 0x03); /* IER: received data and THR empty */
    cr_assert(uart_receive(&u, 'a'));
    cr_assert(!uart_receive(&u, 'b'), "the buffer is full: refused, not overrun");
    cr_assert_eq(uart_read(&u, 5) & 0x01, 0x01, "LSR: data ready");
    cr_assert(u.irq_level);
    cr_assert_eq(uart_read(&u, 2), 0x04, "IIR: received data first");
    cr_assert_eq(uart_read(&u, 0), 'a');
    cr_assert_eq(uart_read(&u, 5) & 0x01, 0x00, "LSR: empty again");
    cr_assert_eq(uart_read(&u, 2), 0x02, "then THR empty");
    cr_assert(uart_receive(&u, 'b'), "room again");
    cr_assert_eq(uart_read(&u, 0), 'b');
    uart_write(&u, 4, 0x18); /* loopback: the line is disconnected */
    cr_assert(!uart_receive(&u, 'c'));
}

/* The IRQ line follows IIR, gated by OUT2 and silenced by loopback, as on a PC. */
Test(uart, irq_line_follows_iir_gated_by_out2)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    cr_assert_eq(u.irq, -1, "no line until connected");
    uart_write(&u, 1, 0x02); /* IER: ETBEI, THR empty: identified at once */
    cr_assert(!u.irq_level, "OUT2 clear: the line stays low");
    uart_write(&u, 4, 0x08); /* MCR: OUT2 */
    cr_assert(u.irq_level, "OUT2 set: the pending THR-empty interrupt raises it");
    cr_assert_eq(uart_read(&u, 2), 0x02);
    cr_assert(!u.irq_level, "reading IIR cleared the identification and the line");
    uart_write(&u, 0, 'x');
    cr_assert(u.irq_level, "THR empty again after the byte went out");
    uart_write(&u, 1, 0x00);
    cr_assert(!u.irq_level, "IER 0: nothing can be identified");
    uart_write(&u, 4, 0x18); /* loopback with OUT2 */
    uart_write(&u, 1, 0x03);
    cr_assert_eq(uart_read(&u, 2) & 0x0f, 0x02, "identified inside the UART");
    cr_assert(!u.irq_level, "loopback keeps OUT2 off the pin");
    uart_write(&u, 0, 'y');
    cr_assert_eq(uart_read(&u, 2) & 0x0f, 0x04, "the looped byte: received data, the higher priority");
    cr_assert(!u.irq_level);
    cr_assert_eq(u.irq_errors, 0);
}

Test(uart, transmit_reaches_the_sink)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    const char *msg = "hi\n";
    for (const char *p = msg; *p; p++)
        uart_write(&u, 0, (uint8_t)*p);
    char buf[8] = {0};
    cr_assert_eq(drain(buf, sizeof(buf)), 3);
    cr_assert_str_eq(buf, "hi\n");
    cr_assert_eq(sink.bytes, 3);
}

Test(uart, divisor_latch_and_scratch)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    uart_write(&u, 3, 0x83); /* DLAB, 8N1 */
    uart_write(&u, 0, 0x01);
    uart_write(&u, 1, 0x02);
    cr_assert_eq(uart_read(&u, 0), 0x01, "DLL");
    cr_assert_eq(uart_read(&u, 1), 0x02, "DLM");
    uart_write(&u, 3, 0x03);
    cr_assert_eq(uart_read(&u, 1), 0x00, "IER untouched by DLM writes");
    uart_write(&u, 7, 0x5a);
    cr_assert_eq(uart_read(&u, 7), 0x5a, "SCR");
    char buf[4];
    cr_assert_eq(drain(buf, sizeof(buf)), 0, "divisor writes are not output");
}

Test(uart, loopback)
{
    struct uart16550 u;
    uart_init(&u, &sink);
    uart_write(&u, 4, 0x10 | 0x0a); /* loop, RTS, OUT2 */
    cr_assert_eq(uart_read(&u, 6) & 0xf0, 0x90, "MSR: CTS from RTS, DCD from OUT2");
    uart_write(&u, 0, 0xa5);
    cr_assert_eq(uart_read(&u, 5) & 1, 1, "data ready");
    cr_assert_eq(uart_read(&u, 0), 0xa5);
    cr_assert_eq(uart_read(&u, 5) & 1, 0);
    char buf[4];
    cr_assert_eq(drain(buf, sizeof(buf)), 0, "loopback output stays inside");
}

Test(cmos, memory_size_bytes_for_64_mib)
{
    struct cmos c;
    cmos_init(&c, 64u << 20);
    const struct {
        uint8_t index, value;
    } want[] = {{0x15, 0x80}, {0x16, 0x02}, {0x17, 0x00}, {0x18, 0xfc}, {0x30, 0x00},
                {0x31, 0xfc}, {0x34, 0x00}, {0x35, 0x03}, {0x0d, 0x80}, {0x0b, 0x02}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cmos_write(&c, 0, want[i].index);
        cr_assert_eq(cmos_read(&c, 1), want[i].value, "CMOS 0x%02x", want[i].index);
    }
}

Test(cmos, large_memory_saturates)
{
    struct cmos c;
    cmos_init(&c, 3ULL << 30);
    cmos_write(&c, 0, 0x17);
    uint8_t lo = cmos_read(&c, 1);
    cmos_write(&c, 0, 0x18);
    cr_assert_eq(lo | cmos_read(&c, 1) << 8, 0xfc00);
    cmos_write(&c, 0, 0x34);
    lo = cmos_read(&c, 1);
    cmos_write(&c, 0, 0x35);
    cr_assert_eq(lo | cmos_read(&c, 1) << 8, (3u << 14) - 256);
}

/* QEMU's bytes for RAM above 4 GiB (0x5b-0x5d, 64 KiB units); from 3.5 GiB on, 3 GiB stay below 4 GiB. */
Test(cmos, memory_above_4_gib_as_qemus_pc)
{
    struct cmos c;
    const struct {
        uint64_t ram;
        unsigned above16, high;
    } cases[] = {{3ULL << 30, (3u << 14) - 256, 0},
                 {(7ULL << 29) - 4096, 0xdeff, 0},
                 {7ULL << 29, (3u << 14) - 256, 0x2000},
                 {6ULL << 30, (3u << 14) - 256, 0xc000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cmos_init(&c, cases[i].ram);
        unsigned b[5];
        const unsigned regs[5] = {0x34, 0x35, 0x5b, 0x5c, 0x5d};
        for (int r = 0; r < 5; r++) {
            cmos_write(&c, 0, (uint8_t)regs[r]);
            b[r] = cmos_read(&c, 1);
        }
        cr_assert_eq(b[0] | b[1] << 8, cases[i].above16, "case %zu: 0x34-0x35 0x%x", i, b[0] | b[1] << 8);
        cr_assert_eq(b[2] | b[3] << 8 | b[4] << 16, cases[i].high, "case %zu: 0x5b-0x5d", i);
    }
}

Test(cmos, nvram_rtc_and_read_only_registers)
{
    struct cmos c;
    cmos_init(&c, 16u << 20);
    cmos_write(&c, 0, 0x80 | 0x40); /* NMI-disable bit is not part of the index */
    cmos_write(&c, 1, 0x77);
    cmos_write(&c, 0, 0x40);
    cr_assert_eq(cmos_read(&c, 1), 0x77);
    cmos_write(&c, 0, 0x0d);
    cmos_write(&c, 1, 0x00);
    cr_assert_eq(cmos_read(&c, 1), 0x80, "register D is read-only");
    for (uint8_t reg = 0; reg <= 9; reg += (reg < 4 ? 2 : 1)) {
        cmos_write(&c, 0, reg);
        uint8_t v = cmos_read(&c, 1);
        cr_assert((v & 0x0f) <= 9 && (v >> 4) <= 9, "RTC register %u is BCD: 0x%02x", reg, v);
    }
    cr_assert_eq(cmos_read(&c, 0), 0xff, "the index port reads as floating");
}

Test(debug_exit, status_is_qemus)
{
    struct debug_exit d = {0};
    d.value = 0;
    cr_assert_eq(debug_exit_status(&d), 1);
    d.value = 5;
    cr_assert_eq(debug_exit_status(&d), 11);
    d.value = 0x80;
    cr_assert_eq(debug_exit_status(&d), 1, "(0x80 << 1 | 1) modulo 256, as the shell sees QEMU's");
}

/* Register A's UIP bit, as QEMU's RTC: set in the last 244 us of each second (so a guest polling it sees it each
   second, and rarely), read-only, and never while the divider is stopped. */
Test(cmos, update_in_progress_in_the_last_244us_of_each_second)
{
    struct cmos c;
    cmos_init(&c, 16u << 20);
    cmos_write(&c, 0, 0x0a);
    cmos_write(&c, 1, 0xa6); /* bit 7 written: read-only */
    unsigned set = 0, reads = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        uint8_t a = cmos_read(&c, 1);
        cr_assert_eq(a & 0x7f, 0x26, "register A's other bits: 0x%02x", a);
        set += (a & 0x80) != 0;
        reads++;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 10 && !(set && t.tv_sec - t0.tv_sec >= 2)); /* ten chances on a busy host */
    cr_assert_gt(set, 0, "UIP seen in ten seconds (%u reads)", reads);
    cr_assert_lt(set, reads / 100, "UIP only briefly: %u of %u reads", set, reads);
    cmos_write(&c, 1, 0x06); /* divider stopped */
    for (int i = 0; i < 200000; i++)
        cr_assert_eq(cmos_read(&c, 1) & 0x80, 0, "no update while the divider is stopped");
}
