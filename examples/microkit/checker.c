/* checker.c: a passive PD the VMM calls (a protected procedure call): it answers MR0 * 2. */
#include <microkit.h>

#define VMM_CH 0

void init(void)
{
}

void notified(microkit_channel ch)
{
    (void)ch;
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (ch != VMM_CH || microkit_msginfo_get_count(msginfo) != 1)
        return microkit_msginfo_new(1, 0);
    microkit_mr_set(0, microkit_mr_get(0) * 2);
    return microkit_msginfo_new(0, 1);
}
