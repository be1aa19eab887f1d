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
    int st = example_start(argc, argv, "pci-device", image, sizeof(image), 512 << 10, &n, &vm);
    if (st)
        return st;
    struct vmm_result r;
    int rc = vmm_run(vm, image, n, &r);
    int e = errno;
    vcpuctx_vm_destroy(vm);
    if (rc < 0) {
        fprintf(stderr, "pci-device: the VMM failed: %s\n", strerror(e));
        return 1;
    }
    printf("pci-device: the guest found the device's ports at 0x%x and its interrupt line %u, answered %u, %s\n", r.bar,
           r.irq_line, r.answer, r.halted ? "then halted" : "and did not halt");
    return r.bar == 0x9000 && r.irq_line == 11 && r.answer == 42 && r.halted ? 0 : 1;
}
