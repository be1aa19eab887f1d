/* launch.c: a Microkit system on Linux: the system file and every memory region as memfds the PDs inherit, an
   eventfd per PD for its notifications, a process per PD. The system runs until a PD stops it through the
   board's debug exit, or a PD ends (a crash: seL4 would fault it), or the timeout or a signal comes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/devices.h"
#include "launch.h"

static int fail(const char *what)
{
    fprintf(stderr, "vcpuctx-microkit: %s: %s\n", what, strerror(errno));
    return -1;
}

static int make_region(struct mk_mr *mr)
{
    mr->fd = memfd_create(mr->name, 0);
    if (mr->fd < 0 || ftruncate(mr->fd, (off_t)mr->size) < 0) {
        char what[MK_NAME_LEN + 32];
        snprintf(what, sizeof(what), "memory region '%s'", mr->name);
        return fail(what);
    }
    return 0;
}

static int make_kernel(struct mk_kernel *k)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&k->call, &a);
    pthread_mutexattr_destroy(&a);
    k->efd = eventfd(0, 0);
    return k->efd < 0 ? fail("eventfd") : 0;
}

static int refuse_option(const char *option, const char *why)
{
    fprintf(stderr, "vcpuctx-microkit: %s: %s\n", option, why);
    return -1;
}

/* The board's disk and tap, opened here so that a bad one is refused before any PD starts; every PD inherits
   them (the driver PDs use them). */
static int open_board_files(struct launch *l)
{
    struct mk_board_files *b = &l->sys->board;
    char err[256];
    *b = (struct mk_board_files){.disk_fd = -1, .tap_fd = -1};
    if (l->disk) {
        struct blkfile f;
        if (blkfile_open(&f, l->disk, l->disk_readonly, err, sizeof(err)) < 0)
            return refuse_option("--disk", err);
        *b = (struct mk_board_files){f.fd, f.readonly, f.sectors * 512, -1};
    }
    if (l->tap) {
        struct tap t;
        static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
        if (tap_open(&t, l->tap, mac, err, sizeof(err)) < 0)
            return refuse_option("--net", err);
        b->tap_fd = t.fd;
        if (fcntl(t.fd, F_SETFL, O_NONBLOCK) < 0)
            return fail("--net");
    }
    int fds[2] = {b->disk_fd, b->tap_fd};
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0 && fcntl(fds[i], F_SETFD, 0) < 0)
            return fail("board file");
    return 0;
}

int launch_prepare(struct launch *l, const struct mk_system *checked)
{
    l->sysfd = memfd_create("vcpuctx-microkit-system", 0);
    if (l->sysfd < 0 || ftruncate(l->sysfd, sizeof(*l->sys)) < 0)
        return fail("system file");
    l->sys = mmap(NULL, sizeof(*l->sys), PROT_READ | PROT_WRITE, MAP_SHARED, l->sysfd, 0);
    if (l->sys == MAP_FAILED)
        return fail("system file");
    memcpy(l->sys, checked, sizeof(*l->sys));
    for (uint32_t i = 0; i < l->sys->nmrs; i++)
        if (make_region(&l->sys->mrs[i]) < 0)
            return -1;
    for (uint32_t i = 0; i < l->sys->npds; i++)
        if (make_kernel(&l->sys->kernel[i]) < 0)
            return -1;
    return open_board_files(l);
}

static void exec_pd(struct launch *l, unsigned int i, const sigset_t *old)
{
    char env[32];
    snprintf(env, sizeof(env), "%d:%u", l->sysfd, i);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigprocmask(SIG_SETMASK, old, NULL);
    setenv(MK_ENV, env, 1);
    char *argv[] = {l->sys->pds[i].image, NULL};
    execv(argv[0], argv);
    fprintf(stderr, "vcpuctx-microkit: PD '%s': cannot run '%s': %s\n", l->sys->pds[i].name, argv[0], strerror(errno));
    _exit(MKL_STATUS_BAD);
}

static void stop_all(struct launch *l)
{
    for (uint32_t i = 0; i < l->sys->npds; i++)
        if (l->pids[i] > 0)
            kill(l->pids[i], SIGKILL);
    for (uint32_t i = 0; i < l->sys->npds; i++)
        if (l->pids[i] > 0)
            waitpid(l->pids[i], NULL, 0);
}

/* The launcher's status for PD i's end (status as waitpid gives it). */
static int ended(struct launch *l, unsigned int i, int status)
{
    const char *name = l->sys->pds[i].name;
    l->pids[i] = 0;
    if (atomic_load(&l->sys->halted))
        return atomic_load(&l->sys->halt_status) & 0xff;
    if (WIFEXITED(status) && WEXITSTATUS(status) == MKL_STATUS_BAD)
        return MKL_STATUS_BAD; /* it said why */
    if (WIFSIGNALED(status))
        fprintf(stderr, "vcpuctx-microkit: PD '%s' faulted: %s\n", name, strsignal(WTERMSIG(status)));
    else if (WEXITSTATUS(status) != MKL_STATUS_CRASH)
        fprintf(stderr, "vcpuctx-microkit: PD '%s' ended with status %d\n", name, WEXITSTATUS(status));
    return MKL_STATUS_CRASH;
}

static int reap(struct launch *l)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (uint32_t i = 0; i < l->sys->npds; i++)
            if (l->pids[i] == pid)
                return ended(l, i, status);
    return -1;
}

static int wait_end(struct launch *l, const sigset_t *set)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int st = reap(l);
        if (st >= 0)
            return st;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = l->timeout - ((double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
        if (l->timeout > 0 && left <= 0) {
            fprintf(stderr, "vcpuctx-microkit: timeout after %g s\n", l->timeout);
            return MKL_STATUS_TIMEOUT;
        }
        double wait_s = l->timeout > 0 && left < 1 ? left : 1;
        struct timespec ts = {(time_t)wait_s, (long)((wait_s - (time_t)wait_s) * 1e9)};
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
            fprintf(stderr, "vcpuctx-microkit: stopped by %s\n", strsignal(sig));
            return 128 + sig;
        }
    }
}

int launch_run(struct launch *l)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old);
    fflush(NULL);
    for (uint32_t i = 0; i < l->sys->npds; i++) {
        l->pids[i] = fork();
        if (l->pids[i] == 0)
            exec_pd(l, i, &old);
        if (l->pids[i] < 0) {
            fail("fork");
            stop_all(l);
            return MKL_STATUS_BAD;
        }
    }
    int status = wait_end(l, &set);
    stop_all(l);
    return status;
}
