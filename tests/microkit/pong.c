/* pong.c: the pong PD of ping.system (passive): answers each notification with one, and a call with MR0 + MR1. */
#include <microkit.h>

#define PING 7

uintptr_t shared_vaddr;
static uint32_t seen;

void init(void)
{
}

void notified(microkit_channel ch)
{
    if (ch != PING)
        return;
    *(volatile uint32_t *)shared_vaddr = ++seen == 1 ? 0x706f6e67 : seen;
    microkit_notify(PING);
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (ch != PING || microkit_msginfo_get_label(msginfo) != 7 || microkit_msginfo_get_count(msginfo) != 2)
        return microkit_msginfo_new(1, 0);
    microkit_mr_set(0, microkit_mr_get(0) + microkit_mr_get(1));
    return microkit_msginfo_new(0, 1);
}
