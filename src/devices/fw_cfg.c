/* fw_cfg.c: QEMU's firmware configuration device on its legacy I/O ports, for SeaBIOS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"

enum {
    KEY_SIGNATURE = 0x00,
    KEY_ID = 0x01,
    KEY_RAM_SIZE = 0x03,
    KEY_NOGRAPHIC = 0x04,
    KEY_NB_CPUS = 0x05,
    KEY_MAX_CPUS = 0x0f,
    KEY_FILE_DIR = 0x19,
    KEY_FILE_FIRST = 0x20
};

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void set_small(struct fw_cfg *f, unsigned key, const void *data, uint32_t size)
{
    memcpy(f->small[key], data, size);
    f->small_size[key] = size;
}

/* The directory: a big-endian count, then {size, select, reserved, name[56]} per file. */
static void rebuild_dir(struct fw_cfg *f)
{
    memset(f->dir, 0, sizeof(f->dir));
    put_be32(f->dir, f->nfiles);
    for (unsigned i = 0; i < f->nfiles; i++) {
        uint8_t *e = f->dir + 4 + 64 * i;
        put_be32(e, f->files[i].size);
        e[4] = (uint8_t)((KEY_FILE_FIRST + i) >> 8);
        e[5] = (uint8_t)(KEY_FILE_FIRST + i);
        memcpy(e + 8, f->files[i].name, sizeof(f->files[i].name));
    }
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t size)
{
    if (f->nfiles == FW_CFG_MAX_FILES || strlen(name) >= sizeof(f->files[0].name)) {
        errno = ENOSPC;
        return -1;
    }
    struct fw_cfg_file *file = &f->files[f->nfiles];
    file->data = malloc(size ? size : 1);
    if (!file->data)
        return -1;
    memcpy(file->data, data, size);
    file->size = size;
    strncpy(file->name, name, sizeof(file->name) - 1);
    f->nfiles++;
    rebuild_dir(f);
    return 0;
}

/* What QEMU's PC machine offers SeaBIOS and kernels: the RAM size, the CPU counts, RAM in e820 (below 4 GiB, and
   above it from 3.5 GiB of RAM on), no boot menu, no wait before rebooting, NOGRAPHIC. */
int fw_cfg_init(struct fw_cfg *f, uint64_t ram_bytes, unsigned cpus)
{
    memset(f, 0, sizeof(*f));
    const uint32_t id = 1;
    const uint16_t ncpus = (uint16_t)cpus;
    const uint16_t nographic = 1, no_menu = 0;
    const uint32_t fail_wait = 0;
    set_small(f, KEY_SIGNATURE, "QEMU", 4);
    set_small(f, KEY_ID, &id, 4); /* the traditional interface only (no DMA) */
    set_small(f, KEY_NOGRAPHIC, &nographic, 2);
    set_small(f, KEY_RAM_SIZE, &ram_bytes, 8);
    set_small(f, KEY_NB_CPUS, &ncpus, 2);
    set_small(f, KEY_MAX_CPUS, &ncpus, 2);
    struct __attribute__((packed)) {
        uint64_t addr, len;
        uint32_t type;
    } e820[2] = {{0, pc_ram_below_4g(ram_bytes), 1}, {PC_HIGH_RAM_BASE, ram_bytes - pc_ram_below_4g(ram_bytes), 1}};
    rebuild_dir(f);
    if (fw_cfg_add_file(f, "etc/e820", e820, sizeof(e820[0]) * (e820[1].len ? 2 : 1)) < 0 ||
        fw_cfg_add_file(f, "etc/show-boot-menu", &no_menu, sizeof(no_menu)) < 0 ||
        fw_cfg_add_file(f, "etc/boot-fail-wait", &fail_wait, sizeof(fail_wait)) < 0) {
        fw_cfg_free(f);
        return -1;
    }
    return 0;
}

void fw_cfg_free(struct fw_cfg *f)
{
    for (unsigned i = 0; i < f->nfiles; i++)
        free(f->files[i].data);
    f->nfiles = 0;
}

void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
    f->selector = key;
    f->offset = 0;
}

/* The next byte of the selected item; reads past its end (or of an unknown key) are 0, as QEMU's. */
uint8_t fw_cfg_read(struct fw_cfg *f)
{
    const uint8_t *data = NULL;
    uint32_t size = 0;
    unsigned key = f->selector & 0xbfff; /* bit 14: write; bit 15: architecture keys, none offered */
    if (key < FW_CFG_SMALL_KEYS) {
        data = f->small[key];
        size = f->small_size[key];
    } else if (key == KEY_FILE_DIR) {
        data = f->dir;
        size = 4 + 64 * f->nfiles;
    } else if (key >= KEY_FILE_FIRST && key < KEY_FILE_FIRST + f->nfiles) {
        data = f->files[key - KEY_FILE_FIRST].data;
        size = f->files[key - KEY_FILE_FIRST].size;
    }
    if (!data || f->offset >= size)
        return 0;
    return data[f->offset++];
}

/* The selector (0x510): a write of up to 16 bits selects a key; it reads as 0. */
static uint32_t selector_read(void *dev, unsigned reg, unsigned size)
{
    (void)dev;
    (void)reg;
    (void)size;
    return 0;
}

static void selector_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    (void)reg;
    (void)size;
    fw_cfg_select(dev, (uint16_t)value);
}

/* The data port (0x511): a read of size bytes takes that many from the item; writes are ignored, as on QEMU
   2.4 and later. */
static uint32_t data_read(void *dev, unsigned reg, unsigned size)
{
    (void)reg;
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)fw_cfg_read(dev) << (8 * i);
    return v;
}

int fw_cfg_register(vm_t *vm, struct fw_cfg *f)
{
    static const struct port_ops selector = {selector_read, selector_write, 4}, data = {data_read, NULL, 4};
    return port_range_register(vm, &f->io[0], (struct port_range){&selector, f, 0x510, 1, 0}, "fw_cfg") ||
                   port_range_register(vm, &f->io[1], (struct port_range){&data, f, 0x511, 1, 1}, "fw_cfg")
               ? -1
               : 0;
}
