/* bench-boot.c: one boot timed from the outside: when a marker first appears on a command's output, when the
   command ends, and its peak RSS (wait4), so vcpuctx-run and QEMU are measured the same way.
   Usage: bench-boot MARKER COMMAND [ARGS...]   Prints "marker_s=S end_s=S rss_kb=N status=N" on stdout; the
   command's output goes to stderr. Exits 0 when the command ran and printed the marker, else 1. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t spawn(char **argv, int *out)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        close(p[1]);
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    close(p[1]);
    *out = p[0];
    return pid;
}

/* Copy the output to stderr until EOF; the time the marker first showed (a marker split across reads is found
   through the tail kept from the last read). */
static double watch(int fd, const char *marker, double t0)
{
    size_t m = strlen(marker);
    char buf[8192 + 256];
    size_t keep = 0;
    double seen = -1;
    for (;;) {
        ssize_t n = read(fd, buf + keep, sizeof(buf) - 1 - keep);
        if (n <= 0)
            return seen;
        fwrite(buf + keep, 1, (size_t)n, stderr);
        size_t len = keep + (size_t)n;
        buf[len] = '\0';
        if (seen < 0 && memmem(buf, len, marker, m))
            seen = now() - t0;
        keep = len < m - 1 ? len : m - 1; /* what may begin a marker that the next read completes */
        memmove(buf, buf + len - keep, keep);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || !argv[1][0] || strlen(argv[1]) > 256) {
        fprintf(stderr, "usage: bench-boot MARKER COMMAND [ARGS...] (a marker of 1 to 256 bytes)\n");
        return 2;
    }
    int fd;
    double t0 = now();
    pid_t pid = spawn(argv + 2, &fd);
    if (pid < 0) {
        perror("bench-boot");
        return 1;
    }
    double marker = watch(fd, argv[1], t0);
    int st = 0;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0) {
        perror("bench-boot: wait4");
        return 1;
    }
    double end = now() - t0;
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    printf("marker_s=%.3f end_s=%.3f rss_kb=%ld status=%d\n", marker, end, ru.ru_maxrss, status);
    return marker >= 0 ? 0 : 1;
}
