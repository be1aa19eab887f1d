/* start.c: the example VMMs' Linux side: the guest image and the VM. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vcpuctx.h>

#include "example.h"

int example_start(int argc, char **argv, const char *name, void *image, size_t size, size_t ram, size_t *n, vm_t **vm)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GUEST.bin\n", name);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    *n = f ? fread(image, 1, size, f) : 0;
    if (f)
        fclose(f);
    if (*n == 0) {
        fprintf(stderr, "%s: cannot read %s\n", name, argv[1]);
        return 2;
    }
    *vm = vcpuctx_vm_create(ram);
    if (!*vm) {
        fprintf(stderr, "%s: cannot create a VM: %s\n", name, strerror(errno));
        return errno == ENOENT ? 77 : 2;
    }
    return 0;
}
