/* sink.c: device output straight to a file descriptor, retrying short writes, never growing memory. */
#include <errno.h>
#include <unistd.h>

#include "devices.h"

void sink_write(struct sink *s, const void *buf, size_t n)
{
    if (!s || s->fd < 0)
        return;
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t w = write(s->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (!s->failed)
                s->error = w < 0 ? errno : EIO;
            s->failed = true;
            return;
        }
        p += w;
        n -= (size_t)w;
        s->bytes += (uint64_t)w;
    }
}
