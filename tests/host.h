/* host.h: what kind of KVM host the tests run on, for skips that name a measured host or emulator limit. */
#ifndef VCPUCTX_TESTS_HOST_H
#define VCPUCTX_TESTS_HOST_H

#include <criterion/criterion.h>
#include <cpuid.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Skip the test unless this machine has /dev/kvm: a kernel that is itself a kvm_pvm guest loads the module but
   makes no device (measured: "kvm-pvm: this kernel is itself a kvm-pvm guest; not binding"). The tiers run the
   same suites on kvm_amd and kvm_intel there. */
static inline void host_need_kvm(void)
{
    if (access("/dev/kvm", F_OK) != 0)
        cr_skip_test("/dev/kvm does not exist on this machine");
}

/* kvm_pvm (pagetable-based KVM, no VT-x/AMD-V): emulates CPL0 code and lacks some debug intercepts. */
static inline bool host_is_kvm_pvm(void)
{
    return access("/sys/module/kvm_pvm", F_OK) == 0;
}

/* KVM on AMD-V (kvm_amd loaded). */
static inline bool host_is_svm(void)
{
    return access("/sys/module/kvm_amd", F_OK) == 0;
}

/*
 * The emulator a nested KVM runs in, for the artefacts that are the emulator's and not KVM's: "QEMU TCG" (CPUID's
 * hypervisor leaf reads TCGTCGTCGTCG), "Bochs" (its BIOS names itself in DMI), or NULL (hardware, or kvm_pvm).
 */
static inline const char *host_emulator(void)
{
    unsigned a, b, c, d;
    char sig[13] = "";
    __cpuid(1, a, b, c, d);
    if (c & (1u << 31)) {
        __cpuid(0x40000000, a, b, c, d);
        memcpy(sig, &b, 4);
        memcpy(sig + 4, &c, 4);
        memcpy(sig + 8, &d, 4);
        if (strcmp(sig, "TCGTCGTCGTCG") == 0)
            return "QEMU TCG";
    }
    char vendor[64] = "";
    FILE *f = fopen("/sys/class/dmi/id/bios_vendor", "r");
    if (f) {
        if (!fgets(vendor, sizeof(vendor), f))
            vendor[0] = '\0';
        fclose(f);
    }
    return strstr(vendor, "Bochs") ? "Bochs" : NULL;
}

#endif /* VCPUCTX_TESTS_HOST_H */
