/* crash.c: a PD that misuses libmicrokit's calls: a channel it does not have (libmicrokit's line, no crash),
   then a port outside its I/O port (seL4 refuses: the PD crashes, the system ends with status 4). */
#include <microkit.h>

void init(void)
{
    microkit_notify(9);
    microkit_x86_ioport_write_8(0, 0x3f8 + 8, 'x');
}

void notified(microkit_channel ch)
{
    (void)ch;
}
