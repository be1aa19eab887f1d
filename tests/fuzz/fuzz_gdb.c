/* fuzz_gdb.c: arbitrary bytes from a "debugger" into the GDB stub, stopped on a real vCPU: never a crash or hang. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb/gdb.h"
#include "run/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vm_t *vm;
static vm_vcpu_t *vcpu;
static struct gdb *g;
static struct vmm_hooks hooks;

/* The debugger's side reads every reply, so the stub never blocks on a full socket. */
static void *drain(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    return NULL;
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            abort();
        p += w;
        n -= (size_t)w;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    if (!vm) {
        vm = vcpuctx_vm_create(1u << 20);
        vcpu = vm ? vm_create_vcpu(vm, 0) : NULL;
        if (!vcpu || mode_protected(vcpu, 0x1000) < 0)
            abort();
    }
    if (!g) {
        g = gdb_create();
        if (!g)
            abort();
        gdb_hooks(g, &hooks);
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        abort();
    pthread_t t;
    if (pthread_create(&t, NULL, drain, (void *)(intptr_t)sv[1]) != 0)
        abort();
    write_all(sv[1], data, size);
    shutdown(sv[1], SHUT_WR); /* the end of the input is the debugger going away */
    /* The VMM's entry, then its hook for each later stop, until the debugger kills, is gone or leaves a state the
       VMM would refuse (it would report that; the session goes on). */
    int r = gdb_session_start(g, sv[0], vcpu);
    while (r == VM_EXIT_HANDLED && gdb_session_active(g))
        r = hooks.stopped(hooks.ctx, GDB_SIGTRAP);
    hooks.end(hooks.ctx, 0);
    pthread_join(t, NULL);
    close(sv[1]);
    return 0;
}
