/* test_blkfile.c: the raw image behind a virtio disk: refused clearly when missing, locked or not whole sectors;
   pieces read, written and flushed at the sector asked; a read-only image never written. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "devices/devices.h"

static char path[] = "/tmp/vcpuctx-blkfile-XXXXXX";
static char err[256];

static void make_image(size_t bytes)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)bytes), 0);
    close(fd);
}

static void teardown(void)
{
    unlink(path);
    strcpy(path, "/tmp/vcpuctx-blkfile-XXXXXX");
}

TestSuite(blkfile, .fini = teardown);

Test(blkfile, bad_images_are_refused_with_a_reason)
{
    struct blkfile b;
    cr_assert_eq(blkfile_open(&b, "/nonexistent/disk.img", false, err, sizeof(err)), -1);
    cr_assert(strstr(err, "No such file"), "%s", err);
    cr_assert_eq(blkfile_open(&b, "/dev/null", false, err, sizeof(err)), -1);
    cr_assert(strstr(err, "not a regular file"), "%s", err);
    make_image(1000);
    cr_assert_eq(blkfile_open(&b, path, false, err, sizeof(err)), -1);
    cr_assert(strstr(err, "whole number of 512-byte sectors"), "%s", err);
    cr_assert_eq(truncate(path, 0), 0);
    cr_assert_eq(blkfile_open(&b, path, false, err, sizeof(err)), -1, "empty");
}

Test(blkfile, an_image_in_use_is_locked)
{
    struct blkfile a, b;
    make_image(4096);
    cr_assert_eq(blkfile_open(&a, path, false, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(blkfile_open(&b, path, false, err, sizeof(err)), -1);
    cr_assert(strstr(err, "locked by another process"), "%s", err);
    cr_assert_eq(blkfile_open(&b, path, true, err, sizeof(err)), -1, "not even read-only while written");
    blkfile_close(&a);
    cr_assert_eq(blkfile_open(&a, path, true, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(blkfile_open(&b, path, true, err, sizeof(err)), 0, "two readers share it");
    blkfile_close(&a);
    blkfile_close(&b);
}

Test(blkfile, pieces_move_at_their_sector)
{
    struct blkfile b;
    uint8_t buf[1024];
    make_image(8 * 512);
    cr_assert_eq(blkfile_open(&b, path, false, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(b.sectors, 8);
    memset(buf, 'x', sizeof(buf));
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_OUT, 6, 1024, buf), 0);
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_FLUSH, 0, 0, NULL), 0);
    memset(buf, 0, sizeof(buf));
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_IN, 7, 512, buf), 0);
    cr_assert_eq(buf[511], 'x');
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_IN, 7, 1024, buf), -1, "past the end");
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_IN, UINT64_MAX, 512, buf), -1, "a wrapping sector");
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_IN, 0, 100, buf), -1, "not whole sectors");
    cr_assert_eq(blkfile_xfer(&b, 99, 0, 512, buf), -1, "an unknown type");
    blkfile_close(&b);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fseek(f, 6 * 512, SEEK_SET), 0);
    cr_assert_eq(fgetc(f), 'x', "on the host file");
    fclose(f);
}

Test(blkfile, a_read_only_image_is_never_written)
{
    struct blkfile b;
    uint8_t buf[512] = {1};
    make_image(512);
    chmod(path, 0444);
    cr_assert_eq(blkfile_open(&b, path, true, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_OUT, 0, 512, buf), -1);
    cr_assert_eq(blkfile_xfer(&b, VIRTIO_BLK_T_FLUSH, 0, 0, NULL), 0, "nothing to flush");
    blkfile_close(&b);
}
