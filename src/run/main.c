/* main.c: vcpuctx-run, the demo VMM: parse the options, run the machine, return its status. */
#include "run.h"

int main(int argc, char **argv)
{
    struct options o;
    int r = options_parse(argc, argv, &o);
    if (r != 0)
        return r > 0 ? 0 : STATUS_USAGE;
    r = vmm_run(&o);
    options_free(&o);
    return r;
}
