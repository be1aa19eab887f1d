/* gdb/gdb.h: the GDB remote stub as a VMM sees it: a stub, its sessions, and the hooks the VMM loop calls. */
#ifndef VCPUCTX_GDB_GDB_H
#define VCPUCTX_GDB_GDB_H

#include <stdbool.h>
#include <stddef.h>

#include <vcpuctx.h>

/* The signal numbers of stop replies (gdb's own numbering, the same as Linux's for these). */
enum { GDB_SIGINT = 2, GDB_SIGTRAP = 5, GDB_SIGSEGV = 11 };

struct gdb;

/*
 * What a VMM loop calls at each point of a run; gdb_hooks fills them in, ctx is the stub. The int hooks return
 * VM_EXIT_HANDLED to go on, VCPUCTX_EXIT_STOP when the debugger killed the guest, or VM_EXIT_HANDLE_ERROR when
 * the state the debugger left cannot be applied.
 */
struct vmm_hooks {
    void *ctx;
    /* A new boot: vcpu is the one to debug (breakpoints are armed on it). 0, or -1 with errno. */
    int (*boot)(void *ctx, vm_t *vm, vm_vcpu_t *vcpu);
    /* Before the first instruction: wait for the debugger and serve it until it resumes. -1: message in err. */
    int (*start)(void *ctx, char *err, size_t errlen);
    /* The timer's exit (every tick while the guest runs): Ctrl-C from the debugger, or one connecting. */
    int (*tick)(void *ctx);
    /* The guest stopped for a reason the debugger should see (GDB_SIGSEGV: it crashed); serve until resumed. */
    int (*stopped)(void *ctx, int signal);
    /* The run ended with this exit status: the debugger is told (W packet) and let go. */
    void (*end)(void *ctx, int status);
    /* Seconds spent stopped in the debugger so far (not guest time: --timeout leaves it out). */
    double (*paused)(void *ctx);
};

/** A stub with no listener and no session. NULL with errno ENOMEM. */
struct gdb *gdb_create(void);

/**
 * Listen on 127.0.0.1:port (never beyond this machine: the stub can write guest memory), and probe which
 * debug-register breakpoints the host delivers. @param port 0: a free port, then gdb_port tells it.
 * @return 0, or -1 with a message in err.
 */
int gdb_listen(struct gdb *g, unsigned port, char *err, size_t errlen);

/** The port listened on (0 before gdb_listen). */
unsigned gdb_port(const struct gdb *g);

/**
 * Start a session on fd, a connected stream socket (the stub owns it from now on), for vcpu, stopped before its
 * next instruction: serve the debugger until it resumes, detaches or kills. @return as the hooks.
 */
int gdb_session_start(struct gdb *g, int fd, vm_vcpu_t *vcpu);

/** Is a debugger connected? */
bool gdb_session_active(const struct gdb *g);

/** Fill in the hooks a VMM loop calls (ctx is g). */
void gdb_hooks(struct gdb *g, struct vmm_hooks *hooks);

/** Close the session and the listener, and free g (NULL: nothing). */
void gdb_destroy(struct gdb *g);

#endif /* VCPUCTX_GDB_GDB_H */
