/* ticker.c: a client of the board's timer driver PD (src/mkdrivers/timer.c) as sDDF's clients call theirs: the
   time twice, then a 20 ms timeout whose notification must come no earlier. Debug exit V = 0 (status 1) when
   all held, else the failed step. */
#include <microkit.h>

#define TIMER      1
#define DEBUG_EXIT 0

static uint64_t asked;
static int step;

static uint64_t time_now(void)
{
    microkit_ppcall(TIMER, microkit_msginfo_new(0, 0));
    return microkit_mr_get(0);
}

static void check(int ok)
{
    step++;
    if (!ok)
        microkit_x86_ioport_write_8(DEBUG_EXIT, 0xf4, (seL4_Word)step);
}

void init(void)
{
    uint64_t a = time_now(), b = time_now();
    check(a > 0 && b >= a);
    asked = b;
    microkit_mr_set(0, 20000000);
    microkit_ppcall(TIMER, microkit_msginfo_new(1, 1));
}

void notified(microkit_channel ch)
{
    check(ch == TIMER);
    check(time_now() - asked >= 20000000);
    microkit_x86_ioport_write_8(DEBUG_EXIT, 0xf4, 0);
}
