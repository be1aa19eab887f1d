/* cmos.c: MC146818 CMOS/RTC at 0x70/0x71: NVRAM with QEMU's memory-size bytes, time from the host clock, and the
   alarm interrupt. */
#include <string.h>
#include <time.h>

#include "devices.h"

enum {
    RTC_SEC = 0x00,
    RTC_SEC_ALARM = 0x01,
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
    SHUTDOWN_STATUS = 0x0f,
    CENTURY = 0x32,
};
enum { B_DM_BINARY = 0x04, B_AIE = 0x20, B_PIE = 0x40, B_SQWE = 0x08, C_AF = 0x20, C_IRQF = 0x80 };
enum { ALARM_ANY = 0xc0, CATCH_UP_MAX = 86400, S3_RESUME = 0xfe };

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
    c->irq = -1;
    c->checked = time(NULL);
    put16(c->ram, 0x15, 640);
    uint64_t ext_kb = ram_bytes > (1u << 20) ? (ram_bytes - (1u << 20)) / 1024 : 0;
    if (ext_kb > 0xfc00)
        ext_kb = 0xfc00;
    put16(c->ram, 0x17, (unsigned)ext_kb);
    put16(c->ram, 0x30, (unsigned)ext_kb);
    uint64_t low = pc_ram_below_4g(ram_bytes), high = (ram_bytes - low) >> 16; /* 64 KiB units, as QEMU's */
    uint64_t above16 = low > (16u << 20) ? (low - (16u << 20)) >> 16 : 0;
    if (above16 > 0xffff)
        above16 = 0xffff;
    put16(c->ram, 0x34, (unsigned)above16);
    c->ram[0x5b] = (uint8_t)high;
    c->ram[0x5c] = (uint8_t)(high >> 8);
    c->ram[0x5d] = (uint8_t)(high >> 16);
}

static uint8_t rtc_field(const struct cmos *c, unsigned index, const struct tm *tm)
{
    int v;
    switch (index) {
    case RTC_SEC: v = tm->tm_sec; break;
    case RTC_MIN: v = tm->tm_min; break;
    case RTC_HOUR: v = tm->tm_hour; break;
    case RTC_WDAY: v = tm->tm_wday + 1; break;
    case RTC_MDAY: v = tm->tm_mday; break;
    case RTC_MON: v = tm->tm_mon + 1; break;
    case RTC_YEAR: v = tm->tm_year % 100; break;
    default: v = 19 + tm->tm_year / 100; break;
    }
    return (c->ram[RTC_B] & B_DM_BINARY) ? (uint8_t)v : bcd(v);
}

/* A time register as the host's clock has it now. */
static uint8_t rtc_now(const struct cmos *c, unsigned index)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return rtc_field(c, index, &tm);
}

static void set_irq(struct cmos *c, bool level)
{
    if (c->vcpu && c->irq >= 0 && vm_set_irq_level(c->vcpu, c->irq, level) < 0)
        c->irq_errors++;
}

void cmos_connect_irq(struct cmos *c, vm_vcpu_t *vcpu, int irq)
{
    c->vcpu = vcpu;
    c->irq = irq;
}

/* Whether second t matches the alarm: each of seconds, minutes and hours equal, or 0xC0-0xFF there (any). */
static bool alarm_matches(const struct cmos *c, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    static const unsigned pairs[][2] = {
        {RTC_SEC_ALARM, RTC_SEC}, {RTC_SEC_ALARM + 2, RTC_MIN}, {RTC_SEC_ALARM + 4, RTC_HOUR}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        uint8_t a = c->ram[pairs[i][0]];
        if ((a & ALARM_ANY) != ALARM_ANY && a != rtc_field(c, pairs[i][1], &tm))
            return false;
    }
    return true;
}

/* Compare every second since the last call with the alarm (at most a day of them); on a match set AF, and with AIE
   IRQF and the IRQ line, which stays up until register C is read (QEMU's RTC). */
bool cmos_tick(struct cmos *c, int64_t now)
{
    if (now - c->checked > CATCH_UP_MAX)
        c->checked = now - CATCH_UP_MAX;
    bool fired = false;
    for (; c->checked < now; c->checked++)
        if (alarm_matches(c, (time_t)(c->checked + 1)))
            fired = true;
    if (!fired)
        return false;
    c->ram[RTC_C] |= C_AF;
    if (!(c->ram[RTC_B] & B_AIE))
        return false;
    c->ram[RTC_C] |= C_IRQF;
    set_irq(c, true);
    return true;
}

bool cmos_alarm_enabled(const struct cmos *c)
{
    return c->ram[RTC_B] & B_AIE;
}

/* A machine reset, as QEMU's RTC takes one: NVRAM and time kept, the interrupt enables and flags cleared. */
void cmos_reset(struct cmos *c)
{
    c->ram[RTC_B] &= (uint8_t) ~(B_PIE | B_AIE | B_SQWE);
    c->ram[RTC_C] = 0;
    c->vcpu = NULL;
    c->irq = -1;
}

/* Suspend to RAM (S3): the shutdown status byte says "resume", which firmware reads on the reset that wakes it. */
void cmos_suspend(struct cmos *c)
{
    c->ram[SHUTDOWN_STATUS] = S3_RESUME;
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
    if ((i <= RTC_YEAR && (i % 2 == 0 || i >= RTC_WDAY)) || i == CENTURY)
        return rtc_now(c, i);
    if (i == RTC_A)
        return (uint8_t)(c->ram[RTC_A] | (update_in_progress(c) ? 0x80 : 0));
    if (i == RTC_C) {
        cmos_tick(c, time(NULL)); /* a guest that polls AF needs no timer */
        uint8_t v = c->ram[RTC_C];
        c->ram[RTC_C] = 0; /* reading C clears the flags and lowers the line */
        if (v & C_IRQF)
            set_irq(c, false);
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
        return; /* read-only */
    if (i == RTC_B || (i <= RTC_SEC_ALARM + 4 && i % 2 == 1))
        cmos_tick(c, time(NULL)); /* the seconds so far count with the alarm and AIE they had */
    c->ram[i] = i == RTC_A ? (uint8_t)(value & 0x7f) : value; /* A's UIP bit is read-only */
    if (i == RTC_B && (value & B_AIE) && (c->ram[RTC_C] & (C_AF | C_IRQF)) == C_AF) {
        c->ram[RTC_C] |= C_IRQF; /* IRQF is AF and AIE (and the other pairs) */
        set_irq(c, true);
    }
}

PORT_OPS_BYTES(cmos_ops, struct cmos, cmos_read, cmos_write);

int cmos_register(vm_t *vm, struct cmos *c, uint16_t base)
{
    return port_range_register(vm, &c->io, (struct port_range){&cmos_ops, c, base, 2, 0}, "cmos");
}
