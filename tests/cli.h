/* cli.h: run build/vcpuctx-run (or QEMU) as a child with a bound on time, capturing its output and status. */
#ifndef VCPUCTX_TESTS_CLI_H
#define VCPUCTX_TESTS_CLI_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cli_result {
    int status; /* exit status, or 128 + signal */
    char out[16384], err[16384];
    double seconds;
};

static inline void slurp_fd(int fd, char *buf, size_t n)
{
    lseek(fd, 0, SEEK_SET);
    ssize_t r = read(fd, buf, n - 1);
    buf[r < 0 ? 0 : r] = '\0';
    close(fd);
}

static inline int temp_fd(void)
{
    char path[] = "/tmp/vcpuctx-cli-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    return fd;
}

/* Start argv (NULL-terminated) with stdout and stderr into out and err, stdin from the file in (NULL:
   /dev/null). */
static inline pid_t cli_spawn_from(const char *const *argv, const char *in, int out, int err)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    pid_t pid;
    cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ), 0, "spawn %s", argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

static inline pid_t cli_spawn(const char *const *argv, int out, int err)
{
    return cli_spawn_from(argv, NULL, out, err);
}

/* Wait for pid, killing it (and failing the test) after limit seconds; its status, 128 + signal if killed
   by one. *seconds: how long it took since the wait began. */
static inline int cli_wait(pid_t pid, double limit, const char *what, double *seconds)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int st = 0;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (w == pid)
            break;
        if (*seconds > limit) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            cr_assert_fail("%s did not end within %.0f s", what, limit);
        }
        usleep(2000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Run argv (NULL-terminated) with stdin from the file in (NULL: /dev/null); kill it after limit seconds. */
static inline void cli_run_from(const char *const *argv, const char *in, double limit, struct cli_result *r)
{
    int out = temp_fd(), err = temp_fd();
    r->status = cli_wait(cli_spawn_from(argv, in, out, err), limit, argv[0], &r->seconds);
    slurp_fd(out, r->out, sizeof(r->out));
    slurp_fd(err, r->err, sizeof(r->err));
}

static inline void cli_run(const char *const *argv, double limit, struct cli_result *r)
{
    cli_run_from(argv, NULL, limit, r);
}

/* Run build/vcpuctx-run with args (NULL-terminated, at most 30), killed after 30 s. */
static inline void cli_run_vmm(const char *const *args, struct cli_result *r)
{
    const char *argv[32] = {RUN_BIN};
    int n = 1;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    cli_run(argv, 30, r);
}

/* A temporary file holding bytes; returns its path (static storage per slot). */
static inline const char *temp_image(int slot, const void *bytes, size_t n)
{
    static char paths[8][64];
    snprintf(paths[slot], sizeof(paths[slot]), "/tmp/vcpuctx-img-%d-%d.bin", (int)getpid(), slot);
    FILE *f = fopen(paths[slot], "wb");
    cr_assert_not_null(f);
    if (n)
        cr_assert_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
    return paths[slot];
}

static inline int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

#endif /* VCPUCTX_TESTS_CLI_H */
