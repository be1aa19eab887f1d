/* outputs.c: where the guest's output goes (--debugcon, --serial, --fw-debug), and saying when it is lost. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../devices/devices.h"
#include "run.h"

/* Open an output file without blocking: a FIFO with no reader is refused (ENXIO) instead of holding start-up;
   then writes block as usual, so nothing the guest writes is dropped while a reader keeps up. */
static int open_output(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int output_open(const struct out_spec *spec, struct sink *s)
{
    s->fd = spec->kind == OUT_STDIO ? STDOUT_FILENO : -1;
    if (spec->kind != OUT_FILE)
        return 0;
    s->fd = open_output(spec->path);
    if (s->fd >= 0)
        return 0;
    fprintf(stderr, "vcpuctx-run: %s: %s\n", spec->path,
            errno == ENXIO ? "a FIFO with no reader (start the reader first)" : strerror(errno));
    return -1;
}

void output_close(struct sink *s)
{
    if (s->fd > STDERR_FILENO)
        close(s->fd);
    s->fd = -1;
}

/* The name of an output, for a message: stdout, or its file. */
static const char *output_name(const struct out_spec *spec)
{
    return spec->kind == OUT_FILE ? spec->path : "stdout";
}

bool output_lost(const struct options *o, const struct sink *dbg, const struct sink *ser, const struct sink *fw,
                 const struct sink *con)
{
    const struct {
        const struct out_spec *spec;
        const struct sink *s;
        const char *what;
    } outs[] = {{&o->debugcon, dbg, "the debug console"},
                {&o->serial, ser, "COM1"},
                {&o->fwdebug, fw, "0x402"},
                {&o->vcon, con, "the virtio console"}};
    for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
        if (outs[i].s->failed) {
            fprintf(stderr, "vcpuctx-run: %s: %s: the output of %s is lost from here on; stopping\n",
                    output_name(outs[i].spec), strerror(outs[i].s->error), outs[i].what);
            return true;
        }
    return false;
}
