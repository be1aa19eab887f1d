/* steps.h: a test PD's checks. Each check is one step; a failed one prints "STEPS_PD: step N failed" on the
   debug console and ends the system through the board's debug exit with V = N (status 2N + 1); finish(0) ends
   it with V = 0 (status 1). Define STEPS_PD (the PD's name) and DEBUG_EXIT (its I/O port id for 0xf4) first. */
#ifndef TESTS_MICROKIT_STEPS_H
#define TESTS_MICROKIT_STEPS_H

#include <microkit.h>

static int step;

static inline void finish(unsigned int failed)
{
    microkit_x86_ioport_write_8(DEBUG_EXIT, 0xf4, failed);
}

static inline void check(int ok)
{
    step++;
    if (!ok) {
        microkit_dbg_puts(STEPS_PD ": step ");
        microkit_dbg_put32((seL4_Uint32)step);
        microkit_dbg_puts(" failed\n");
        finish((unsigned int)step);
    }
}

#endif /* TESTS_MICROKIT_STEPS_H */
