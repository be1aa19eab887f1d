/* dsdt.c: the AML of the DSDT's PCI host bridge, as a PC's firmware describes it (ACPI 6.5, 19-20): \_SB.PCI0, a
   PNP0A03 root with bus 0, the I/O ports around configuration mechanism #1 and the memory between RAM and the
   IOAPIC as its windows (_CRS), and each slot's INTA-INTD on an IOAPIC input (_PRT), as pci_slot_gsi says. */
#include <string.h>

#include "run.h"

#define AML_SCOPE   0x10
#define AML_NAME    0x08
#define AML_PACKAGE 0x12
#define AML_BUFFER  0x11
#define AML_BYTE    0x0a
#define AML_WORD    0x0b
#define AML_DWORD   0x0c
#define AML_EXT     0x5b
#define AML_DEVICE  0x82

/* A growing AML stream; a write past room marks it failed. */
struct aml {
    uint8_t *b;
    size_t room, at;
    bool full;
};

static void emit(struct aml *a, const void *p, size_t n)
{
    if (a->full || n > a->room - a->at) {
        a->full = true;
        return;
    }
    memcpy(a->b + a->at, p, n);
    a->at += n;
}

static void byte(struct aml *a, uint8_t v)
{
    emit(a, &v, 1);
}

static void dword(struct aml *a, uint32_t v)
{
    byte(a, AML_DWORD);
    emit(a, &v, 4);
}

/* Open a PkgLength at the stream's end, 3 bytes always (values up to 1 MiB); close fills it in. */
static size_t open_pkg(struct aml *a)
{
    size_t at = a->at;
    emit(a, "\0\0\0", 3);
    return at;
}

static void close_pkg(struct aml *a, size_t at)
{
    if (a->full)
        return;
    size_t len = a->at - at;
    a->b[at] = (uint8_t)(2u << 6 | (len & 0xf));
    a->b[at + 1] = (uint8_t)(len >> 4);
    a->b[at + 2] = (uint8_t)(len >> 12);
}

static void name(struct aml *a, const char seg[4])
{
    byte(a, AML_NAME);
    emit(a, seg, 4);
}

/* Word address space descriptors (6.4.3.5.3): a bus range or an I/O window the bridge produces. */
static void word_space(struct aml *a, uint8_t type, uint8_t flags, uint16_t min, uint16_t max)
{
    uint8_t d[16] = {0x88, 13, 0, type, 0x0c, flags};
    uint16_t len = (uint16_t)(max - min + 1);
    memcpy(d + 8, &min, 2);
    memcpy(d + 10, &max, 2);
    memcpy(d + 14, &len, 2);
    emit(a, d, sizeof(d));
}

/* A DWord memory window (6.4.3.5.2), read-write and cacheable, as QEMU's. */
static void dword_memory(struct aml *a, uint32_t min, uint32_t max)
{
    uint8_t d[26] = {0x87, 23, 0, 0, 0x0c, 0x03};
    uint32_t len = max - min + 1;
    memcpy(d + 10, &min, 4);
    memcpy(d + 14, &max, 4);
    memcpy(d + 22, &len, 4);
    emit(a, d, sizeof(d));
}

static void crs(struct aml *a, uint32_t hole)
{
    name(a, "_CRS");
    byte(a, AML_BUFFER);
    size_t pkg = open_pkg(a);
    size_t size_at = a->at;
    byte(a, AML_WORD);
    emit(a, "\0\0", 2);
    size_t start = a->at;
    word_space(a, 2, 0, 0, 0xff);            /* buses 0-255 */
    word_space(a, 1, 3, 0x0000, 0x0cf7);     /* I/O below the configuration ports */
    word_space(a, 1, 3, 0x0d00, 0xffff);     /* and above them */
    dword_memory(a, 0x000a0000, 0x000bffff); /* the VGA window */
    dword_memory(a, hole, 0xfebfffff);       /* the 32-bit PCI hole, up to the IOAPIC */
    emit(a, "\x79\x00", 2);                  /* end tag */
    if (!a->full) {
        uint16_t n = (uint16_t)(a->at - start);
        memcpy(a->b + size_at + 1, &n, 2);
    }
    close_pkg(a, pkg);
}

/* _PRT: Package {Package {slot << 16 | 0xFFFF, pin, 0, GSI}, ...} for slots 1-31 (a GSI, no link device). */
static void prt(struct aml *a)
{
    name(a, "_PRT");
    byte(a, AML_PACKAGE);
    size_t pkg = open_pkg(a);
    byte(a, 31 * 4);
    for (unsigned slot = 1; slot < 32; slot++)
        for (unsigned pin = 0; pin < 4; pin++) {
            byte(a, AML_PACKAGE);
            size_t entry = open_pkg(a);
            byte(a, 4);
            dword(a, slot << 16 | 0xffff);
            emit(a, (uint8_t[]){AML_BYTE, (uint8_t)pin, 0x00, AML_BYTE, (uint8_t)pci_slot_gsi(slot, pin + 1)}, 5);
            close_pkg(a, entry);
        }
    close_pkg(a, pkg);
}

size_t dsdt_pci(uint8_t *out, size_t room, uint32_t hole)
{
    struct aml a = {.b = out, .room = room};
    byte(&a, AML_SCOPE);
    size_t scope = open_pkg(&a);
    emit(&a, "\\_SB_", 5);
    emit(&a, (uint8_t[]){AML_EXT, AML_DEVICE}, 2);
    size_t dev = open_pkg(&a);
    emit(&a, "PCI0", 4);
    name(&a, "_HID");
    dword(&a, 0x030ad041); /* EISAID("PNP0A03") */
    name(&a, "_ADR");
    byte(&a, 0x00);
    name(&a, "_UID");
    byte(&a, 0x00);
    crs(&a, hole);
    prt(&a);
    close_pkg(&a, dev);
    close_pkg(&a, scope);
    return a.full ? 0 : a.at;
}
