/* stub.c: the GDB stub as a VMM sees it: the listener, sessions on a connected socket, the VMM loop's hooks. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stub.h"

struct gdb *gdb_create(void)
{
    struct gdb *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->listen_fd = -1;
    g->rsp.fd = -1;
    return g;
}

int gdb_listen(struct gdb *g, unsigned port, char *err, size_t errlen)
{
    g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never beyond this machine: the stub can write guest memory */
    if (g->listen_fd < 0 || setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(g->listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(g->listen_fd, 1) < 0) {
        snprintf(err, errlen, "--gdb: cannot listen on 127.0.0.1:%u: %s", port, strerror(errno));
        if (g->listen_fd >= 0)
            close(g->listen_fd);
        g->listen_fd = -1;
        return -1;
    }
    socklen_t alen = sizeof(a);
    getsockname(g->listen_fd, (struct sockaddr *)&a, &alen);
    g->port = ntohs(a.sin_port);
    g->exec_bps = gdb_probe_breakpoints(VCPUCTX_BP_EXEC);
    g->data_bps = gdb_probe_breakpoints(VCPUCTX_BP_WRITE);
    return 0;
}

unsigned gdb_port(const struct gdb *g)
{
    return g->port;
}

bool gdb_session_active(const struct gdb *g)
{
    return gdb_connected(g);
}

/* A connection becomes the session; the guest is stopped (unannounced: gdb asks why with '?'). */
static int adopt(struct gdb *g, int fd)
{
    gdb_hang_up(g);
    rsp_init(&g->rsp, fd);
    g->swbreak = g->hwbreak = false;
    g->arch = NULL; /* chosen from the guest's mode when the session starts */
    return gdb_stop(g, GDB_SIGTRAP, "", false);
}

int gdb_session_start(struct gdb *g, int fd, vm_vcpu_t *vcpu)
{
    g->vcpu = vcpu;
    return adopt(g, fd);
}

static int accept_one(struct gdb *g, char *err, size_t errlen)
{
    int fd;
    do
        fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        snprintf(err, errlen, "--gdb: accept: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* one small packet per turn: no Nagle delay */
    return fd;
}

static int hook_boot(void *ctx, vm_t *vm, vm_vcpu_t *vcpu)
{
    return gdb_attach(ctx, vm, vcpu);
}

static int hook_start(void *ctx, char *err, size_t errlen)
{
    struct gdb *g = ctx;
    int fd = accept_one(g, err, errlen);
    return fd < 0 ? -1 : adopt(g, fd);
}

/* While the guest runs: a debugger connecting stops it, as at the start; Ctrl-C from the connected one too. */
static int hook_tick(void *ctx)
{
    struct gdb *g = ctx;
    char err[128];
    if (!gdb_connected(g)) {
        struct pollfd p = {g->listen_fd, POLLIN, 0};
        int fd = g->listen_fd >= 0 && poll(&p, 1, 0) > 0 ? accept_one(g, err, sizeof(err)) : -1;
        return fd < 0 ? VM_EXIT_HANDLED : adopt(g, fd);
    }
    int r = rsp_poll_interrupt(&g->rsp);
    if (r == RSP_CLOSED) { /* gone without a word: as a detach */
        gdb_hang_up(g);
        gdb_disarm(g);
        return VM_EXIT_HANDLED;
    }
    return r == 1 ? gdb_stop(g, GDB_SIGINT, "", true) : VM_EXIT_HANDLED;
}

static int hook_stopped(void *ctx, int signal)
{
    return gdb_stop(ctx, signal, "", true);
}

static void hook_end(void *ctx, int status)
{
    struct gdb *g = ctx;
    char w[8];
    if (!gdb_connected(g))
        return;
    snprintf(w, sizeof(w), "W%02x", status & 0xff);
    rsp_send_str(&g->rsp, w);
    gdb_hang_up(g);
}

static double hook_paused(void *ctx)
{
    return ((struct gdb *)ctx)->stopped_seconds;
}

void gdb_hooks(struct gdb *g, struct vmm_hooks *h)
{
    *h = (struct vmm_hooks){g, hook_boot, hook_start, hook_tick, hook_stopped, hook_end, hook_paused};
}

void gdb_destroy(struct gdb *g)
{
    if (!g)
        return;
    gdb_hang_up(g);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    free(g);
}
