/* test_acpi.c: the ACPI tables the loader gives a kernel, walked as a kernel walks them, and the PM1 block. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/devices.h"
#include "run/run.h"

#define AT 0xf0000u
static uint8_t mem[ACPI_TABLES_LEN];

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* The table at guest address gpa, checked: inside the buffer, its signature, its checksum. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
    cr_assert(gpa >= AT && gpa - AT + 36 <= sizeof(mem), "%s at 0x%llx", sig, (unsigned long long)gpa);
    const uint8_t *t = mem + (gpa - AT);
    cr_assert(memcmp(t, sig, 4) == 0, "signature %.4s, wanted %s", (const char *)t, sig);
    uint32_t len = get32(t + 4);
    cr_assert(len >= 36 && gpa - AT + len <= sizeof(mem), "%s: length %u", sig, len);
    cr_assert_eq(sum(t, len), 0, "%s: checksum", sig);
    return t;
}

/* The XSDT's entry with a signature (the RSDT must list the same tables). */
static const uint8_t *find(const uint8_t *rsdp, const char *sig)
{
    const uint8_t *x = table(get64(rsdp + 24), "XSDT"), *r = table(get32(rsdp + 16), "RSDT");
    unsigned n = (get32(x + 4) - 36) / 8;
    cr_assert_eq((get32(r + 4) - 36) / 4, n, "RSDT and XSDT list as many tables");
    for (unsigned i = 0; i < n; i++) {
        uint64_t at = get64(x + 36 + 8 * i);
        cr_assert_eq(get32(r + 36 + 4 * i), at);
        if (memcmp(mem + (at - AT), sig, 4) == 0)
            return table(at, sig);
    }
    cr_assert_fail("no %s in the XSDT", sig);
    return NULL;
}

static const uint8_t *build(unsigned ncpus)
{
    memset(mem, 0xcc, sizeof(mem));
    uint64_t rsdp = acpi_build(mem, AT, sizeof(mem), ncpus, 0x10000000);
    cr_assert(rsdp >= AT && rsdp % 16 == 0, "RSDP at 0x%llx", (unsigned long long)rsdp);
    const uint8_t *r = mem + (rsdp - AT);
    cr_assert(memcmp(r, "RSD PTR ", 8) == 0);
    cr_assert_eq(sum(r, 20), 0, "the ACPI 1.0 checksum");
    cr_assert_eq(r[15], 2, "revision 2: an XSDT");
    cr_assert_eq(get32(r + 20), 36);
    cr_assert_eq(sum(r, 36), 0, "the extended checksum");
    return r;
}

Test(acpi, the_fadt_names_the_pm_block_the_facs_and_a_dsdt_with_s3_and_s5)
{
    const uint8_t *f = find(build(1), "FACP");
    cr_assert_eq(f[8], 3, "FADT revision 3");
    cr_assert_eq(get32(f + 4), 244);
    cr_assert_eq(get32(f + 56), ACPI_PM_BASE + ACPI_PM1_EVT);
    cr_assert_eq(get32(f + 64), ACPI_PM_BASE + ACPI_PM1_CNT);
    cr_assert_eq(get32(f + 76), ACPI_PM_BASE + ACPI_PM_TMR);
    cr_assert_eq(f[88], 4);
    cr_assert_eq(f[89], 2);
    cr_assert_eq(f[91], 4);
    cr_assert_eq(f[46], 9, "SCI on IRQ 9");
    cr_assert_eq(get32(f + 48), 0, "no SMI command port: always in ACPI mode");
    cr_assert(get32(f + 112) & (1u << 10), "a reset register");
    cr_assert_eq(get64(f + 116 + 4), 0xcf9);
    cr_assert_eq(f[128], 0x06);
    cr_assert_eq(get64(f + 132), get32(f + 36), "X_FIRMWARE_CTRL matches FIRMWARE_CTRL");
    cr_assert_eq(get64(f + 140), get32(f + 40), "X_DSDT matches DSDT");
    cr_assert_eq(get64(f + 172 + 4), ACPI_PM_BASE + ACPI_PM1_CNT, "X_PM1a_CNT_BLK");
    uint32_t facs = get32(f + 36);
    cr_assert_eq(facs % 64, 0, "the FACS is 64-byte aligned");
    cr_assert(memcmp(mem + (facs - AT), "FACS", 4) == 0);
    cr_assert_eq(get32(mem + (facs - AT) + 4), 64);
    const uint8_t *d = table(get32(f + 40), "DSDT");
    static const uint8_t s3[] = {0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 1, 1, 0, 0};
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    cr_assert_gt(get32(d + 4), 36 + sizeof(s3) + sizeof(s5), "the PCI host bridge follows");
    cr_assert(memcmp(d + 36, s3, sizeof(s3)) == 0, "Name (_S3, Package (4) {1, 1, 0, 0})");
    cr_assert(memcmp(d + 36 + sizeof(s3), s5, sizeof(s5)) == 0, "Name (_S5, Package (4) {0, 0, 0, 0})");
}

Test(acpi, the_madt_lists_each_cpu_the_ioapic_and_the_overrides)
{
    for (unsigned n = 1; n <= 8; n++) {
        const uint8_t *m = find(build(n), "APIC");
        cr_assert_eq(get32(m + 36), 0xfee00000u);
        cr_assert_eq(get32(m + 40), 1, "PCAT_COMPAT");
        unsigned cpus = 0, ioapics = 0, isos = 0, nmis = 0;
        for (const uint8_t *e = m + 44; e < m + get32(m + 4); e += e[1]) {
            cr_assert_geq(e[1], 2, "entry length");
            if (e[0] == 0) {
                cr_assert_eq(e[3], cpus, "APIC IDs 0 to n - 1, in order");
                cr_assert_eq(get32(e + 4), 1, "enabled");
                cpus++;
            } else if (e[0] == 1) {
                cr_assert_eq(get32(e + 4), 0xfec00000u);
                cr_assert_eq(get32(e + 8), 0, "GSI base 0");
                ioapics++;
            } else if (e[0] == 2) {
                cr_assert(e[3] == 0 ? get32(e + 4) == 2 : e[3] == 9 && get32(e + 4) == 9 && e[8] == 0x0d,
                          "IRQ 0 at GSI 2, the SCI level-triggered");
                isos++;
            } else if (e[0] == 4) {
                cr_assert(e[2] == 0xff && e[5] == 1, "LINT1 is NMI on every CPU");
                nmis++;
            }
        }
        cr_assert_eq(cpus, n);
        cr_assert(ioapics == 1 && isos == 2 && nmis == 1);
    }
}

Test(acpi, a_bad_request_builds_nothing)
{
    cr_assert_eq(acpi_build(mem, AT, 200, 1, 0x10000000), 0, "too small");
    cr_assert_eq(acpi_build(mem, AT, sizeof(mem), 0, 0x10000000), 0, "no CPU");
    cr_assert_eq(acpi_build(mem, AT + 4, sizeof(mem), 1, 0x10000000), 0, "misaligned");
    cr_assert_eq(acpi_build(NULL, AT, sizeof(mem), 1, 0x10000000), 0);
}

Test(acpi_pm, sci_en_reads_set_and_s5_powers_off)
{
    struct acpi_pm p = {0};
    acpi_pm_init(&p);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_CNT, 2) & 1, 1, "SCI_EN: in ACPI mode");
    acpi_pm_write(&p, ACPI_PM1_CNT, 2, 5u << 10 | 1u << 13); /* another sleep type */
    cr_assert(!p.poweroff_requested, "S5 is SLP_TYP 0 here: another type does nothing");
    acpi_pm_write(&p, ACPI_PM1_CNT, 2, 0u << 10); /* the type first, as Linux writes it */
    cr_assert(!p.poweroff_requested);
    acpi_pm_write(&p, ACPI_PM1_CNT + 1, 1, 0x20); /* SLP_EN alone, in the high byte */
    cr_assert(p.poweroff_requested);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_CNT, 2) & (1u << 13), 0, "SLP_EN reads as 0");
}

/* S3, QEMU's SLP_TYP 1: a suspend request, not a power-off; the RTC alarm may wake the machine only with RTC_EN;
   after the wake the block is fresh but for WAK_STS and RTC_STS. */
Test(acpi_pm, s3_suspends_and_the_wake_sets_wak_and_rtc_status)
{
    struct acpi_pm p = {0};
    acpi_pm_init(&p);
    cr_assert(!acpi_pm_rtc_wakes(&p));
    acpi_pm_write(&p, ACPI_PM1_EVT + 2, 2, ACPI_PM1_RTC_EN);
    cr_assert(acpi_pm_rtc_wakes(&p));
    acpi_pm_write(&p, ACPI_PM1_CNT, 2, 1u << 10); /* the type alone: nothing yet */
    cr_assert(!p.suspend_requested);
    acpi_pm_write(&p, ACPI_PM1_CNT, 2, 1u << 10 | 1u << 13);
    cr_assert(p.suspend_requested, "SLP_EN with SLP_TYP 1 suspends");
    cr_assert(!p.poweroff_requested);
    acpi_pm_woken(&p);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_EVT, 2), 0x8400, "WAK_STS and RTC_STS");
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_EVT + 2, 2), 0, "enable cleared, as by a reset");
    cr_assert(!p.suspend_requested);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_CNT, 2) & 1, 1, "SCI_EN");
}

Test(acpi_pm, status_clears_where_ones_are_written_and_the_timer_runs)
{
    struct acpi_pm p = {0};
    acpi_pm_init(&p);
    p.sts = 0x8001;
    acpi_pm_write(&p, ACPI_PM1_EVT, 2, 0x0001);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_EVT, 2), 0x8000);
    acpi_pm_write(&p, ACPI_PM1_EVT + 2, 2, 0x0120);
    cr_assert_eq(acpi_pm_read(&p, ACPI_PM1_EVT + 2, 2), 0x0120, "enable is kept");
    uint32_t t0 = acpi_pm_read(&p, ACPI_PM_TMR, 4);
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    uint32_t t1 = acpi_pm_read(&p, ACPI_PM_TMR, 4);
    cr_assert_geq(t1 - t0, 7000u, "3.58 MHz: at least 7000 ticks in 2 ms (%u)", t1 - t0);
    acpi_pm_write(&p, ACPI_PM_TMR, 4, 0);
    cr_assert_lt(acpi_pm_read(&p, ACPI_PM_TMR, 4) - t1, 0x80000000u, "writes do not set the timer back");
}

/* The DSDT's PCI host bridge, read back by ACPICA's disassembler: a PNP0A03 root with bus 0-255, the I/O around
   0xCF8-0xCFF and the memory from the hole to the IOAPIC as windows, and INTA of slot 1 on GSI 17. */
Test(acpi, the_dsdt_describes_the_pci_host_bridge_as_iasl_reads_it)
{
    const uint8_t *f = find(build(1), "FACP");
    const uint8_t *d = table(get32(f + 40), "DSDT");
    char dir[] = "/tmp/vcpuctx-dsdt-XXXXXX", path[64], cmd[200];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/dsdt.aml", dir);
    FILE *o = fopen(path, "wb");
    cr_assert_not_null(o);
    cr_assert_eq(fwrite(d, 1, get32(d + 4), o), get32(d + 4));
    fclose(o);
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -d dsdt.aml >/dev/null 2>&1 && cat dsdt.dsl", dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    static char dsl[65536];
    size_t n = fread(dsl, 1, sizeof(dsl) - 1, p);
    dsl[n] = 0;
    cr_assert_eq(pclose(p), 0, "iasl -d (package acpica-tools) disassembles the DSDT");
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    static const char *const want[] = {
        "Device (PCI0)",
        "EisaId (\"PNP0A03\")",
        "0x00FF,             // Range Maximum",
        "0x0CF7,             // Range Maximum",
        "0x0D00,             // Range Minimum",
        "0x10000000,         // Range Minimum",
        "0xFEBFFFFF,         // Range Maximum",
        "Name (_PRT, Package (0x7C)",
        "0x0001FFFF, \n                    0x00, \n                    Zero, \n                    0x11"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        cr_assert_not_null(strstr(dsl, want[i]), "the DSDT has %s", want[i]);
}
