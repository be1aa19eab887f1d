/* fuzz_devices.c: random port/size/value sequences into each device model; their invariants must hold. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

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
    static struct fw_cfg fw;
    static struct i8042 kbd;
    static struct sysctl sys;
    static struct ata disk = {.fd = -1};
    static bool ready;
    if (!ready) { /* once: a scratch disk image */
        char path[] = "/tmp/vcpuctx-fuzz-ata-XXXXXX", err[128];
        int fd = mkstemp(path);
        if (fd >= 0 && ftruncate(fd, 1 << 16) == 0 && ata_open(&disk, path, err, sizeof(err)) == 0)
            unlink(path);
        if (fd >= 0)
            close(fd);
        ready = true;
    }
    fw_cfg_init(&fw, 64u << 20, 1);
    i8042_init(&kbd, &sys);
    uart_init(&u, &none);
    cmos_init(&c, (uint64_t)(size ? data[0] : 0) << 22);
    for (size_t i = 0; i + 3 <= size; i += 3) {
        uint8_t op = data[i], off = data[i + 1], val = data[i + 2];
        switch (op % 9) {
        case 5: fw_cfg_select(&fw, (uint16_t)(off << 8 | val)); break;
        case 6: (void)fw_cfg_read(&fw); break;
        case 7:
            i8042_write(&kbd, (off & 1) ? I8042_COMMAND : I8042_DATA, val);
            (void)i8042_read(&kbd, (val & 1) ? I8042_COMMAND : I8042_DATA);
            break;
        case 8:
            if (disk.fd >= 0) {
                unsigned reg = (off & 8) ? ATA_CONTROL : (off & 7u);
                if (val & 0x80)
                    (void)ata_read(&disk, reg, (off >> 4) % 3 ? 2 : 1);
                else
                    ata_write(&disk, reg, 1, val == 0x30 ? 0x20 : val); /* no writes to the seed image */
            }
            break;
        case 0: uart_write(&u, off & 7u, val); break; /* register numbers, as the port adapter gives them */
        case 1: (void)uart_read(&u, off & 7u); break;
        case 2: cmos_write(&c, off & 1u, val); break;
        case 3: (void)cmos_read(&c, off & 1u); break;
        default:
            d.value = (uint32_t)val << (off % 25);
            if ((debug_exit_status(&d) & 1) != 1)
                abort(); /* always odd, as QEMU's */
        }
        check_uart(&u);
        check_cmos(&c);
    }
    fw_cfg_free(&fw);
    return 0;
}
