/* timer.c: a timer driver PD on Linux's CLOCK_MONOTONIC, to stand where sDDF's timer driver stands (sDDF's x86
   driver programs the HPET, which a Linux process cannot reach). It speaks sDDF's timer protocol: a client's
   protected procedure call with label SDDF_TIMER_GET_TIME (0) gets the time in nanoseconds in MR0; one with
   SDDF_TIMER_SET_TIMEOUT (1) and a relative timeout in nanoseconds in MR0 gets a notification on the same
   channel when it has passed, replacing the client's earlier timeout as sDDF's drivers do. */
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include <microkit.h>

#define SDDF_TIMER_GET_TIME    0
#define SDDF_TIMER_SET_TIMEOUT 1

static timer_t timers[MICROKIT_MAX_CHANNELS];
static bool made[MICROKIT_MAX_CHANNELS];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The timeout's notification, from the timer's own thread: the runtime's notify is safe from any thread. */
static void expired(union sigval v)
{
    microkit_notify((microkit_channel)v.sival_int);
}

static bool make_timer(microkit_channel ch)
{
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = expired};
    ev.sigev_value.sival_int = (int)ch;
    made[ch] = made[ch] || timer_create(CLOCK_MONOTONIC, &ev, &timers[ch]) == 0;
    return made[ch];
}

static void set_timeout(microkit_channel ch, uint64_t ns)
{
    if (ns == 0)
        ns = 1; /* 0 would disarm it: a timeout of 0 is due now */
    struct itimerspec its = {.it_value = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)}};
    if (make_timer(ch))
        timer_settime(timers[ch], 0, &its, NULL);
}

void init(void)
{
}

void notified(microkit_channel ch)
{
    (void)ch;
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    switch (microkit_msginfo_get_label(msginfo)) {
    case SDDF_TIMER_GET_TIME: microkit_mr_set(0, now_ns()); return microkit_msginfo_new(0, 1);
    case SDDF_TIMER_SET_TIMEOUT:
        if (ch < MICROKIT_MAX_CHANNELS)
            set_timeout(ch, microkit_mr_get(0));
        return microkit_msginfo_new(0, 0);
    default: return microkit_msginfo_new(0, 0);
    }
}
