/* test_cpu.c: vcpuctx_vm_set_cpu on real KVM: the raw KVM_GET_CPUID2 of each vCPU, and what its guest sees. */
#include <fcntl.h>
#include <stdlib.h>

#include "vmtest.h"

TestSuite(cpu, .fini = teardown);

/* vCPU v's CPUID list, read back with the raw ioctl. */
static struct kvm_cpuid2 *raw_cpuid(vm_vcpu_t *v)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
    cr_assert_not_null(c);
    c->nent = 256;
    cr_assert_eq(ioctl(vcpuctx_vcpu_fd(v), KVM_GET_CPUID2, c), 0, "KVM_GET_CPUID2: %s", strerror(errno));
    return c;
}

static const struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub)
{
    for (uint32_t i = 0; i < c->nent; i++)
        if (c->entries[i].function == leaf &&
            (c->entries[i].index == sub || !(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
            return &c->entries[i];
    return NULL;
}

/* The leaf 1 ECX bits a vCPU's list holds as set: all of them, but on kvm_pvm only those its KVM lists. kvm_pvm
   sets the host's other bits whatever KVM_SET_CPUID2 says (measured: KVM_GET_CPUID2 reads them back, and the
   guest sees them; so QEMU -accel kvm -cpu qemu64,-sse4.2 shows SSE4.2 there too). */
static uint32_t honoured(const struct kvm_cpuid_entry2 *listed)
{
    return host_is_kvm_pvm() ? listed->ecx : ~0u;
}

/* KVM's supported list, raw. */
static struct kvm_cpuid2 *supported(void)
{
    host_need_kvm();
    int fd = open("/dev/kvm", O_RDWR);
    cr_assert_geq(fd, 0);
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
    cr_assert_not_null(c);
    c->nent = 256;
    cr_assert_eq(ioctl(fd, KVM_GET_SUPPORTED_CPUID, c), 0);
    close(fd);
    return c;
}

/* Each vCPU gets the model, with its own APIC ID; the guest reads the model's signature and brand. */
Test(cpu, a_model_reaches_every_vcpu_and_its_guest)
{
    struct kvm_cpuid2 *sup = supported();
    uint32_t mask = honoured(entry(sup, 1, 0));
    free(sup);
    vm = test_vm(TEST_RAM);
    load_guest(vm, "cpuid");
    size_t at = 99;
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64", &at), 0, "%s", strerror(errno));
    cr_assert_eq(at, 0);
    for (unsigned i = 0; i < 2; i++) {
        vm_vcpu_t *v = test_vcpu(vm);
        struct kvm_cpuid2 *c = raw_cpuid(v);
        const struct kvm_cpuid_entry2 *e1 = entry(c, 1, 0), *e0 = entry(c, 0, 0);
        cr_assert(e1 && e0);
        cr_assert_eq(e1->eax, 0x00060fb1u);
        cr_assert_eq(e1->ebx >> 24, i, "vCPU %u's APIC ID", i);
        cr_assert_leq(e0->eax, 0xdu, "level");
        cr_assert_null(entry(c, 0x80000010u, 0), "nothing above xlevel 0x8000000a");
        cr_assert_eq(e1->ecx & mask & ~0x80202001u, 0, "no leaf 1 ECX bit outside qemu64's: %#x", e1->ecx);
        free(c);
        seL4_Word r[4];
        guest_cpuid(v, 1, 0, r);
        cr_assert_eq(r[0], 0x00060fb1u, "the guest's signature");
        guest_cpuid(v, 0x80000002u, 0, r);
        cr_assert_eq(r[0], 0x554d4551u, "the brand begins \"QEMU\": %#lx", (unsigned long)r[0]);
    }
}

/* A bad spec fails, says where, and changes nothing; after the first vCPU the model is fixed. */
Test(cpu, a_refused_model_changes_nothing)
{
    vm = test_vm(TEST_RAM);
    size_t at = 0;
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64", &at), 0);
    errno = 0;
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64,+nosuch", &at), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(at, 7);
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "host,+ia64", &at), -1, "KVM never gives ia64");
    cr_assert_eq(errno, ENOTSUP);
    cr_assert_eq(at, 5);
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, NULL, NULL), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vcpuctx_vm_set_cpu(NULL, "host", NULL), -1);
    vm_vcpu_t *v = test_vcpu(vm);
    struct kvm_cpuid2 *c = raw_cpuid(v);
    cr_assert_eq(entry(c, 1, 0)->eax, 0x00060fb1u, "still qemu64");
    free(c);
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "host", &at), -1);
    cr_assert_eq(errno, EBUSY);
}

/* Without the call: KVM's list, the hypervisor bit set, and x2apic only with the in-kernel local APIC. */
Test(cpu, host_is_the_default_and_x2apic_follows_the_irqchip)
{
    struct kvm_cpuid2 *sup = supported();
    const struct kvm_cpuid_entry2 *s1 = entry(sup, 1, 0);
    cr_assert_not_null(s1);
    for (int chip = 0; chip < 2; chip++) {
        vm = test_vm(TEST_RAM);
        cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64", NULL), 0, "before the irqchip: made again with it");
        if (chip)
            cr_assert_eq(vcpuctx_vm_enable_irqchip(vm), 0);
        struct kvm_cpuid2 *c = raw_cpuid(test_vcpu(vm));
        uint32_t x2apic = entry(c, 1, 0)->ecx & (1u << 21);
        cr_assert_eq(x2apic, chip ? s1->ecx & (1u << 21) : 0, "irqchip %d: x2apic as KVM lists it, or none", chip);
        free(c);
        teardown();
    }
    vm = test_vm(TEST_RAM);
    struct kvm_cpuid2 *c = raw_cpuid(test_vcpu(vm));
    cr_assert_eq(entry(c, 1, 0)->eax, s1->eax, "host: KVM's signature");
    uint32_t want = (s1->ecx | 1u << 31) & ~(1u << 21 | 1u << 24);
    cr_assert_eq(entry(c, 1, 0)->ecx & honoured(s1), want, "KVM's features");
    free(c);
    free(sup);
}

/* A feature cleared from KVM's list is gone from the vCPU's list and from the guest's CPUID: leaf 1 ECX as the
   table has it, read back raw. */
Test(cpu, feature_bits_reach_the_guest)
{
    struct kvm_cpuid2 *sup = supported();
    uint32_t have = entry(sup, 1, 0)->ecx & ~(1u << 21 | 1u << 24 | 1u << 31);
    free(sup);
    cr_assert_neq(have, 0, "KVM lists some leaf 1 ECX feature");
    unsigned bit = (unsigned)__builtin_ctz(have);
    static const char *const names[32] = {
        [0] = "pni",     [1] = "pclmulqdq", [9] = "ssse3",   [12] = "fma",    [13] = "cx16",  [19] = "sse4.1",
        [20] = "sse4.2", [22] = "movbe",    [23] = "popcnt", [25] = "aes",    [26] = "xsave", [28] = "avx",
        [29] = "f16c",   [30] = "rdrand",   [17] = "pcid",   [3] = "monitor", [5] = "vmx",    [15] = "pdcm"};
    cr_assert_not_null(names[bit], "a name for bit %u", bit);
    char spec[64];
    snprintf(spec, sizeof(spec), "host,-%s,-hypervisor", names[bit]);
    vm = test_vm(TEST_RAM);
    load_guest(vm, "cpuid");
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, spec, NULL), 0, "%s: %s", spec, strerror(errno));
    vm_vcpu_t *v = test_vcpu(vm);
    struct kvm_cpuid2 *c = raw_cpuid(v);
    uint32_t table = entry(c, 1, 0)->ecx;
    free(c);
    cr_assert_eq(table & (1u << bit | 1u << 31), 0, "%s: the vCPU's list has neither: %#x", spec, table);
    seL4_Word r[4];
    guest_cpuid(v, 1, 0, r);
    cr_assert_eq((uint32_t)r[2], table, "%s: the guest sees the list's leaf 1 ECX", spec);
}

/* IA32_MCG_CAP read back with the raw KVM_GET_MSRS. */
static uint64_t raw_mcg_cap(vm_vcpu_t *v)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e;
    } m;
    memset(&m, 0, sizeof(m));
    m.hdr.nmsrs = 1;
    m.e.index = 0x179;
    cr_assert_eq(ioctl(vcpuctx_vcpu_fd(v), KVM_GET_MSRS, &m), 1, "KVM_GET_MSRS: %s", strerror(errno));
    return m.e.data;
}

/* Machine checks as QEMU sets them up under -accel kvm (KVM_X86_SETUP_MCE): ten banks (within KVM's most) and
   MCG_CTL_P where KVM supports it; not KVM's default of 32 banks, which test kernels count. (MCG_SER_P is asked for
   as QEMU does; kvm_amd drops it, measured, so it is not asserted.) */
Test(cpu, machine_check_banks_are_qemus)
{
    host_need_kvm();
    int fd = open("/dev/kvm", O_RDWR);
    cr_assert_geq(fd, 0);
    uint64_t supported = 0;
    cr_assert_eq(ioctl(fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &supported), 0, "%s", strerror(errno));
    int most = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MCE); /* KVM's most banks */
    cr_assert_gt(most, 0, "KVM_CAP_MCE");
    close(fd);
    uint64_t banks = most < 10 ? (uint64_t)most : 10, ctl_p = (1ULL << 8) & supported;
    for (int model = 0; model < 2; model++) {
        vm = test_vm(TEST_RAM);
        if (model)
            cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64", NULL), 0, "%s", strerror(errno));
        vm_vcpu_t *v = test_vcpu(vm);
        uint64_t cap = raw_mcg_cap(v);
        cr_assert_eq(cap & 0xff, banks, "%s: MCG_CAP 0x%llx: %llu banks, want %llu", model ? "qemu64" : "host",
                     (unsigned long long)cap, (unsigned long long)(cap & 0xff), (unsigned long long)banks);
        cr_assert_eq(cap & (1ULL << 8), ctl_p, "MCG_CTL_P as KVM supports it: 0x%llx", (unsigned long long)cap);
        vcpuctx_vm_destroy(vm);
        vm = NULL;
    }
}

/* vcpuctx_vm_cpuid reads the VM's list as a vCPU gets it (raw KVM_GET_CPUID2), before and after a model. */
Test(cpu, the_vms_cpuid_reads_as_its_vcpus_get_it)
{
    host_need_kvm();
    vm = test_vm(TEST_RAM);
    uint32_t r[4], v[4];
    cr_assert_eq(vcpuctx_vm_cpuid(vm, 0, 0, r), 0, "%s", strerror(errno));
    cr_assert_eq(vcpuctx_vm_cpuid(vm, 0x4fffffff, 0, r), -1, "no such leaf");
    cr_assert_eq(errno, ENOENT);
    cr_assert_eq(vcpuctx_vm_cpuid(NULL, 0, 0, r), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vcpuctx_vm_set_cpu(vm, "qemu64,-sse4.2", NULL), 0, "%s", strerror(errno));
    cr_assert_eq(vcpuctx_vm_cpuid(vm, 1, 0, r), 0);
    cr_assert_eq(r[2] & (1u << 20), 0, "the model's -sse4.2");
    vm_vcpu_t *c = vm_create_vcpu(vm, 0);
    cr_assert_not_null(c);
    struct kvm_cpuid2 *raw = raw_cpuid(c);
    const struct kvm_cpuid_entry2 *e = entry(raw, 0x80000000, 0);
    cr_assert_not_null(e);
    cr_assert_eq(vcpuctx_vm_cpuid(vm, 0x80000000, 0, v), 0);
    cr_assert(v[0] == e->eax && v[1] == e->ebx && v[2] == e->ecx && v[3] == e->edx, "as the vCPU's own list");
    free(raw);
}
