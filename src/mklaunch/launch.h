/* launch.h: launch.c, a checked system started: its shared system file and regions, one process per PD, and
   the wait for the first to end (or the timeout, or a signal), which ends them all. */
#ifndef VCPUCTX_MKL_LAUNCH_H
#define VCPUCTX_MKL_LAUNCH_H

#include <sys/types.h>

#include "microkit/system.h"

#define MKL_STATUS_BAD     2 /* bad usage or description, or a PD that could not start */
#define MKL_STATUS_CRASH   4 /* a PD crashed or ended */
#define MKL_STATUS_TIMEOUT 124

struct launch {
    struct mk_system *sys; /* the shared system file, mapped */
    int sysfd;
    pid_t pids[MK_MAX_PDS];
    double timeout;         /* seconds, 0: none */
    const char *disk, *tap; /* the board's disk image and tap device (--disk, --net), or NULL */
    bool disk_readonly;
};

/* Make the shared file from a checked system, its regions' memory and each PD's eventfd: 0, or -1 after a line. */
int launch_prepare(struct launch *l, const struct mk_system *checked);
/* Start every PD, wait for the system to end, stop the rest; the launcher's exit status. */
int launch_run(struct launch *l);

#endif /* VCPUCTX_MKL_LAUNCH_H */
