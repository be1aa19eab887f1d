/* test_cpuid.c: CPU models and QEMU's feature names applied to made-up KVM lists (no KVM needed). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuid.h"

#define NENT 32

static struct kvm_cpuid2 *table;

/* A KVM list that supports everything: every register all ones, the vendor's name in leaf 0 and 0x80000000. */
static struct kvm_cpuid2 *all_ones(bool amd)
{
    static const uint32_t leaves[][2] = {{0, 0},          {1, 0},          {6, 0},          {7, 0},
                                         {7, 1},          {0xb, 0},        {0xd, 0},        {0xd, 1},
                                         {0x40000000, 0}, {0x40000001, 0}, {0x80000000, 0}, {0x80000001, 0},
                                         {0x80000002, 0}, {0x80000003, 0}, {0x80000004, 0}, {0x80000007, 0},
                                         {0x80000008, 0}, {0x8000000a, 0}, {0x8000001f, 0}};
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + NENT * sizeof(c->entries[0]));
    cr_assert_not_null(c);
    for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];
        e->function = leaves[i][0], e->index = leaves[i][1];
        e->flags = e->function == 7 || e->function == 0xb || e->function == 0xd ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
        e->eax = e->ebx = e->ecx = e->edx = ~0u;
        if ((e->function & 0x7fffffffu) == 0) {
            e->eax = e->function ? 0x8000001fu : 0x1f;
            const char *v = amd ? "AuthenticAMD" : "GenuineIntel";
            memcpy(&e->ebx, v, 4), memcpy(&e->edx, v + 4, 4), memcpy(&e->ecx, v + 8, 4);
        }
    }
    return c;
}

static void teardown(void)
{
    free(table);
    table = NULL;
}

TestSuite(cpuid, .fini = teardown);

static uint32_t reg(uint32_t leaf, uint32_t sub, int r)
{
    struct kvm_cpuid_entry2 *e = cpuid_find(table, leaf, sub);
    cr_assert_not_null(e, "leaf %#x.%u is there", leaf, sub);
    return r == 0 ? e->eax : r == 1 ? e->ebx : r == 2 ? e->ecx : e->edx;
}

static int apply(const char *spec, bool irqchip, size_t *bad_at)
{
    return cpuid_model_apply(table, spec, irqchip, true, bad_at);
}

/* Each name in the list clears one bit (kvmclock two, as in QEMU) of a list that has them all. */
Test(cpuid, every_feature_name_names_its_own_bits)
{
    const char *name;
    size_t n = 0;
    for (size_t i = 0; (name = vcpuctx_cpu_name(VCPUCTX_CPU_FEATURES, i)); i++, n++) {
        struct kvm_cpuid2 *before = all_ones(true);
        table = all_ones(true);
        char spec[64];
        snprintf(spec, sizeof(spec), "host,-%s", name);
        cr_assert_eq(apply(spec, true, NULL), 0, "%s", spec);
        int cleared = 0;
        for (uint32_t e = 0; e < table->nent; e++) {
            const uint32_t *a = &before->entries[e].eax, *b = &table->entries[e].eax;
            for (int r = 0; r < 4; r++)
                cleared += __builtin_popcount(a[r] & ~b[r]);
        }
        int want = strcmp(name, "kvmclock") == 0 ? 2 : 1;
        cr_assert_eq(cleared, want, "-%s cleared %d bits", name, cleared);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(vcpuctx_cpu_name(VCPUCTX_CPU_FEATURES, j), name, "%s listed once", name);
        free(before);
        teardown();
    }
    cr_assert_gt(n, 100, "QEMU's common names: %zu", n);
    cr_assert_null(vcpuctx_cpu_name(VCPUCTX_CPU_FEATURES, n));
    cr_assert_null(vcpuctx_cpu_name(7, 0), "an unknown kind");
}

Test(cpuid, the_models_are_host_max_and_qemu64)
{
    cr_assert_str_eq(vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, 0), "host");
    cr_assert_str_eq(vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, 1), "max");
    cr_assert_str_eq(vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, 2), "qemu64");
    cr_assert_null(vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, 3));
}

/* QEMU 7.2's qemu64 under -accel kvm (measured on this host with build/guest/cpuid-mb.elf; TCG's differs only
   in x2apic and svm, which kvm_default_props turns on and off). */
Test(cpuid, qemu64_is_qemus_on_an_amd_host)
{
    table = all_ones(true);
    cr_assert_eq(apply("qemu64", true, NULL), 0);
    cr_assert_eq(reg(0, 0, 0), 0xd, "level");
    cr_assert_eq(reg(1, 0, 0), 0x00060fb1, "family 15, model 107, stepping 1");
    cr_assert_eq(reg(1, 0, 2), 0x80202001, "pni, cx16, x2apic and the hypervisor bit");
    cr_assert_eq(reg(1, 0, 3), 0x078bfbfd);
    cr_assert_eq(reg(7, 0, 1) | reg(7, 0, 2) | reg(7, 0, 3) | reg(7, 0, 0), 0, "no leaf 7 features");
    cr_assert_eq(reg(0xd, 0, 0) | reg(0xd, 1, 0), 0, "no xsave");
    cr_assert_eq(reg(0x80000000, 0, 0), 0x8000000a, "xlevel");
    cr_assert_eq(reg(0x80000001, 0, 2), 0x1, "lahf-lm; svm off");
    cr_assert_eq(reg(0x80000001, 0, 3), 0x2193fbfd, "lm, nx, syscall and AMD's copies of leaf 1 EDX");
    cr_assert_eq(reg(0x8000000a, 0, 0) | reg(0x8000000a, 0, 3), 0, "no SVM leaf");
    cr_assert_eq(reg(0x40000001, 0, 0), ~0u, "KVM's own features stay KVM's");
    char brand[49] = {0};
    for (uint32_t l = 0; l < 3; l++)
        for (int r = 0; r < 4; r++) {
            uint32_t v = reg(0x80000002 + l, 0, r);
            memcpy(brand + 16 * l + 4 * r, &v, 4);
        }
    cr_assert_str_eq(brand, "QEMU Virtual CPU version 2.5+");
    cr_assert_null(cpuid_find(table, 0x8000001f, 0), "leaves above xlevel are gone");
    char vendor[13] = {0};
    uint32_t b = reg(0, 0, 1), d = reg(0, 0, 3), c = reg(0, 0, 2);
    memcpy(vendor, &b, 4), memcpy(vendor + 4, &d, 4), memcpy(vendor + 8, &c, 4);
    cr_assert_str_eq(vendor, "AuthenticAMD", "the host's vendor, as QEMU under KVM");
}

Test(cpuid, qemu64_on_an_intel_host_without_the_irqchip)
{
    table = all_ones(false);
    cpuid_find(table, 0, 0)->eax = 0xb; /* levels below the model's (Bochs's VT-x CPU: xlevel 0x80000008) */
    cpuid_find(table, 0x80000000, 0)->eax = 0x80000008;
    cr_assert_eq(apply("qemu64", false, NULL), 0);
    cr_assert_eq(reg(0, 0, 0), 0xd, "QEMU's level");
    cr_assert_eq(reg(0x80000000, 0, 0), 0x8000000a, "QEMU's xlevel");
    cr_assert_eq(reg(1, 0, 2), 0x80002001, "no x2apic without the in-kernel local APIC");
    cr_assert_eq(reg(0x80000001, 0, 3), 0x20100800, "no AMD copies on an Intel vendor");
}

Test(cpuid, host_is_kvms_list_with_the_hypervisor_bit)
{
    table = all_ones(true);
    table->entries[1].ecx = 0x00200001; /* pni, x2apic */
    cr_assert_eq(apply("host", true, NULL), 0);
    cr_assert_eq(reg(1, 0, 2), 0x80200001);
    cr_assert_eq(reg(1, 0, 3), ~0u);
    teardown();
    table = all_ones(true);
    table->entries[1].ecx = 0x00200001;
    cr_assert_eq(apply("max,-hypervisor", false, NULL), 0);
    cr_assert_eq(reg(1, 0, 2), 0x00000001, "x2apic off without the irqchip, the hypervisor bit cleared");
}

Test(cpuid, features_take_qemus_spellings_and_an_off_wins)
{
    table = all_ones(true);
    cr_assert_eq(apply("host,-sse3,-sse4_1,sse4-2=off,-xd,-pcid,+pcid,avx=off,avx=on,enforce,check", true, NULL), 0);
    uint32_t ecx = reg(1, 0, 2);
    cr_assert_eq(ecx & (1u << 0 | 1u << 19 | 1u << 20 | 1u << 17 | 1u << 28), 0, "1.ecx %#x", ecx);
    cr_assert_eq(reg(0x80000001, 0, 3) & (1u << 20), 0, "xd is nx");
    teardown();
    table = all_ones(true);
    cr_assert_eq(apply("qemu64,+popcnt,x2apic,-x2apic,+avx2", true, NULL), 0);
    cr_assert_eq(reg(1, 0, 2), 0x80802001, "popcnt on, x2apic off");
    cr_assert_eq(reg(7, 0, 1), 1u << 5, "avx2 on over the model's empty leaf 7");
}

/* A refused spec says where, and leaves the list as it was. */
static void refused(const char *spec, bool irqchip, int err, size_t at)
{
    table = all_ones(true);
    table->entries[1].ecx = 0x00000001;
    struct kvm_cpuid2 *before = all_ones(true);
    before->entries[1].ecx = 0x00000001;
    size_t bad = 99;
    errno = 0;
    cr_assert_eq(cpuid_model_apply(table, spec, irqchip, false, &bad), -1, "%s", spec);
    cr_assert_eq(errno, err, "%s: errno %d", spec, errno);
    cr_assert_eq(bad, at, "%s: at %zu", spec, bad);
    cr_assert_eq(memcmp(table, before, sizeof(*table) + table->nent * sizeof(table->entries[0])), 0, "%s", spec);
    free(before);
    teardown();
}

Test(cpuid, bad_specs_are_refused_where_they_go_wrong)
{
    refused("pentium", true, EINVAL, 0);
    refused("", true, EINVAL, 0);
    refused("qemu64,+nosuch", true, EINVAL, 7);
    refused("qemu64,-sse3,,", true, EINVAL, 13);
    refused("host,x2apic=maybe", true, EINVAL, 5);
    refused("host,+", true, EINVAL, 5);
    refused("host,+x2apic", true, ENOTSUP, 5);
    refused("host,+tsc-deadline", true, ENOTSUP, 5);
    refused("host,-pni,+popcnt", true, ENOTSUP, 10);
    refused("qemu64,+avxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true, EINVAL, 7);
}

/* QEMU's vendor= sets the vendor of leaves 0 and 0x80000000; host-phys-bits is what every model has already. */
Test(cpuid, vendor_and_host_phys_bits_properties)
{
    table = all_ones(true);
    cr_assert_eq(apply("qemu64,vendor=GenuineIntel,host-phys-bits,host-phys-bits=on,+pcid", true, NULL), 0);
    static const uint32_t leaves[] = {0, 0x80000000u};
    for (size_t i = 0; i < 2; i++) {
        uint32_t leaf = leaves[i];
        char v[13] = {0};
        uint32_t b = reg(leaf, 0, 1), d = reg(leaf, 0, 3), c = reg(leaf, 0, 2);
        memcpy(v, &b, 4), memcpy(v + 4, &d, 4), memcpy(v + 8, &c, 4);
        cr_assert_str_eq(v, "GenuineIntel", "leaf %#x", leaf);
    }
    cr_assert_eq(reg(0x80000008, 0, 0), ~0u, "the address sizes are KVM's");
    refused("host,vendor=Intel", true, EINVAL, 5);
    refused("host,host-phys-bits=off", true, EINVAL, 5);
}

/* x2apic and the TSC deadline timer need the in-kernel local APIC; the timer KVM_CAP_TSC_DEADLINE_TIMER too. */
Test(cpuid, apic_features_need_the_irqchip)
{
    refused("host,+x2apic", false, ENOTSUP, 5);
    table = all_ones(true);
    table->entries[1].ecx = 0;
    cr_assert_eq(cpuid_model_apply(table, "host,+tsc-deadline,+x2apic", true, true, NULL), -1, "x2apic not listed");
    table->entries[1].ecx = 1u << 21;
    cr_assert_eq(cpuid_model_apply(table, "host,+tsc-deadline,+x2apic", true, true, NULL), 0);
    cr_assert_eq(reg(1, 0, 2), 0x81200000);
}

Test(cpuid, each_vcpu_gets_its_own_apic_id)
{
    struct kvm_cpuid2 *vm_list = all_ones(true);
    table = cpuid_for_vcpu(vm_list, 5);
    cr_assert_not_null(table);
    cr_assert_eq(reg(1, 0, 1), 0x05ffffffu);
    cr_assert_eq(reg(0xb, 0, 3), 5);
    cr_assert_eq(cpuid_find(vm_list, 1, 0)->ebx, 0xffffffffu, "the VM's list is left as it was");
    free(vm_list);
}
