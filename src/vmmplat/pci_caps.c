/* pci_caps.c: a device's capability list emulated over its own: the list relinked to the capabilities kept, and
   ranges hidden (reading 0, dropping writes); the list without MSI and MSI-X. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#include "pci_regs.h"

#define MAX_CAPS 48 /* 192 bytes of capability space (0x40-0xff), 4 at least each */

/* The access's value with register byte reg replaced by byte. */
static uint32_t patch_byte(uint32_t v, int offset, int reg, uint8_t byte)
{
    unsigned shift = PCI_SHIFT(offset, reg);
    return (v & ~(0xffu << shift)) | ((uint32_t)byte << shift);
}

/* Whether an access touches a hidden range (inclusive ends). Upstream hides only an access that spans a range
   whole, which the 1-, 2- and 4-byte accesses of a driver never do to a capability; any access that touches one
   is hidden here. */
static bool hidden(const pci_cap_emulation_t *e, int offset, int size)
{
    for (int i = 0; i < e->num_ignore; i++)
        if (offset <= e->ignore_end[i] && offset + size > e->ignore_start[i])
            return true;
    return false;
}

/* The byte the emulation puts at reg (a list pointer or the status bit), or -1 when reg is not one of them. */
static int emulated_byte(const pci_cap_emulation_t *e, int reg, uint8_t real)
{
    if (reg == PCI_STATUS)
        return e->num_caps > 0 ? real | PCI_STATUS_CAP_LIST : real & ~PCI_STATUS_CAP_LIST;
    if (reg == PCI_CAPABILITY_LIST)
        return e->num_caps > 0 ? e->caps[0] : 0;
    for (int i = 0; i < e->num_caps; i++)
        if (reg == e->caps[i] + 1)
            return i + 1 < e->num_caps ? e->caps[i + 1] : 0;
    return -1;
}

static int cap_read(void *cookie, int offset, int size, uint32_t *result)
{
    const pci_cap_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    if (hidden(e, offset, size)) {
        *result = 0;
        return 0;
    }
    if (pci_forward_read(&e->passthrough, offset, size, result) != 0)
        return -1;
    for (int reg = offset; reg < offset + size; reg++) {
        int b = emulated_byte(e, reg, (uint8_t)(*result >> PCI_SHIFT(offset, reg)));
        if (b >= 0)
            *result = patch_byte(*result, offset, reg, (uint8_t)b);
    }
    return 0;
}

static int cap_write(void *cookie, int offset, int size, uint32_t value)
{
    const pci_cap_emulation_t *e = cookie;
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    return hidden(e, offset, size) ? 0 : pci_forward_write(&e->passthrough, offset, size, value);
}

static void cap_emulation_free(pci_cap_emulation_t *e)
{
    if (e) {
        free(e->caps);
        free(e->ignore_start);
        free(e->ignore_end);
    }
    free(e);
}

/* A copy of n bytes (at least one allocated, so that a list of none is not mistaken for a failure). */
static uint8_t *bytes_copy(const uint8_t *from, int n)
{
    uint8_t *to = calloc((size_t)(n > 0 ? n : 1), 1);
    if (to && n > 0)
        memcpy(to, from, (size_t)n);
    return to;
}

vmm_pci_entry_t vmm_pci_create_cap_emulation(vmm_pci_entry_t existing, int num_caps, uint8_t *caps, int num_ranges,
                                             uint8_t *range_starts, uint8_t *range_ends)
{
    pci_cap_emulation_t *e = existing.ioread ? calloc(1, sizeof(*e)) : NULL;
    if (!e || num_caps < 0 || num_ranges < 0 || (num_caps && !caps) || (num_ranges && (!range_starts || !range_ends))) {
        free(e);
        return (vmm_pci_entry_t){0};
    }
    *e = (pci_cap_emulation_t){.passthrough = existing,
                               .num_caps = num_caps,
                               .caps = bytes_copy(caps, num_caps),
                               .num_ignore = num_ranges,
                               .ignore_start = bytes_copy(range_starts, num_ranges),
                               .ignore_end = bytes_copy(range_ends, num_ranges)};
    if (!e->caps || !e->ignore_start || !e->ignore_end) {
        cap_emulation_free(e);
        return (vmm_pci_entry_t){0};
    }
    return (vmm_pci_entry_t){.cookie = e, .ioread = cap_read, .iowrite = cap_write};
}

static uint8_t read_byte(vmm_pci_entry_t *d, int reg)
{
    uint32_t v = 0;
    return d->ioread(d->cookie, reg, 1, &v) == 0 ? (uint8_t)v : 0;
}

/* The bytes of the MSI or MSI-X capability at at (PCI 3.0, 6.8): MSI's from its message control (64-bit
   addresses, per-vector masking), MSI-X's 12. Upstream hides a fixed 20 and 8, which can cover the next
   capability or leave MSI's mask bits shown. */
static uint8_t msi_length(vmm_pci_entry_t *d, uint8_t at, uint8_t id)
{
    if (id == PCI_CAP_ID_MSIX)
        return 12;
    uint8_t control = read_byte(d, at + 2), control_hi = read_byte(d, at + 3);
    return (uint8_t)(10 + ((control & 0x80) ? 4 : 0) + ((control_hi & 0x01) ? 10 : 0));
}

vmm_pci_entry_t vmm_pci_no_msi_cap_emulation(vmm_pci_entry_t existing)
{
    if (!existing.ioread || (read_byte(&existing, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTIFUNC) != 0 ||
        !(read_byte(&existing, PCI_STATUS) & PCI_STATUS_CAP_LIST))
        return existing; /* not a type-0 header, or no capabilities */
    uint8_t caps[MAX_CAPS], start[2], end[2], seen[256 / 8] = {0};
    int ncaps = 0, nignore = 0;
    uint8_t at = read_byte(&existing, PCI_CAPABILITY_LIST) & ~3u;
    while (at >= PCI_HEADER_SIZE && !(seen[at / 8] & (1u << (at % 8))) && ncaps < MAX_CAPS) {
        seen[at / 8] |= (uint8_t)(1u << (at % 8)); /* a looping list ends at its first return */
        uint8_t id = read_byte(&existing, at);
        if ((id == PCI_CAP_ID_MSI || id == PCI_CAP_ID_MSIX) && nignore < 2) {
            unsigned last = at + msi_length(&existing, at, id) - 1u;
            start[nignore] = at;
            end[nignore++] = (uint8_t)(last > 0xff ? 0xff : last);
        } else {
            caps[ncaps++] = at;
        }
        at = read_byte(&existing, at + 1) & ~3u;
    }
    return nignore ? vmm_pci_create_cap_emulation(existing, ncaps, caps, nignore, start, end) : existing;
}
