/* signals.c: what a signal does to a run. SIGPIPE is ignored (a closed output is an error the run reports);
   SIGINT, SIGTERM and SIGHUP stop the guest at its next exit, so the run ends as any other does: outputs closed,
   the disk image flushed, one line, status 128 + the signal's number. Before the guest runs they act as usual. */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "run.h"

static volatile sig_atomic_t stop_signal;
static vm_vcpu_t *volatile signal_target; /* the vCPU a signal kicks; NULL before the guest runs */

static void on_stop_signal(int sig)
{
    vm_vcpu_t *target = signal_target;
    if (!target) { /* nothing to stop yet: the signal's own action */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
    vcpuctx_vcpu_kick(target);
}

int signals_install(void)
{
    static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        return -1;
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: KVM_RUN returns EINTR */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        if (sigaction(stops[i], &sa, NULL) < 0)
            return -1;
    return 0;
}

void signals_target(vm_vcpu_t *vcpu)
{
    signal_target = vcpu;
}

int signals_stop_requested(void)
{
    return stop_signal;
}

const char *signals_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
