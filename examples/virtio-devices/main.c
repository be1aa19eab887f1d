/* main.c: the example's Linux side: the VM (seL4's vm_init does this there), the guest image, the verdict. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vcpuctx.h>

#include "vmm.h"

int main(int argc, char **argv)
{
    static unsigned char image[0x4000];
    if (argc != 2) {
        fprintf(stderr, "usage: virtio-devices GUEST.bin\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    size_t n = f ? fread(image, 1, sizeof(image), f) : 0;
    if (f)
        fclose(f);
    if (n == 0) {
        fprintf(stderr, "virtio-devices: cannot read %s\n", argv[1]);
        return 2;
    }
    vm_t *vm = vcpuctx_vm_create(1 << 20);
    if (!vm) {
        fprintf(stderr, "virtio-devices: cannot create a VM: %s\n", strerror(errno));
        return errno == ENOENT ? 77 : 2; /* 77: no /dev/kvm here, the test is skipped */
    }
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
