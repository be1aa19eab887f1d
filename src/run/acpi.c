/* acpi.c: the ACPI tables of vcpuctx-run's PC, as QEMU's give them: RSDP, RSDT/XSDT, FADT, FACS, DSDT, MADT. */
#include <string.h>

#include "../devices/devices.h"
#include "run.h"

/* Sizes and offsets from the ACPI specification (6.5, chapter 5.2), in the revisions Linux and QEMU use. */
#define HDR_LEN       36  /* the system description table header */
#define RSDP_LEN      36  /* revision 2: with the XSDT and the extended checksum */
#define FADT_LEN      244 /* revision 3 (ACPI 2.0), the X_ fields included */
#define FACS_LEN      64
#define FACS_OFFSET   64 /* where acpi_build puts it: after the RSDP, 64-byte aligned (5.2.10) */
#define FACS_WAKING   12 /* the firmware waking vector, 32 bits */
#define FADT_REVISION 3
#define MADT_REVISION 1

#define LAPIC_AT  0xfee00000u
#define IOAPIC_AT 0xfec00000u
#define SCI_IRQ   9
#define RESET_REG 0xcf9 /* sysctl.c's reset control: bit 2 resets; QEMU writes 0x06 */

/* FADT flags (5.2.9, table 5.10) and IA-PC boot architecture flags (table 5.11). */
#define FADT_WBINVD        (1u << 0)
#define FADT_PROC_C1       (1u << 2)
#define FADT_PWR_BUTTON    (1u << 4) /* no fixed power button */
#define FADT_SLP_BUTTON    (1u << 5) /* no fixed sleep button */
#define FADT_TMR_VAL_EXT   (1u << 8) /* a 32-bit PM timer */
#define FADT_RESET_REG_SUP (1u << 10)
#define BOOT_LEGACY        (1u << 0) /* ISA devices (the UART, the RTC) */
#define BOOT_8042          (1u << 1)

/* The tables being written: the buffer at guest address gpa, the next free offset. */
struct acpi_buf {
    uint8_t *b;
    uint64_t gpa;
    size_t len, at;
};

static void put8(uint8_t *d, size_t off, uint8_t v)
{
    d[off] = v;
}

static void put16(uint8_t *d, size_t off, uint16_t v)
{
    memcpy(d + off, &v, 2);
}

static void put32(uint8_t *d, size_t off, uint32_t v)
{
    memcpy(d + off, &v, 4);
}

static void put64(uint8_t *d, size_t off, uint64_t v)
{
    memcpy(d + off, &v, 8);
}

static uint8_t checksum(const uint8_t *d, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + d[i]);
    return (uint8_t)(0 - sum);
}

/* Room for n bytes aligned to align (a power of two); its offset, or SIZE_MAX when the buffer is full. */
static size_t take(struct acpi_buf *a, size_t n, size_t align)
{
    size_t at = (a->at + align - 1) & ~(align - 1);
    if (at > a->len || n > a->len - at)
        return SIZE_MAX;
    a->at = at + n;
    memset(a->b + at, 0, n);
    return at;
}

/* A system description table's header (its checksum is set by seal). */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t, 4, len);
    put8(t, 8, rev);
    memcpy(t + 10, "VCPUCX", 6);
    memcpy(t + 16, "VCPUCTX ", 8);
    put32(t, 24, 1);           /* OEM revision */
    memcpy(t + 28, "VCTX", 4); /* creator ID */
    put32(t, 32, 1);           /* creator revision */
}

static void seal(uint8_t *t)
{
    uint32_t len;
    memcpy(&len, t + 4, 4);
    t[9] = 0;
    t[9] = checksum(t, len);
}

/* A generic address structure in system I/O space (5.2.3.2): width in bits, access size 1, 2 or 4 bytes. */
static void gas_io(uint8_t *d, size_t off, uint8_t bits, uint16_t port)
{
    put8(d, off, 1);
    put8(d, off + 1, bits);
    put8(d, off + 3, bits <= 8 ? 1 : bits <= 16 ? 2 : 3);
    put64(d, off + 4, port);
}

/* The DSDT: \_S3 with SLP_TYP 1 and \_S5 with SLP_TYP 0, the values QEMU's PIIX4 power management suspends and
   powers off at (acpi_pm.c), then the PCI host bridge (dsdt.c) with its memory window from hole up. */
static size_t build_dsdt(struct acpi_buf *a, uint32_t hole)
{
    static const uint8_t aml[] = {0x08, '_',  'S',  '3',  '_', /* NameOp \_S3_ */
                                  0x12, 0x06, 0x04,            /* PackageOp, PkgLength 6, 4 elements */
                                  0x01, 0x01, 0x00, 0x00,      /* One (PM1a), One (PM1b), reserved, reserved */
                                  0x08, '_',  'S',  '5',  '_', /* NameOp \_S5_ */
                                  0x12, 0x06, 0x04,            /* PackageOp, PkgLength 6, 4 elements */
                                  0x00, 0x00, 0x00, 0x00};     /* Zero (PM1a), Zero (PM1b), reserved, reserved */
    size_t at = take(a, HDR_LEN + sizeof(aml), 16);
    if (at == SIZE_MAX)
        return at;
    memcpy(a->b + at + HDR_LEN, aml, sizeof(aml));
    size_t pci = dsdt_pci(a->b + a->at, a->len - a->at, hole);
    if (pci == 0)
        return SIZE_MAX;
    a->at += pci;
    header(a->b + at, "DSDT", (uint32_t)(HDR_LEN + sizeof(aml) + pci), 2);
    seal(a->b + at);
    return at;
}

static size_t build_fadt(struct acpi_buf *a, size_t facs, size_t dsdt)
{
    size_t at = take(a, FADT_LEN, 16);
    if (at == SIZE_MAX)
        return at;
    uint8_t *f = a->b + at;
    header(f, "FACP", FADT_LEN, FADT_REVISION);
    put32(f, 36, (uint32_t)(a->gpa + facs));
    put32(f, 40, (uint32_t)(a->gpa + dsdt));
    put16(f, 46, SCI_IRQ); /* SMI_CMD 0: always in ACPI mode */
    put32(f, 56, ACPI_PM_BASE + ACPI_PM1_EVT);
    put32(f, 64, ACPI_PM_BASE + ACPI_PM1_CNT);
    put32(f, 76, ACPI_PM_BASE + ACPI_PM_TMR);
    put8(f, 88, 4);      /* PM1_EVT_LEN: status and enable */
    put8(f, 89, 2);      /* PM1_CNT_LEN */
    put8(f, 91, 4);      /* PM_TMR_LEN */
    put16(f, 96, 0xfff); /* no C2 */
    put16(f, 98, 0xfff); /* no C3 */
    put8(f, 108, 0x32);  /* the RTC's century byte, as cmos.c keeps it */
    put16(f, 109, BOOT_LEGACY | BOOT_8042);
    put32(f, 112,
          FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_TMR_VAL_EXT | FADT_RESET_REG_SUP);
    gas_io(f, 116, 8, RESET_REG);
    put8(f, 128, 0x06);
    put64(f, 132, a->gpa + facs);
    put64(f, 140, a->gpa + dsdt);
    gas_io(f, 148, 32, ACPI_PM_BASE + ACPI_PM1_EVT);
    gas_io(f, 172, 16, ACPI_PM_BASE + ACPI_PM1_CNT);
    gas_io(f, 208, 32, ACPI_PM_BASE + ACPI_PM_TMR);
    seal(f);
    return at;
}

/* The MADT: a local APIC per CPU, the IOAPIC, ISA IRQ 0 at GSI 2 and the SCI level-triggered (QEMU's overrides,
   which the library's GSI routing matches), LINT1 as NMI on every CPU. */
static size_t build_madt(struct acpi_buf *a, unsigned ncpus)
{
    size_t len = HDR_LEN + 8 + 8 * (size_t)ncpus + 12 + 2 * 10 + 6;
    size_t at = take(a, len, 16);
    if (at == SIZE_MAX)
        return at;
    uint8_t *m = a->b + at, *e = m + HDR_LEN + 8;
    header(m, "APIC", (uint32_t)len, MADT_REVISION);
    put32(m, 36, LAPIC_AT);
    put32(m, 40, 1); /* PCAT_COMPAT: the 8259s are there too */
    for (unsigned i = 0; i < ncpus; i++, e += 8) {
        e[0] = 0, e[1] = 8, e[2] = (uint8_t)i, e[3] = (uint8_t)i; /* processor UID, APIC ID: the vCPU's index */
        put32(e, 4, 1);                                           /* enabled */
    }
    e[0] = 1, e[1] = 12, e[2] = 0; /* IOAPIC ID 0, at GSI 0 */
    put32(e, 4, IOAPIC_AT);
    e += 12;
    static const struct {
        uint8_t irq, gsi;
        uint16_t flags;
    } iso[] = {{0, 2, 0}, {SCI_IRQ, SCI_IRQ, 0x0d}}; /* 0x0d: active high, level-triggered */
    for (size_t i = 0; i < ARRAY_SIZE(iso); i++, e += 10) {
        e[0] = 2, e[1] = 10, e[2] = 0, e[3] = iso[i].irq;
        put32(e, 4, iso[i].gsi);
        put16(e, 8, iso[i].flags);
    }
    e[0] = 4, e[1] = 6, e[2] = 0xff, e[5] = 1; /* every processor's LINT1 */
    seal(m);
    return at;
}

/* The RSDT (32-bit entries) for ACPI 1.0 readers, the XSDT for the rest: both list the FADT and the MADT. */
static size_t build_sdt(struct acpi_buf *a, bool wide, const size_t *tables, unsigned n)
{
    unsigned w = wide ? 8 : 4;
    size_t at = take(a, HDR_LEN + (size_t)w * n, 16);
    if (at == SIZE_MAX)
        return at;
    header(a->b + at, wide ? "XSDT" : "RSDT", HDR_LEN + w * n, 1);
    for (unsigned i = 0; i < n; i++)
        if (wide)
            put64(a->b + at, HDR_LEN + 8 * i, a->gpa + tables[i]);
        else
            put32(a->b + at, HDR_LEN + 4 * i, (uint32_t)(a->gpa + tables[i]));
    seal(a->b + at);
    return at;
}

uint64_t acpi_build(uint8_t *buf, uint64_t gpa, size_t len, unsigned ncpus, uint32_t pci_hole)
{
    struct acpi_buf a = {buf, gpa, len, 0};
    if (!buf || ncpus == 0 || ncpus > 255 || gpa % 16 || gpa + len > (1ULL << 32) || pci_hole < (1u << 20) ||
        pci_hole > 0xfec00000u)
        return 0;
    size_t rsdp = take(&a, RSDP_LEN, 16), facs = take(&a, FACS_LEN, 64);
    if (rsdp == SIZE_MAX || facs != FACS_OFFSET)
        return 0;
    memcpy(buf + facs, "FACS", 4);
    put32(buf + facs, 4, FACS_LEN);
    put8(buf + facs, 32, 1); /* version */
    size_t dsdt = build_dsdt(&a, pci_hole), fadt = dsdt == SIZE_MAX ? dsdt : build_fadt(&a, facs, dsdt);
    size_t madt = fadt == SIZE_MAX ? fadt : build_madt(&a, ncpus);
    size_t tables[] = {fadt, madt};
    size_t rsdt = madt == SIZE_MAX ? madt : build_sdt(&a, false, tables, 2);
    size_t xsdt = rsdt == SIZE_MAX ? rsdt : build_sdt(&a, true, tables, 2);
    if (xsdt == SIZE_MAX)
        return 0;
    uint8_t *r = buf + rsdp;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "VCPUCX", 6);
    put8(r, 15, 2); /* revision: ACPI 2.0 and later */
    put32(r, 16, (uint32_t)(gpa + rsdt));
    put32(r, 20, RSDP_LEN);
    put64(r, 24, gpa + xsdt);
    r[8] = checksum(r, 20);
    r[32] = checksum(r, RSDP_LEN);
    return gpa + rsdp;
}

uint64_t acpi_install(vm_t *vm, const struct memplan *p, unsigned ncpus)
{
    if (plan_overlaps_image(p, ACPI_TABLES_AT, ACPI_TABLES_LEN))
        return 0;
    return acpi_build(vcpuctx_guest_ram(vm, ACPI_TABLES_AT, ACPI_TABLES_LEN), ACPI_TABLES_AT, ACPI_TABLES_LEN,
                      ncpus ? ncpus : 1, (uint32_t)pc_ram_below_4g(p->ram));
}

uint32_t acpi_waking_vector(vm_t *vm)
{
    const uint8_t *f = vcpuctx_guest_ram(vm, ACPI_TABLES_AT + FACS_OFFSET, FACS_LEN);
    uint32_t v = 0;
    if (f && memcmp(f, "FACS", 4) == 0)
        memcpy(&v, f + FACS_WAKING, sizeof(v));
    return v;
}
