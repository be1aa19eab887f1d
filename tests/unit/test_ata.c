/* test_ata.c: the ATA disk model's registers and PIO transfers on a temporary image, without KVM. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/devices.h"

static char path[] = "/tmp/vcpuctx-ata-XXXXXX";
static struct ata a;

static void setup(void)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    uint8_t sector[512];
    for (int s = 0; s < 8; s++) {
        memset(sector, 0x10 + s, sizeof(sector));
        cr_assert_eq(write(fd, sector, sizeof(sector)), 512);
    }
    close(fd);
    char err[256];
    cr_assert_eq(ata_open(&a, path, err, sizeof(err)), 0, "%s", err);
}

static void teardown(void)
{
    ata_close(&a);
    unlink(path);
}

TestSuite(ata, .init = setup, .fini = teardown);

Test(ata, signature_and_identify)
{
    cr_assert_eq(ata_read(&a, 2, 1), 1);
    cr_assert_eq(ata_read(&a, 3, 1), 1);
    cr_assert_eq(ata_read(&a, 7, 1) & 0xc0, 0x40, "ready, not busy");
    ata_write(&a, 6, 1, 0xa0);
    ata_write(&a, 7, 1, 0xec);
    cr_assert_eq(ata_read(&a, 7, 1) & 0x08, 0x08, "DRQ");
    uint16_t id[256];
    for (int i = 0; i < 256; i++)
        id[i] = (uint16_t)ata_read(&a, 0, 2);
    cr_assert_eq(id[0], 0x0040);
    cr_assert_eq(id[60] | id[61] << 16, 8, "8 sectors");
    cr_assert_eq(id[49] & 0x200, 0x200, "LBA");
    cr_assert_eq(id[27], ('v' << 8) | 'c', "model string, high byte first");
    cr_assert_eq(ata_read(&a, 7, 1) & 0x08, 0, "transfer done");
}

static void read_cmd(uint8_t select, uint8_t count, uint8_t l0, uint8_t l1, uint8_t l2)
{
    ata_write(&a, 6, 1, select);
    ata_write(&a, 2, 1, count);
    ata_write(&a, 3, 1, l0);
    ata_write(&a, 4, 1, l1);
    ata_write(&a, 5, 1, l2);
    ata_write(&a, 7, 1, 0x20);
}

Test(ata, read_sectors_lba_and_chs)
{
    read_cmd(0xe0, 2, 3, 0, 0); /* LBA 3, 2 sectors */
    for (int i = 0; i < 256; i++)
        cr_assert_eq(ata_read(&a, 0, 2), 0x1313);
    for (int i = 0; i < 128; i++)
        cr_assert_eq(ata_read(&a, 0, 4), 0x14141414u, "32-bit data reads");
    cr_assert_eq(ata_read(&a, 7, 1) & 0x09, 0, "no DRQ, no error");
    read_cmd(0xa0, 1, 6, 0, 0); /* CHS 0/0/6 = LBA 5 */
    cr_assert_eq(ata_read(&a, 0, 2), 0x1515);
}

Test(ata, errors_slave_and_write)
{
    read_cmd(0xe0, 1, 8, 0, 0); /* past the end */
    cr_assert_eq(ata_read(&a, 7, 1) & 0x01, 1, "ERR");
    cr_assert_eq(ata_read(&a, 1, 1), 0x10, "IDNF");
    ata_write(&a, 7, 1, 0xa1); /* IDENTIFY PACKET: not ATAPI */
    cr_assert_eq(ata_read(&a, 1, 1), 0x04, "ABRT");
    ata_write(&a, 6, 1, 0xb0); /* the slave: absent */
    cr_assert_eq(ata_read(&a, 7, 1), 0);
    cr_assert_eq(ata_read(&a, ATA_CONTROL, 1), 0);
    ata_write(&a, 6, 1, 0xe0);
    ata_write(&a, 2, 1, 1);
    ata_write(&a, 3, 1, 7);
    ata_write(&a, 7, 1, 0x30); /* WRITE SECTORS */
    for (int i = 0; i < 256; i++)
        ata_write(&a, 0, 2, 0xbeef);
    read_cmd(0xe0, 1, 7, 0, 0);
    cr_assert_eq(ata_read(&a, 0, 2), 0xbeef, "written and read back");
}

Test(ata, bad_images_are_refused)
{
    struct ata b;
    char err[256];
    cr_assert_eq(ata_open(&b, "/nonexistent/disk.img", err, sizeof(err)), -1);
    cr_assert_not_null(strstr(err, "No such file"));
    cr_assert_eq(ata_open(&b, "/tmp", err, sizeof(err)), -1);
}
