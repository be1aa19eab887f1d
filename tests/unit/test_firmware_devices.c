/* test_firmware_devices.c: fw_cfg and i8042 register behaviour, without KVM. */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/devices.h"

static void read_item(struct fw_cfg *f, uint16_t key, uint8_t *buf, size_t n)
{
    fw_cfg_select(f, key);
    for (size_t i = 0; i < n; i++)
        buf[i] = fw_cfg_read(f);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

Test(fw_cfg, signature_id_and_nographic)
{
    struct fw_cfg f;
    cr_assert_eq(fw_cfg_init(&f, 64u << 20, 1), 0);
    uint8_t buf[8];
    read_item(&f, 0x0000, buf, 5);
    cr_assert_eq(memcmp(buf, "QEMU\0", 5), 0, "signature, then zeros past its end");
    read_item(&f, 0x0001, buf, 4);
    cr_assert_eq(buf[0], 1, "ID: traditional interface, no DMA");
    read_item(&f, 0x0004, buf, 2);
    cr_assert(buf[0] == 1 && buf[1] == 0, "NOGRAPHIC");
    read_item(&f, 0x8000, buf, 4);
    cr_assert_eq(buf[0] | buf[1] | buf[2] | buf[3], 0, "architecture keys are not the generic ones");
    read_item(&f, 0x4000, buf, 4);
    cr_assert_eq(memcmp(buf, "QEMU", 4), 0, "bit 14 (write) does not change the item read");
    read_item(&f, 0x1234, buf, 2);
    cr_assert_eq(buf[0] | buf[1], 0, "unknown keys read 0");
    fw_cfg_free(&f);
}

/* The items QEMU always gives: FW_CFG_RAM_SIZE (8 bytes), FW_CFG_NB_CPUS and FW_CFG_MAX_CPUS (2 bytes each). */
Test(fw_cfg, ram_size_and_cpu_counts)
{
    struct fw_cfg f;
    cr_assert_eq(fw_cfg_init(&f, 96u << 20, 4), 0);
    uint8_t buf[8];
    uint64_t ram = 0;
    read_item(&f, 0x0003, buf, 8);
    memcpy(&ram, buf, 8);
    cr_assert_eq(ram, 96u << 20);
    read_item(&f, 0x0005, buf, 2);
    cr_assert(buf[0] == 4 && buf[1] == 0, "NB_CPUS");
    read_item(&f, 0x000f, buf, 2);
    cr_assert(buf[0] == 4 && buf[1] == 0, "MAX_CPUS");
    fw_cfg_free(&f);
}

Test(fw_cfg, file_directory_and_e820)
{
    struct fw_cfg f;
    cr_assert_eq(fw_cfg_init(&f, 64u << 20, 1), 0);
    uint8_t dir[4 + 64 * 3];
    read_item(&f, 0x0019, dir, sizeof(dir));
    cr_assert_eq(be32(dir), 3);
    const char *names[] = {"etc/e820", "etc/show-boot-menu", "etc/boot-fail-wait"};
    const uint32_t sizes[] = {20, 2, 4};
    for (int i = 0; i < 3; i++) {
        const uint8_t *e = dir + 4 + 64 * i;
        cr_assert_eq(be32(e), sizes[i], "%s size", names[i]);
        cr_assert_eq(e[4] << 8 | e[5], 0x20 + i, "%s selector", names[i]);
        cr_assert_str_eq((const char *)e + 8, names[i]);
    }
    uint8_t e820[20];
    read_item(&f, 0x20, e820, sizeof(e820));
    uint64_t addr, len;
    uint32_t type;
    memcpy(&addr, e820, 8);
    memcpy(&len, e820 + 8, 8);
    memcpy(&type, e820 + 16, 4);
    cr_assert(addr == 0 && len == (64u << 20) && type == 1, "one RAM entry");
    fw_cfg_free(&f);
}

/* From 3.5 GiB of RAM on: 3 GiB below 4 GiB and the rest from 4 GiB, two e820 entries, as QEMU's pc. */
Test(fw_cfg, ram_above_4_gib_in_e820)
{
    struct fw_cfg f;
    cr_assert_eq(fw_cfg_init(&f, 5ULL << 30, 1), 0);
    uint8_t dir[4 + 64];
    read_item(&f, 0x0019, dir, sizeof(dir));
    cr_assert_eq(be32(dir + 4), 40, "two entries");
    uint8_t e820[40];
    uint64_t v[4], ram = 0;
    read_item(&f, 0x20, e820, sizeof(e820));
    memcpy(&v[0], e820, 8), memcpy(&v[1], e820 + 8, 8), memcpy(&v[2], e820 + 20, 8), memcpy(&v[3], e820 + 28, 8);
    cr_assert(v[0] == 0 && v[1] == (3ULL << 30), "below 4 GiB: 0x%llx", (unsigned long long)v[1]);
    cr_assert(v[2] == (1ULL << 32) && v[3] == (2ULL << 30), "from 4 GiB: 0x%llx", (unsigned long long)v[3]);
    read_item(&f, 0x0003, (uint8_t *)&ram, 8);
    cr_assert_eq(ram, 5ULL << 30, "the RAM size is all of it");
    fw_cfg_free(&f);
}

Test(i8042, self_tests_commands_and_reset)
{
    struct sysctl sys = {0};
    struct i8042 k;
    i8042_init(&k, &sys);
    cr_assert_eq(i8042_read(&k, I8042_COMMAND) & 0x03, 0, "buffers empty");
    i8042_write(&k, I8042_COMMAND, 0xaa);
    cr_assert_eq(i8042_read(&k, I8042_COMMAND) & 1, 1, "output full");
    cr_assert_eq(i8042_read(&k, I8042_DATA), 0x55, "self-test passed");
    cr_assert_eq(i8042_read(&k, I8042_COMMAND) & 1, 0);
    i8042_write(&k, I8042_COMMAND, 0x60);
    i8042_write(&k, I8042_DATA, 0x61);
    i8042_write(&k, I8042_COMMAND, 0x20);
    cr_assert_eq(i8042_read(&k, I8042_DATA), 0x61, "command byte written and read back");
    i8042_write(&k, I8042_DATA, 0xff);
    cr_assert_eq(i8042_read(&k, I8042_DATA), 0xfa, "keyboard reset acknowledged");
    cr_assert_eq(i8042_read(&k, I8042_DATA), 0xaa, "then its self-test passes");
    cr_assert(!sys.reset_requested);
    i8042_write(&k, I8042_COMMAND, 0xfe);
    cr_assert(sys.reset_requested, "0xFE pulses the reset line");
}
