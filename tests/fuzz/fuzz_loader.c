/* fuzz_loader.c: random images (bios, multiboot, raw; truncated and oversized ELFs) through the loader on KVM. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Byte 0: format (auto/bios/multiboot/raw) and entry mode; byte 1: load page; the rest: the image. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    struct options o;
    memset(&o, 0, sizeof(o));
    o.image = "fuzz";
    o.memory = 4u << 20;
    o.format = (enum image_format)(data[0] & 3);
    o.entry_mode = (enum entry_mode)((data[0] >> 2) % 3);
    o.bios_shadow = (data[0] >> 4) & 1 ? SHADOW_ALL : SHADOW_AUTO;
    o.load = o.entry = (uint64_t)data[1] << 12;
    o.append = (data[0] & 0x20) ? "a b c" : NULL;
    struct image im = {(uint8_t *)malloc(size - 2), size - 2};
    if (!im.data)
        return 0;
    memcpy(im.data, data + 2, size - 2);
    vm_t *vm = vcpuctx_vm_create(o.memory);
    if (!vm)
        abort(); /* KVM must be there for this target */
    vm_vcpu_t *vcpu = vm_create_vcpu(vm, 0);
    char err[512] = "";
    int r = vcpu ? image_load(vm, vcpu, &o, &im, err, sizeof(err)) : -1;
    if (r != 0 && r != -1)
        abort();
    if (r == -1 && vcpu && err[0] == '\0')
        abort(); /* every refusal explains itself */
    vcpuctx_vm_destroy(vm);
    image_free(&im);
    return 0;
}
