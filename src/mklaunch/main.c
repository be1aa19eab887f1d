/* main.c: vcpuctx-microkit, which starts a Microkit system on Linux: vcpuctx-microkit [OPTIONS] SYSTEM.system */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"

#define MAX_SEARCH 8
#include "sdf.h"

static const char usage[] =
    "usage: vcpuctx-microkit [--search=DIR] [--timeout=SECONDS] [--disk=FILE[,ro]] [--net=TAP] [--check]\n"
    "                        SYSTEM.system\n"
    "Starts a seL4 Microkit system on Linux and KVM: each protection domain as a process linked with\n"
    "libvcpuctx-microkit, its memory regions shared, its virtual machine on /dev/kvm.\n"
    "  --search=DIR       where program images are; repeat it to look in several, in order\n"
    "                     (default: the description's directory)\n"
    "  --timeout=SECONDS  stop the system after this long (status 124)\n"
    "  --disk=FILE[,ro]   the board's disk: a raw image (read-only with ,ro), locked while the system\n"
    "                     runs; its driver PD is blk.elf\n"
    "  --net=TAP          the board's network device: an existing tap device (IRQ pin 11); its driver\n"
    "                     PD is net.elf\n"
    "  --check            read and check the description, start nothing (status 0 when it is good)\n"
    "Exit status: (V << 1) | 1 when a PD writes V to the board's debug exit (port 0xf4); 2 bad usage, a bad\n"
    "description or a PD that could not start (one line names it); 4 a PD crashed or ended; 124 the timeout;\n"
    "128 + N signal N.\n";

struct options {
    const char *search[MAX_SEARCH + 1], *system;
    int nsearch;
    double timeout;
    int check;
    char disk[4096];
    const char *tap;
    bool disk_readonly;
};

/* --disk=FILE[,ro] */
static int set_disk(struct options *o, const char *arg)
{
    size_t n = strlen(arg);
    o->disk_readonly = n > 3 && !strcmp(arg + n - 3, ",ro");
    n -= o->disk_readonly ? 3 : 0;
    if (n == 0 || n >= sizeof(o->disk)) {
        fprintf(stderr, "vcpuctx-microkit: bad --disk '%s' (FILE or FILE,ro)\n", arg);
        return -1;
    }
    memcpy(o->disk, arg, n);
    o->disk[n] = '\0';
    return 0;
}

static int set_timeout(struct options *o, const char *arg)
{
    char *end;
    o->timeout = strtod(arg, &end);
    if (end == arg || *end || !(o->timeout > 0)) {
        fprintf(stderr, "vcpuctx-microkit: bad timeout '%s'\n", arg);
        return -1;
    }
    return 0;
}

static int add_search(struct options *o, const char *arg)
{
    if (o->nsearch == MAX_SEARCH) {
        fprintf(stderr, "vcpuctx-microkit: at most %d --search directories\n", MAX_SEARCH);
        return -1;
    }
    o->search[o->nsearch++] = arg;
    return 0;
}

/* One option (getopt's code c): 0, or -1 after a line. */
static int apply(struct options *o, int c, const char *arg)
{
    switch (c) {
    case 's': return add_search(o, arg);
    case 't': return set_timeout(o, arg);
    case 'd': return set_disk(o, arg);
    case 'n': o->tap = arg; return 0;
    case 'c': o->check = 1; return 0;
    case 'h': fputs(usage, stdout); exit(0);
    default: fputs(usage, stderr); return -1;
    }
}

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {{"search", required_argument, NULL, 's'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"disk", required_argument, NULL, 'd'},
                                          {"net", required_argument, NULL, 'n'},
                                          {"check", no_argument, NULL, 'c'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1)
        if (apply(o, c, optarg) < 0)
            return -1;
    if (optind != argc - 1) {
        fprintf(stderr, "vcpuctx-microkit: give one system description\n%s", usage);
        return -1;
    }
    o->system = argv[optind];
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    struct sdf sdf;
    struct launch l = {0};
    if (parse(argc, argv, &o) < 0)
        return MKL_STATUS_BAD;
    if (sdf_read(&sdf, o.system, o.nsearch ? o.search : NULL) < 0 || sdf_check(&sdf) < 0) {
        fprintf(stderr, "vcpuctx-microkit: %s\n", sdf.error);
        sdf_free(&sdf);
        return MKL_STATUS_BAD;
    }
    if (o.check) {
        sdf_free(&sdf);
        return 0;
    }
    l.timeout = o.timeout;
    l.disk = o.disk[0] ? o.disk : NULL;
    l.disk_readonly = o.disk_readonly;
    l.tap = o.tap;
    int r = launch_prepare(&l, sdf.sys);
    sdf_free(&sdf);
    return r < 0 ? MKL_STATUS_BAD : launch_run(&l);
}
