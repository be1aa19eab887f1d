/* vmx_timer.c: the VMX-preemption timer as a POSIX timer on CLOCK_MONOTONIC: value << MK_VMX_TIMER_SHIFT TSC
   ticks from the entry, at the guest's TSC rate. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "vmx_timer.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int mk_vmx_timer_init(struct mk_vmx_timer *t, uint64_t tsc_khz, int signo)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = signo;
    ev._sigev_un._tid = gettid(); /* glibc 2.36 names no macro for it */
    memset(t, 0, sizeof(*t));
    t->khz = tsc_khz ? tsc_khz : 1;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) < 0)
        return -1;
    t->made = true;
    return 0;
}

static uint64_t ticks_to_ns(const struct mk_vmx_timer *t, uint64_t ticks)
{
    return (uint64_t)((unsigned __int128)ticks * 1000000u / t->khz);
}

void mk_vmx_timer_arm(struct mk_vmx_timer *t, uint64_t value)
{
    uint64_t ns = ticks_to_ns(t, value << MK_VMX_TIMER_SHIFT);
    t->deadline_ns = now_ns() + ns;
    t->armed = true;
    struct itimerspec its = {.it_value = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)}};
    if (ns == 0)
        its.it_value.tv_nsec = 1; /* 0 would disarm it */
    if (t->made)
        timer_settime(t->timer, 0, &its, NULL);
}

bool mk_vmx_timer_expired(const struct mk_vmx_timer *t)
{
    return t->armed && now_ns() >= t->deadline_ns;
}

uint64_t mk_vmx_timer_disarm(struct mk_vmx_timer *t)
{
    struct itimerspec off;
    memset(&off, 0, sizeof(off));
    if (t->made && t->armed)
        timer_settime(t->timer, 0, &off, NULL);
    t->armed = false;
    uint64_t now = now_ns();
    if (now >= t->deadline_ns)
        return 0;
    uint64_t ticks = (uint64_t)((unsigned __int128)(t->deadline_ns - now) * t->khz / 1000000u);
    return ticks >> MK_VMX_TIMER_SHIFT;
}
