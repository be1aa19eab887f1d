/* blkfile.c: a raw image file as the backend of a virtio block device (util_libs' raw_diskiface_funcs_t): reads
   and writes at the sector asked, straight between the file and the guest's buffer; a flush is fdatasync. The
   image is locked for the run (an OFD write lock, as QEMU takes, a read lock when read-only), so two VMMs never
   write one disk. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"

/* A block device's size, into st_size. */
static int ioctl_size(int fd, struct stat *st)
{
    uint64_t bytes;
    if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
        return -1;
    st->st_size = (off_t)bytes;
    return 0;
}

static int lock(int fd, bool readonly)
{
    struct flock l = {.l_type = readonly ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET};
    return fcntl(fd, F_OFD_SETLK, &l);
}

static int refuse(struct blkfile *b, char *err, size_t errlen, const char *path, const char *why)
{
    snprintf(err, errlen, "%s: %s", path, why);
    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
    return -1;
}

int blkfile_open(struct blkfile *b, const char *path, bool readonly, char *err, size_t errlen)
{
    *b = (struct blkfile){.readonly = readonly};
    b->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    struct stat st;
    if (b->fd < 0 || fstat(b->fd, &st) < 0)
        return refuse(b, err, errlen, path, strerror(errno));
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return refuse(b, err, errlen, path, "not a regular file or a block device");
    if (S_ISBLK(st.st_mode) && ioctl_size(b->fd, &st) < 0)
        return refuse(b, err, errlen, path, strerror(errno));
    if (st.st_size < 512 || st.st_size % 512)
        return refuse(b, err, errlen, path, "a raw image is a whole number of 512-byte sectors, at least one");
    if (lock(b->fd, readonly) < 0)
        return refuse(b, err, errlen, path,
                      errno == EAGAIN || errno == EACCES ? "locked by another process (is a VMM using it?)"
                                                         : strerror(errno));
    b->sectors = (uint64_t)st.st_size / 512;
    return 0;
}

void blkfile_close(struct blkfile *b)
{
    if (b->fd >= 0) {
        if (!b->readonly)
            fdatasync(b->fd);
        close(b->fd);
    }
    b->fd = -1;
}

/* Move len bytes at byte off between the file and buf, whole or not at all (EIO for a short file). */
static int move(int fd, bool write, void *buf, size_t len, off_t off)
{
    while (len) {
        ssize_t n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf = (uint8_t *)buf + n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

int blkfile_xfer(struct blkfile *b, uint8_t type, uint64_t sector, uint32_t len, void *buf)
{
    bool in_range = sector <= b->sectors && len / 512 <= b->sectors - sector && len % 512 == 0;
    switch (type) {
    case VIRTIO_BLK_T_IN: return in_range && move(b->fd, false, buf, len, (off_t)(sector * 512)) == 0 ? 0 : -1;
    case VIRTIO_BLK_T_OUT:
        return in_range && !b->readonly && move(b->fd, true, buf, len, (off_t)(sector * 512)) == 0 ? 0 : -1;
    case VIRTIO_BLK_T_FLUSH: return b->readonly || fdatasync(b->fd) == 0 ? 0 : -1;
    }
    return -1;
}

/* The raw_diskiface_funcs_t side: the driver's cb_cookie is the blkfile. */
static int raw_xfer(struct disk_driver *driver, uint8_t direction, uint64_t sector, uint32_t len, uintptr_t buf)
{
    return blkfile_xfer(driver->cb_cookie, direction, sector, len, (void *)buf) == 0 ? VIRTIO_BLK_XFER_COMPLETE
                                                                                     : VIRTIO_BLK_XFER_FAILED;
}

static void low_level_init(struct disk_driver *driver, struct virtio_blk_config *cfg)
{
    const struct blkfile *b = driver->cb_cookie;
    cfg->capacity = b->sectors;
}

raw_diskiface_funcs_t blkfile_backend(void)
{
    return (raw_diskiface_funcs_t){.raw_xfer = raw_xfer, .low_level_init = low_level_init};
}
