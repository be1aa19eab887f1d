/* test_rtc.c: the RTC's alarm (AF, AIE, IRQF), what a reset and a suspend do to the CMOS, without KVM. The alarm
   is driven by cmos_tick with seconds in the future of the host's clock, so the device's own reads of the clock
   (at register C and B accesses) never reach them. */
#include <criterion/criterion.h>
#include <time.h>

#include "devices/devices.h"

enum { SEC_ALARM = 1, MIN_ALARM = 3, HOUR_ALARM = 5, REG_B = 0x0b, REG_C = 0x0c, ANY = 0xc0 };

static void put(struct cmos *c, uint8_t reg, uint8_t v)
{
    cmos_write(c, 0, reg);
    cmos_write(c, 1, v);
}

static uint8_t get(struct cmos *c, uint8_t reg)
{
    cmos_write(c, 0, reg);
    return cmos_read(c, 1);
}

static uint8_t bcd(int v)
{
    return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* A CMOS with the alarm at t's second (minutes and hours any) and the last compared second before. */
static void alarm_at_second(struct cmos *c, time_t t, time_t before)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    cmos_init(c, 16u << 20);
    put(c, SEC_ALARM, bcd(tm.tm_sec));
    put(c, MIN_ALARM, ANY);
    put(c, HOUR_ALARM, ANY);
    get(c, REG_C);
    c->checked = before;
}

Test(rtc, the_alarm_sets_af_and_with_aie_irqf_and_a_wake)
{
    struct cmos c;
    time_t t = time(NULL) + 1000;
    alarm_at_second(&c, t, t - 2);
    cr_assert(!cmos_tick(&c, t - 1), "no match a second early");
    cr_assert_eq(c.ram[REG_C], 0);
    cr_assert(!cmos_tick(&c, t), "a match without AIE is no wake event");
    cr_assert_eq(get(&c, REG_C), 0x20, "AF alone");
    cr_assert_eq(get(&c, REG_C), 0, "reading C cleared it");
    put(&c, REG_B, 0x02 | 0x20); /* AIE */
    c.checked = t + 59;
    cr_assert(cmos_tick(&c, t + 60), "the same second a minute later, with AIE: a wake event");
    cr_assert_eq(get(&c, REG_C), 0xa0, "AF and IRQF");
}

Test(rtc, an_alarm_of_any_matches_every_second_and_missed_seconds_count)
{
    struct cmos c;
    time_t t = time(NULL) + 1000;
    alarm_at_second(&c, t - 500, t - 1000);
    put(&c, REG_B, 0x02 | 0x20);
    c.checked = t - 1000;
    cr_assert(cmos_tick(&c, t), "the match 500 s back, found by a late tick");
    cr_assert(!cmos_tick(&c, t + 1), "each second once");
    put(&c, SEC_ALARM, ANY);
    c.checked = t + 1;
    cr_assert(cmos_tick(&c, t + 2));
    cr_assert(cmos_tick(&c, t + 3));
}

Test(rtc, binary_mode_compares_binary_values)
{
    struct cmos c;
    time_t t = time(NULL) + 1000;
    struct tm tm;
    gmtime_r(&t, &tm);
    alarm_at_second(&c, t, t - 1);
    put(&c, REG_B, 0x02 | 0x04 | 0x20); /* binary, AIE */
    put(&c, SEC_ALARM, (uint8_t)tm.tm_sec);
    c.checked = t - 1;
    cr_assert(cmos_tick(&c, t));
    cr_assert_eq(get(&c, 0x09), (uint8_t)(tm.tm_year % 100), "the year in binary too");
}

Test(rtc, aie_set_while_af_is_pending_raises_irqf_at_once)
{
    struct cmos c;
    time_t t = time(NULL) + 1000;
    alarm_at_second(&c, t, t - 1);
    cmos_tick(&c, t);
    put(&c, REG_B, 0x02 | 0x20);
    cr_assert_eq(get(&c, REG_C), 0xa0, "IRQF = AF and AIE");
}

Test(rtc, a_reset_keeps_nvram_and_clears_interrupts_and_a_suspend_says_resume)
{
    struct cmos c;
    time_t t = time(NULL) + 1000;
    alarm_at_second(&c, t, t - 1);
    put(&c, 0x40, 0x5a);
    put(&c, REG_B, 0x02 | 0x20 | 0x40 | 0x08);
    cmos_tick(&c, t);
    cmos_suspend(&c);
    cr_assert_eq(get(&c, 0x0f), 0xfe, "the shutdown status: resume from S3");
    cmos_reset(&c);
    cr_assert_eq(get(&c, 0x40), 0x5a, "NVRAM survives");
    cr_assert_eq(get(&c, 0x0f), 0xfe);
    cr_assert_eq(get(&c, REG_B), 0x02, "PIE, AIE and SQWE cleared; the mode kept");
    cr_assert_eq(get(&c, REG_C), 0, "flags cleared");
    cr_assert(!cmos_alarm_enabled(&c));
}
