/* image.c: an image file read whole, and the loaders' error messages: what loader.c and each format's loader
   (linux.c, multiboot.c) share, below them all. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define MAX_IMAGE (64u << 20)

int load_error(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* A file given to be read whole: opened without blocking (a FIFO, socket or device would otherwise hold start-up
   for ever), then refused unless it is a regular file. An empty file reads as size 0 (the callers judge it). */
int image_read(const char *path, struct image *im, char *err, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return load_error(err, len, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return load_error(err, len, "%s: not a regular file", path);
    }
    if (st.st_size > MAX_IMAGE) {
        close(fd);
        return load_error(err, len, "%s: larger than 64 MiB", path);
    }
    im->size = (size_t)st.st_size;
    im->data = malloc(im->size ? im->size : 1);
    ssize_t n = im->data ? read(fd, im->data, im->size) : -1;
    close(fd);
    if (n != (ssize_t)im->size)
        return load_error(err, len, "%s: cannot read the whole file", path);
    return 0;
}

void image_free(struct image *im)
{
    free(im->data);
    im->data = NULL;
    im->size = 0;
}

const char *format_name(enum image_format f)
{
    static const char *const names[] = {"auto", "bios", "multiboot", "raw", "linux"};
    return names[f];
}
