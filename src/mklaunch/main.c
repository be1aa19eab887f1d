/* main.c: vcpuctx-microkit, which starts a Microkit system on Linux: vcpuctx-microkit [OPTIONS] SYSTEM.system */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"

#define MAX_SEARCH 8
#include "sdf.h"

static const char usage[] =
    "usage: vcpuctx-microkit [--search=DIR] [--timeout=SECONDS] [--check] SYSTEM.system\n"
    "Starts a seL4 Microkit system on Linux and KVM: each protection domain as a process linked with\n"
    "libvcpuctx-microkit, its memory regions shared, its virtual machine on /dev/kvm.\n"
    "  --search=DIR       where program images are; repeat it to look in several, in order\n"
    "                     (default: the description's directory)\n"
    "  --timeout=SECONDS  stop the system after this long (status 124)\n"
    "  --check            read and check the description, start nothing (status 0 when it is good)\n"
    "Exit status: (V << 1) | 1 when a PD writes V to the board's debug exit (port 0xf4); 2 bad usage, a bad\n"
    "description or a PD that could not start (one line names it); 4 a PD crashed or ended; 124 the timeout;\n"
    "128 + N signal N.\n";

struct options {
    const char *search[MAX_SEARCH + 1], *system;
    int nsearch;
    double timeout;
    int check;
};

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {{"search", required_argument, NULL, 's'},
                                          {"timeout", required_argument, NULL, 't'},
                                          {"check", no_argument, NULL, 'c'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        if (c == 's' && o->nsearch < MAX_SEARCH)
            o->search[o->nsearch++] = optarg;
        else if (c == 's') {
            fprintf(stderr, "vcpuctx-microkit: at most %d --search directories\n", MAX_SEARCH);
            return -1;
        } else if (c == 'c')
            o->check = 1;
        else if (c == 'h') {
            fputs(usage, stdout);
            exit(0);
        } else if (c == 't') {
            o->timeout = strtod(optarg, &end);
            if (end == optarg || *end || !(o->timeout > 0)) {
                fprintf(stderr, "vcpuctx-microkit: bad timeout '%s'\n", optarg);
                return -1;
            }
        } else {
            fputs(usage, stderr);
            return -1;
        }
    }
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
    int r = launch_prepare(&l, sdf.sys);
    sdf_free(&sdf);
    return r < 0 ? MKL_STATUS_BAD : launch_run(&l);
}
