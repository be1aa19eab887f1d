/* main.c: the example's Linux side: the VM (seL4's vm_init does this there), the guest image, the verdict. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vcpuctx.h>

#include "../common/example.h"
#include "vmm.h"

int main(int argc, char **argv)
{
    static unsigned char image[0x4000];
    size_t n;
    vm_t *vm;
    int st = example_start(argc, argv, "virtio-devices", image, sizeof(image), 1 << 20, &n, &vm);
    if (st)
        return st;
    static struct vmm_result r;
    int rc = vmm_run(vm, image, n, &r);
    int e = errno;
    vcpuctx_vm_destroy(vm);
    if (rc < 0) {
        fprintf(stderr, "virtio-devices: the VMM failed: %s\n", strerror(e));
        return 1;
    }
    static const char want[] = "virtio-devices: hello through the virtio console; sector 0 says: VCPUCTX-SECTOR-0";
    printf("%.*s\n", (int)r.console_len, r.console);
    bool ok =
        r.console_len == sizeof(want) - 1 && memcmp(r.console, want, r.console_len) == 0 && r.reads == 1 && r.halted;
    printf("virtio-devices: %u sector read, the guest %s\n", r.reads, r.halted ? "halted" : "did not halt");
    return ok ? 0 : 1;
}
