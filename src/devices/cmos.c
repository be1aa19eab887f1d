/* cmos.c: MC146818 CMOS/RTC at 0x70/0x71: NVRAM with QEMU's memory-size bytes, time from the host clock. */
#include <string.h>
#include <time.h>

#include "devices.h"

enum {
    RTC_SEC = 0x00,
    RTC_MIN = 0x02,
    RTC_HOUR = 0x04,
    RTC_WDAY = 0x06,
    RTC_MDAY = 0x07,
    RTC_MON = 0x08,
    RTC_YEAR = 0x09,
    RTC_A = 0x0a,
    RTC_B = 0x0b,
    RTC_C = 0x0c,
    RTC_D = 0x0d,
    CENTURY = 0x32,
};

static uint8_t bcd(int v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static void put16(uint8_t *ram, unsigned at, unsigned v)
{
    ram[at] = (uint8_t)v;
    ram[at + 1] = (uint8_t)(v >> 8);
}

/* Memory sizes as QEMU's PC machine stores them (base, extended, above 16 MiB). */
void cmos_init(struct cmos *c, uint64_t ram_bytes)
{
    memset(c, 0, sizeof(*c));
    c->ram[RTC_A] = 0x26;
    c->ram[RTC_B] = 0x02; /* 24-hour, BCD */
    c->ram[RTC_D] = 0x80; /* RAM and time valid */
    put16(c->ram, 0x15, 640);
    uint64_t ext_kb = ram_bytes > (1u << 20) ? (ram_bytes - (1u << 20)) / 1024 : 0;
    if (ext_kb > 0xfc00)
        ext_kb = 0xfc00;
    put16(c->ram, 0x17, (unsigned)ext_kb);
    put16(c->ram, 0x30, (unsigned)ext_kb);
    uint64_t above16 = ram_bytes > (16u << 20) ? (ram_bytes - (16u << 20)) >> 16 : 0;
    if (above16 > 0xffff)
        above16 = 0xffff;
    put16(c->ram, 0x34, (unsigned)above16);
}

static uint8_t rtc_field(unsigned index)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    switch (index) {
    case RTC_SEC: return bcd(tm.tm_sec);
    case RTC_MIN: return bcd(tm.tm_min);
    case RTC_HOUR: return bcd(tm.tm_hour);
    case RTC_WDAY: return bcd(tm.tm_wday + 1);
    case RTC_MDAY: return bcd(tm.tm_mday);
    case RTC_MON: return bcd(tm.tm_mon + 1);
    case RTC_YEAR: return bcd(tm.tm_year % 100);
    default: return bcd(20 + tm.tm_year / 100 - 1);
    }
}

/* Register A's update-in-progress bit, as QEMU's RTC sets it: during the last 244 us (8 cycles of 32768 Hz) of each
   second of the host's clock, while the divider runs (A's bits 6:4 at 010) and B's SET bit does not hold updates. */
static bool update_in_progress(const struct cmos *c)
{
    enum { A_UIP_HOLD_NS = 244140, A_DIVIDER_MASK = 0x70, A_DIVIDER_RUN = 0x20, B_SET = 0x80 };
    struct timespec ts;
    if ((c->ram[RTC_A] & A_DIVIDER_MASK) != A_DIVIDER_RUN || (c->ram[RTC_B] & B_SET))
        return false;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_nsec >= 1000000000L - A_UIP_HOLD_NS;
}

uint8_t cmos_read(struct cmos *c, unsigned offset)
{
    if (offset == 0)
        return 0xff; /* the index port is write-only */
    unsigned i = c->index & 0x7f;
    if (i <= RTC_YEAR && (i % 2 == 0 || i >= RTC_WDAY))
        return rtc_field(i);
    if (i == CENTURY)
        return rtc_field(i);
    if (i == RTC_A)
        return (uint8_t)(c->ram[RTC_A] | (update_in_progress(c) ? 0x80 : 0));
    if (i == RTC_C) {
        uint8_t v = c->ram[RTC_C];
        c->ram[RTC_C] = 0; /* reading C clears the flags */
        return v;
    }
    return c->ram[i];
}

void cmos_write(struct cmos *c, unsigned offset, uint8_t value)
{
    if (offset == 0) {
        c->index = value; /* bit 7 masks NMI */
        return;
    }
    unsigned i = c->index & 0x7f;
    if (i == RTC_C || i == RTC_D)
        return;                                               /* read-only */
    c->ram[i] = i == RTC_A ? (uint8_t)(value & 0x7f) : value; /* A's UIP bit is read-only */
}

static uint32_t cmos_reg_read(void *dev, unsigned reg, unsigned size)
{
    (void)size;
    return cmos_read(dev, reg);
}

static void cmos_reg_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)size;
    cmos_write(dev, reg, (uint8_t)value);
}

int cmos_register(vm_t *vm, struct cmos *c, uint16_t base)
{
    static const struct port_ops ops = {cmos_reg_read, cmos_reg_write, 1};
    return port_range_register(vm, &c->io, (struct port_range){&ops, c, base, 2, 0}, "cmos");
}
