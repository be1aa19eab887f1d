/* fuzz_gdb.c: arbitrary bytes from a "debugger" into the GDB stub, stopped on a real vCPU: never a crash or hang. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run/gdb.h"
#include "run/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vm_t *vm;
static vm_vcpu_t *vcpu;
static struct gdb g;

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
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        abort();
    memset(&g, 0, sizeof(g));
    g.listen_fd = -1;
    g.vcpu = vcpu;
    rsp_init(&g.rsp, sv[0]);
    pthread_t t;
    if (pthread_create(&t, NULL, drain, (void *)(intptr_t)sv[1]) != 0)
        abort();
    write_all(sv[1], data, size);
    shutdown(sv[1], SHUT_WR); /* the end of the input is the debugger going away */
    for (int i = 0; gdb_connected(&g) && !g.killed; i++)
        if (gdb_stop(&g, GDB_SIGTRAP, "", i > 0) == VM_EXIT_HANDLE_ERROR)
            break; /* a refused resume state: the VMM would report it; the session goes on */
    if (gdb_connected(&g))
        close(g.rsp.fd);
    pthread_join(t, NULL);
    close(sv[1]);
    return 0;
}
