/* timer.c: SIGALRM for vcpuctx-run: --timeout's deadline, and with an irqchip a tick that lets the VMM look at a
   halted vCPU. What the signal handler reaches is this file's alone. */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "run.h"

static volatile sig_atomic_t timed_out;
static vm_vcpu_t *volatile kick_target; /* the vCPU each expiry kicks; NULL: none */
static double deadline;                 /* CLOCK_MONOTONIC seconds; 0: no --timeout */

static void on_alarm(int sig)
{
    (void)sig;
    if (deadline > 0 && now_seconds() >= deadline)
        timed_out = 1;
    vcpuctx_vcpu_kick(kick_target); /* repeated every tick: a kick lost to a race is sent again */
}

void timer_target(vm_vcpu_t *vcpu)
{
    kick_target = vcpu;
}

int timer_start(double timeout, bool tick, double started)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: KVM_RUN returns EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0)
        return -1;
    if (!tick && !(timeout > 0))
        return 0;
    deadline = timeout > 0 ? started + timeout : 0;
    double left = deadline - now_seconds(), first = tick ? 0.05 : left;
    if (timeout > 0 && left < first)
        first = left > 0 ? left : 0;
    /* After the first expiry it repeats (50 ms with an irqchip, else 100 ms), so a lost kick cannot hang us. */
    struct itimerval it = {{0, tick ? 50000 : 100000},
                           {(time_t)first, (suseconds_t)((first - (double)(time_t)first) * 1e6)}};
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    return setitimer(ITIMER_REAL, &it, NULL);
}

bool timer_expired(double paused)
{
    if (!timed_out)
        return false;
    if (now_seconds() < deadline + paused) { /* the handler compared with the deadline before the pause */
        timed_out = 0;
        return false;
    }
    return true;
}

bool timer_fired(void)
{
    return timed_out;
}

double timer_deadline(void)
{
    return deadline;
}
