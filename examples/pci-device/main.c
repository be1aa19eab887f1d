/* main.c: the example's Linux side: the VM (seL4's vm_init does this there), the guest image, the verdict. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vcpuctx.h>

#include "vmm.h"

int main(int argc, char **argv)
{
    static unsigned char image[0x8000];
    if (argc != 2) {
        fprintf(stderr, "usage: pci-device GUEST.bin\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    size_t n = f ? fread(image, 1, sizeof(image), f) : 0;
    if (f)
        fclose(f);
    if (n == 0) {
        fprintf(stderr, "pci-device: cannot read %s\n", argv[1]);
        return 2;
    }
    vm_t *vm = vcpuctx_vm_create(512 << 10);
    if (!vm) {
        fprintf(stderr, "pci-device: cannot create a VM: %s\n", strerror(errno));
        return errno == ENOENT ? 77 : 2; /* 77: no /dev/kvm here, the test is skipped */
    }
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
