/* poke.c: answers each notification with one: the exits test's source of a notification that ends a VMEnter. */
#include <microkit.h>

void init(void)
{
}

void notified(microkit_channel ch)
{
    microkit_notify(ch);
}
