/* ata.c: an ATA disk on the primary IDE channel in PIO mode, backed by a raw image file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"

enum {
    REG_DATA = 0,
    REG_ERROR = 1,
    REG_COUNT = 2,
    REG_LBA0 = 3,
    REG_LBA1 = 4,
    REG_LBA2 = 5,
    REG_SELECT = 6,
    REG_STATUS = 7
};
#define ST_ERR   0x01
#define ST_DRQ   0x08
#define ST_DSC   0x10
#define ST_DRDY  0x40
#define ERR_ABRT 0x04
#define ERR_IDNF 0x10
#define CTL_SRST 0x04

int ata_open(struct ata *a, const char *path, char *err, size_t errlen)
{
    memset(a, 0, sizeof(*a));
    a->fd = open(path, O_RDWR | O_CLOEXEC);
    struct stat st;
    if (a->fd < 0 || fstat(a->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 512) {
        snprintf(err, errlen, "%s: %s", path,
                 a->fd < 0 ? strerror(errno) : "not a raw disk image of at least one 512-byte sector");
        if (a->fd >= 0)
            close(a->fd);
        a->fd = -1;
        return -1;
    }
    a->sectors = (uint64_t)st.st_size / 512;
    if (a->sectors > 0x0fffffff)
        a->sectors = 0x0fffffff; /* LBA28 */
    a->status = ST_DRDY | ST_DSC;
    a->count = a->lba0 = 1; /* the ATA signature after reset */
    return 0;
}

/* What the guest wrote reaches the disk before the run ends, whatever ends it. */
void ata_close(struct ata *a)
{
    if (a->fd >= 0) {
        fdatasync(a->fd);
        close(a->fd);
    }
    a->fd = -1;
}

/* ATA strings: two characters a word, the first in the high byte, padded with spaces. */
static void put_string(uint16_t *w, const char *s, unsigned words)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < words; i++) {
        char hi = 2 * i < len ? s[2 * i] : ' ', lo = 2 * i + 1 < len ? s[2 * i + 1] : ' ';
        w[i] = (uint16_t)((uint8_t)hi << 8 | (uint8_t)lo);
    }
}

static void identify(struct ata *a)
{
    uint16_t *w = a->buf;
    memset(a->buf, 0, sizeof(a->buf));
    uint32_t cyl = (uint32_t)(a->sectors / (16 * 63));
    w[0] = 0x0040; /* fixed disk */
    w[1] = (uint16_t)(cyl > 16383 ? 16383 : cyl);
    w[3] = 16;
    w[6] = 63;
    put_string(w + 10, "VCPUCTX0001", 10);
    put_string(w + 23, "0.1", 4);
    put_string(w + 27, "vcpuctx ATA disk", 20);
    w[47] = 0x8001;  /* READ/WRITE MULTIPLE: 1 sector */
    w[49] = 1u << 9; /* LBA */
    w[53] = 1;
    w[54] = w[1];
    w[55] = 16;
    w[56] = 63;
    w[60] = (uint16_t)a->sectors;
    w[61] = (uint16_t)(a->sectors >> 16);
    w[80] = 0x7e; /* ATA-1..6 */
    a->pos = 0;
    a->remaining = 1;
    a->status = ST_DRDY | ST_DSC | ST_DRQ;
}

static void fail(struct ata *a, uint8_t error)
{
    a->error = error;
    a->status = ST_DRDY | ST_DSC | ST_ERR;
    a->remaining = 0;
}

/* The command's first sector number: LBA28 or CHS (16 heads, 63 sectors a track, as IDENTIFY says). */
static uint32_t command_lba(const struct ata *a)
{
    if (a->select & 0x40)
        return (uint32_t)(a->select & 0x0f) << 24 | (uint32_t)a->lba2 << 16 | (uint32_t)a->lba1 << 8 | a->lba0;
    uint32_t cyl = (uint32_t)a->lba2 << 8 | a->lba1, head = a->select & 0x0f, sect = a->lba0;
    return (cyl * 16 + head) * 63 + (sect ? sect - 1 : 0);
}

/* Load the next sector into buf (reads) and raise DRQ, or finish. */
static void next_sector(struct ata *a)
{
    if (a->remaining == 0) {
        a->status = ST_DRDY | ST_DSC;
        return;
    }
    if (a->lba >= a->sectors) {
        fail(a, ERR_IDNF);
        return;
    }
    if (!a->writing && pread(a->fd, a->buf, 512, (off_t)a->lba * 512) != 512) {
        fail(a, ERR_ABRT);
        return;
    }
    a->pos = 0;
    a->status = ST_DRDY | ST_DSC | ST_DRQ;
}

static void command(struct ata *a, uint8_t cmd)
{
    if (a->select & 0x10) /* no slave: commands to it are ignored */
        return;
    a->error = 0;
    switch (cmd) {
    case 0xec: identify(a); return;
    case 0x20:
    case 0x21:
    case 0x30:
    case 0x31:
        a->writing = cmd >= 0x30;
        a->lba = command_lba(a);
        a->remaining = a->count ? a->count : 256;
        next_sector(a);
        return;
    case 0xef:
    case 0x91:
    case 0x10:
    case 0xe0:
    case 0xe1:
    case 0xe7:
        a->status = ST_DRDY | ST_DSC; /* features, geometry, recalibrate, standby, idle, flush: accepted */
        return;
    default: fail(a, ERR_ABRT); return; /* IDENTIFY PACKET and the rest: not this device */
    }
}

/* One data-register access of 2 or 4 bytes (4: two words). */
static uint32_t data_in(struct ata *a, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size / 2; i++) {
        if (!(a->status & ST_DRQ) || a->writing)
            return v;
        v |= (uint32_t)a->buf[a->pos++] << (16 * i);
        if (a->pos == 256) {
            a->remaining--;
            a->lba++;
            next_sector(a);
        }
    }
    return v;
}

static void data_out(struct ata *a, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size / 2; i++) {
        if (!(a->status & ST_DRQ) || !a->writing)
            return;
        a->buf[a->pos++] = (uint16_t)(value >> (16 * i));
        if (a->pos == 256) {
            if (pwrite(a->fd, a->buf, 512, (off_t)a->lba * 512) != 512) {
                fail(a, ERR_ABRT);
                return;
            }
            a->remaining--;
            a->lba++;
            next_sector(a);
        }
    }
}

uint32_t ata_read(struct ata *a, unsigned reg, unsigned size)
{
    if (reg == ATA_CONTROL)
        return (a->select & 0x10) ? 0 : a->status; /* alternate status */
    if ((a->select & 0x10) && reg != REG_SELECT)
        return 0; /* no slave */
    switch (reg) {
    case REG_DATA: return data_in(a, size < 2 ? 2 : size);
    case REG_ERROR: return a->error;
    case REG_COUNT: return a->count;
    case REG_LBA0: return a->lba0;
    case REG_LBA1: return a->lba1;
    case REG_LBA2: return a->lba2;
    case REG_SELECT: return a->select | 0xa0;
    default: return a->status;
    }
}

void ata_write(struct ata *a, unsigned reg, unsigned size, uint32_t value)
{
    uint8_t v = (uint8_t)value;
    if (reg == ATA_CONTROL) {
        if ((a->control & CTL_SRST) && !(v & CTL_SRST)) { /* end of a soft reset: signature, ready */
            a->count = a->lba0 = 1;
            a->lba1 = a->lba2 = 0;
            a->select &= 0x10;
            a->status = ST_DRDY | ST_DSC;
            a->error = 1; /* diagnostic: device 0 passed */
        }
        a->control = v;
        return;
    }
    switch (reg) {
    case REG_DATA: data_out(a, size < 2 ? 2 : size, value); break;
    case REG_ERROR: a->feature = v; break;
    case REG_COUNT: a->count = v; break;
    case REG_LBA0: a->lba0 = v; break;
    case REG_LBA1: a->lba1 = v; break;
    case REG_LBA2: a->lba2 = v; break;
    case REG_SELECT: a->select = v & 0x5f; break;
    default: command(a, v); break;
    }
}

static uint32_t ata_reg_read(void *dev, unsigned reg, unsigned size)
{
    return ata_read(dev, reg, size);
}

static void ata_reg_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    ata_write(dev, reg, size, value);
}

/* The data register takes 16- and 32-bit accesses whole; the others are bytes (the device uses the low one). */
int ata_register(vm_t *vm, struct ata *a)
{
    static const struct port_ops ops = {ata_reg_read, ata_reg_write, 4};
    return port_range_register(vm, &a->io[0], (struct port_range){&ops, a, 0x1f0, 8, 0}, "ata") ||
                   port_range_register(vm, &a->io[1], (struct port_range){&ops, a, 0x3f6, 1, ATA_CONTROL}, "ata")
               ? -1
               : 0;
}
