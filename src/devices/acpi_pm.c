/* acpi_pm.c: the ACPI PM1 block and PM timer at QEMU PIIX4's ports: power-off (S5) and suspend to RAM (S3) through
   the sleep control. */
#include <time.h>

#include "devices.h"

#define PM_TIMER_HZ    3579545ULL /* the ACPI PM timer's fixed frequency */
#define CNT_SCI_EN     0x0001u
#define CNT_SLP_EN     0x2000u
#define CNT_SLP_TYP(v) (((v) >> 10) & 7u)
#define SLP_TYP_S5     0 /* what the DSDT's \_S5 says (acpi.c) */
#define SLP_TYP_S3     1 /* and its \_S3 */
#define STS_RTC        0x0400u
#define STS_WAK        0x8000u

void acpi_pm_init(struct acpi_pm *p)
{
    p->sts = p->en = 0;
    p->cnt = CNT_SCI_EN; /* no SMI command port: the machine is always in ACPI mode */
    p->poweroff_requested = p->suspend_requested = false;
}

bool acpi_pm_rtc_wakes(const struct acpi_pm *p)
{
    return p->en & ACPI_PM1_RTC_EN;
}

/* The machine woke from S3 by the RTC alarm: a fresh block, with WAK_STS and RTC_STS set (QEMU's wakeup). */
void acpi_pm_woken(struct acpi_pm *p)
{
    acpi_pm_init(p);
    p->sts = STS_WAK | STS_RTC;
}

/* The timer, 32 bits wide (the FADT's TMR_VAL_EXT), from the host's monotonic clock. */
static uint32_t pm_timer(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned __int128 ns = (unsigned __int128)ts.tv_sec * 1000000000u + (unsigned __int128)ts.tv_nsec;
    return (uint32_t)(ns * PM_TIMER_HZ / 1000000000u);
}

uint32_t acpi_pm_read(struct acpi_pm *p, unsigned reg, unsigned size)
{
    uint8_t regs[ACPI_PM_LEN] = {0};
    uint32_t t = reg + size > ACPI_PM_TMR && reg < ACPI_PM_TMR + 4 ? pm_timer() : 0; /* once per access */
    uint16_t words[] = {p->sts, p->en, p->cnt, 0};
    for (unsigned i = 0; i < 8; i++)
        regs[i] = (uint8_t)(words[i / 2] >> (8 * (i % 2)));
    for (unsigned i = 0; i < 4; i++)
        regs[ACPI_PM_TMR + i] = (uint8_t)(t >> (8 * i));
    uint32_t v = 0;
    for (unsigned i = 0; i < size && reg + i < ACPI_PM_LEN; i++)
        v |= (uint32_t)regs[reg + i] << (8 * i);
    return v;
}

/* Status bits clear where 1 is written; enable is kept; a control write with SLP_EN and S5's type powers off, with
   S3's suspends (another sleep type is ignored: the DSDT offers no other). */
void acpi_pm_write(struct acpi_pm *p, unsigned reg, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size && reg + i < ACPI_PM_TMR; i++) {
        unsigned off = reg + i, shift = 8 * (off % 2);
        uint16_t byte = (uint16_t)(((value >> (8 * i)) & 0xff) << shift), keep = (uint16_t) ~(0xffu << shift);
        if (off < ACPI_PM1_EVT + 2)
            p->sts &= (uint16_t)~byte;
        else if (off < ACPI_PM1_CNT)
            p->en = (uint16_t)((p->en & keep) | byte);
        else if (off < ACPI_PM1_CNT + 2)
            p->cnt = (uint16_t)((p->cnt & keep) | byte);
    }
    if ((p->cnt & CNT_SLP_EN) && (CNT_SLP_TYP(p->cnt) == SLP_TYP_S5 || CNT_SLP_TYP(p->cnt) == SLP_TYP_S3)) {
        *(CNT_SLP_TYP(p->cnt) == SLP_TYP_S5 ? &p->poweroff_requested : &p->suspend_requested) = true;
        if (p->vm)
            vcpuctx_vm_stop(p->vm, 0);
    }
    p->cnt = (uint16_t)((p->cnt & ~CNT_SLP_EN) | CNT_SCI_EN); /* SLP_EN is write-only; SCI_EN stays set */
}

static uint32_t pm_read(void *dev, unsigned reg, unsigned size)
{
    return acpi_pm_read(dev, reg, size);
}

static void pm_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    acpi_pm_write(dev, reg, size, value);
}

int acpi_pm_register(vm_t *vm, struct acpi_pm *p, uint16_t base)
{
    static const struct port_ops ops = {pm_read, pm_write, 4};
    p->vm = vm;
    return port_range_register(vm, &p->io, (struct port_range){&ops, p, base, ACPI_PM_LEN, 0}, "acpi-pm");
}
