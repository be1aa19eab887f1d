/* main.c: the example's Linux side: the VM (seL4's vm_init does this there), the guest image, the verdict. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vcpuctx.h>

#include "../common/example.h"
#include "vmm.h"

int main(int argc, char **argv)
{
    static unsigned char image[0x8000];
    size_t n;
    vm_t *vm;
    int st = example_start(argc, argv, "irq-counter", image, sizeof(image), 512 << 10, &n, &vm);
    if (st)
        return st;
    struct vmm_result r;
    int rc = vmm_run(vm, image, n, &r);
    int e = errno;
    vcpuctx_vm_destroy(vm);
    if (rc < 0) {
        fprintf(stderr, "irq-counter: the VMM failed: %s\n", strerror(e));
        return 1;
    }
    printf("irq-counter: injected %u IRQs, the guest counted %u, its verdict %u, %s\n", r.ticks, r.guest_count,
           r.verdict, r.powered_off ? "then it powered off" : "and it did not power off");
    return r.ticks == 5 && r.guest_count == r.ticks && r.verdict == 1 && r.powered_off ? 0 : 1;
}
