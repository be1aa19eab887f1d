/* devices.h: vcpuctx-run's device models: register logic apart from the port glue, so each is unit-testable. */
#ifndef VCPUCTX_DEVICES_H
#define VCPUCTX_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vcpuctx.h>

/* Where a device's output goes: a file descriptor (-1: discarded). Written at once, never buffered. */
struct sink {
    int fd;
    uint64_t bytes; /* written so far */
    bool failed;    /* a write failed (the device keeps accepting output) */
};
void sink_write(struct sink *s, const void *buf, size_t n);

/* Bochs/QEMU debug console: OUT prints a byte, IN reads 0xE9 (SeaBIOS checks it at 0x402). */
struct debugcon {
    struct sink *out;
};
int debugcon_register(vm_t *vm, struct debugcon *d, uint16_t port);

/* 16550A UART: enough for firmware to detect and use it; output only (no input source). */
struct uart16550 {
    uint8_t ier, iir_fifo, lcr, mcr, lsr, msr, scr, dll, dlm, rbr;
    bool thre_pending; /* THR-empty interrupt identification pending */
    struct sink *out;
};
void uart_init(struct uart16550 *u, struct sink *out);
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value);
int uart_register(vm_t *vm, struct uart16550 *u, uint16_t base);

/* QEMU's isa-debug-exit: a write of V asks to stop with status (V << 1) | 1. */
struct debug_exit {
    vm_t *vm;
    bool fired;
    uint32_t value;
};
int debug_exit_register(vm_t *vm, struct debug_exit *d, uint16_t base, unsigned iosize);
int debug_exit_status(const struct debug_exit *d);

/* MC146818 CMOS/RTC: index/data ports, QEMU's memory-size bytes, RTC time from the host clock. */
struct cmos {
    uint8_t index;
    uint8_t ram[128];
};
void cmos_init(struct cmos *c, uint64_t ram_bytes);
uint8_t cmos_read(struct cmos *c, unsigned offset);
void cmos_write(struct cmos *c, unsigned offset, uint8_t value);
int cmos_register(vm_t *vm, struct cmos *c, uint16_t base);

/* Port 0x92 (system control port A: A20 gate, fast reset) and port 0x80 (POST codes, ignored). */
struct sysctl {
    uint8_t port92;
    bool reset_requested;
    uint8_t last_post;
};
int sysctl_register(vm_t *vm, struct sysctl *s);

#endif /* VCPUCTX_DEVICES_H */
