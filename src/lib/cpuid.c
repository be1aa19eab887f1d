/* cpuid.c: CPU models (host, max, qemu64) and QEMU's feature names, applied to KVM's supported CPUID list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "cpuid.h"
#include "kvm.h"

enum { EAX, EBX, ECX, EDX };

/* Leaf 1 ECX bits the models set or clear themselves (the table's x2apic, tsc-deadline and hypervisor). */
#define ECX1_X2APIC       (1u << 21)
#define ECX1_TSC_DEADLINE (1u << 24)
#define ECX1_HYPERVISOR   (1u << 31)

/* One CPUID feature bit under QEMU's name (target/i386/cpu.c, feature_word_info). Several rows may share a name:
   "kvmclock" is two bits, as in QEMU. */
struct feature {
    const char *name;
    uint32_t leaf, sub;
    uint8_t reg, bit;
};

/* One row per bit; X(name, leaf, subleaf, register, bit). The table drives the parser, --cpu=help and the tests. */
/* clang-format off */
#define CPU_FEATURES(X)                                                                                           \
    X("fpu", 1, 0, EDX, 0) X("vme", 1, 0, EDX, 1) X("de", 1, 0, EDX, 2) X("pse", 1, 0, EDX, 3)                   \
    X("tsc", 1, 0, EDX, 4) X("msr", 1, 0, EDX, 5) X("pae", 1, 0, EDX, 6) X("mce", 1, 0, EDX, 7)                  \
    X("cx8", 1, 0, EDX, 8) X("apic", 1, 0, EDX, 9) X("sep", 1, 0, EDX, 11) X("mtrr", 1, 0, EDX, 12)              \
    X("pge", 1, 0, EDX, 13) X("mca", 1, 0, EDX, 14) X("cmov", 1, 0, EDX, 15) X("pat", 1, 0, EDX, 16)             \
    X("pse36", 1, 0, EDX, 17) X("pn", 1, 0, EDX, 18) X("clflush", 1, 0, EDX, 19) X("ds", 1, 0, EDX, 21)          \
    X("acpi", 1, 0, EDX, 22) X("mmx", 1, 0, EDX, 23) X("fxsr", 1, 0, EDX, 24) X("sse", 1, 0, EDX, 25)            \
    X("sse2", 1, 0, EDX, 26) X("ss", 1, 0, EDX, 27) X("ht", 1, 0, EDX, 28) X("tm", 1, 0, EDX, 29)                \
    X("ia64", 1, 0, EDX, 30) X("pbe", 1, 0, EDX, 31)                                                              \
    X("pni", 1, 0, ECX, 0) X("pclmulqdq", 1, 0, ECX, 1) X("dtes64", 1, 0, ECX, 2) X("monitor", 1, 0, ECX, 3)     \
    X("ds-cpl", 1, 0, ECX, 4) X("vmx", 1, 0, ECX, 5) X("smx", 1, 0, ECX, 6) X("est", 1, 0, ECX, 7)               \
    X("tm2", 1, 0, ECX, 8) X("ssse3", 1, 0, ECX, 9) X("cid", 1, 0, ECX, 10) X("fma", 1, 0, ECX, 12)              \
    X("cx16", 1, 0, ECX, 13) X("xtpr", 1, 0, ECX, 14) X("pdcm", 1, 0, ECX, 15) X("pcid", 1, 0, ECX, 17)          \
    X("dca", 1, 0, ECX, 18) X("sse4.1", 1, 0, ECX, 19) X("sse4.2", 1, 0, ECX, 20) X("x2apic", 1, 0, ECX, 21)     \
    X("movbe", 1, 0, ECX, 22) X("popcnt", 1, 0, ECX, 23) X("tsc-deadline", 1, 0, ECX, 24)                        \
    X("aes", 1, 0, ECX, 25) X("xsave", 1, 0, ECX, 26) X("avx", 1, 0, ECX, 28) X("f16c", 1, 0, ECX, 29)           \
    X("rdrand", 1, 0, ECX, 30) X("hypervisor", 1, 0, ECX, 31)                                                     \
    X("fsgsbase", 7, 0, EBX, 0) X("tsc-adjust", 7, 0, EBX, 1) X("sgx", 7, 0, EBX, 2) X("bmi1", 7, 0, EBX, 3)     \
    X("hle", 7, 0, EBX, 4) X("avx2", 7, 0, EBX, 5) X("smep", 7, 0, EBX, 7) X("bmi2", 7, 0, EBX, 8)               \
    X("erms", 7, 0, EBX, 9) X("invpcid", 7, 0, EBX, 10) X("rtm", 7, 0, EBX, 11) X("mpx", 7, 0, EBX, 14)          \
    X("avx512f", 7, 0, EBX, 16) X("avx512dq", 7, 0, EBX, 17) X("rdseed", 7, 0, EBX, 18)                          \
    X("adx", 7, 0, EBX, 19) X("smap", 7, 0, EBX, 20) X("avx512ifma", 7, 0, EBX, 21)                              \
    X("clflushopt", 7, 0, EBX, 23) X("clwb", 7, 0, EBX, 24) X("intel-pt", 7, 0, EBX, 25)                         \
    X("avx512pf", 7, 0, EBX, 26) X("avx512er", 7, 0, EBX, 27) X("avx512cd", 7, 0, EBX, 28)                       \
    X("sha-ni", 7, 0, EBX, 29) X("avx512bw", 7, 0, EBX, 30) X("avx512vl", 7, 0, EBX, 31)                         \
    X("avx512vbmi", 7, 0, ECX, 1) X("umip", 7, 0, ECX, 2) X("pku", 7, 0, ECX, 3) X("waitpkg", 7, 0, ECX, 5)      \
    X("avx512vbmi2", 7, 0, ECX, 6) X("gfni", 7, 0, ECX, 8) X("vaes", 7, 0, ECX, 9)                               \
    X("vpclmulqdq", 7, 0, ECX, 10) X("avx512vnni", 7, 0, ECX, 11) X("avx512bitalg", 7, 0, ECX, 12)               \
    X("avx512-vpopcntdq", 7, 0, ECX, 14) X("la57", 7, 0, ECX, 16) X("rdpid", 7, 0, ECX, 22)                      \
    X("cldemote", 7, 0, ECX, 25) X("movdiri", 7, 0, ECX, 27) X("movdir64b", 7, 0, ECX, 28)                       \
    X("fsrm", 7, 0, EDX, 4) X("md-clear", 7, 0, EDX, 10) X("serialize", 7, 0, EDX, 14)                           \
    X("spec-ctrl", 7, 0, EDX, 26) X("stibp", 7, 0, EDX, 27) X("flush-l1d", 7, 0, EDX, 28)                        \
    X("arch-capabilities", 7, 0, EDX, 29) X("ssbd", 7, 0, EDX, 31)                                                \
    X("xsaveopt", 0xd, 1, EAX, 0) X("xsavec", 0xd, 1, EAX, 1) X("xgetbv1", 0xd, 1, EAX, 2)                       \
    X("xsaves", 0xd, 1, EAX, 3)                                                                                   \
    X("kvmclock", 0x40000001, 0, EAX, 0) X("kvm-nopiodelay", 0x40000001, 0, EAX, 1)                              \
    X("kvmclock", 0x40000001, 0, EAX, 3) X("kvm-asyncpf", 0x40000001, 0, EAX, 4)                                 \
    X("kvm-steal-time", 0x40000001, 0, EAX, 5) X("kvm-pv-eoi", 0x40000001, 0, EAX, 6)                            \
    X("kvm-pv-unhalt", 0x40000001, 0, EAX, 7) X("kvm-pv-tlb-flush", 0x40000001, 0, EAX, 9)                       \
    X("kvm-pv-ipi", 0x40000001, 0, EAX, 11) X("kvm-poll-control", 0x40000001, 0, EAX, 12)                        \
    X("kvm-pv-sched-yield", 0x40000001, 0, EAX, 13) X("kvm-asyncpf-int", 0x40000001, 0, EAX, 14)                 \
    X("kvm-msi-ext-dest-id", 0x40000001, 0, EAX, 15) X("kvmclock-stable-bit", 0x40000001, 0, EAX, 24)            \
    X("syscall", 0x80000001, 0, EDX, 11) X("nx", 0x80000001, 0, EDX, 20) X("mmxext", 0x80000001, 0, EDX, 22)     \
    X("fxsr-opt", 0x80000001, 0, EDX, 25) X("pdpe1gb", 0x80000001, 0, EDX, 26)                                   \
    X("rdtscp", 0x80000001, 0, EDX, 27) X("lm", 0x80000001, 0, EDX, 29) X("3dnowext", 0x80000001, 0, EDX, 30)    \
    X("3dnow", 0x80000001, 0, EDX, 31)                                                                            \
    X("lahf-lm", 0x80000001, 0, ECX, 0) X("cmp-legacy", 0x80000001, 0, ECX, 1) X("svm", 0x80000001, 0, ECX, 2)   \
    X("extapic", 0x80000001, 0, ECX, 3) X("cr8legacy", 0x80000001, 0, ECX, 4) X("abm", 0x80000001, 0, ECX, 5)    \
    X("sse4a", 0x80000001, 0, ECX, 6) X("misalignsse", 0x80000001, 0, ECX, 7)                                    \
    X("3dnowprefetch", 0x80000001, 0, ECX, 8) X("osvw", 0x80000001, 0, ECX, 9) X("ibs", 0x80000001, 0, ECX, 10)  \
    X("xop", 0x80000001, 0, ECX, 11) X("skinit", 0x80000001, 0, ECX, 12) X("wdt", 0x80000001, 0, ECX, 13)        \
    X("lwp", 0x80000001, 0, ECX, 15) X("fma4", 0x80000001, 0, ECX, 16) X("tce", 0x80000001, 0, ECX, 17)          \
    X("nodeid-msr", 0x80000001, 0, ECX, 19) X("tbm", 0x80000001, 0, ECX, 21)                                     \
    X("topoext", 0x80000001, 0, ECX, 22) X("perfctr-core", 0x80000001, 0, ECX, 23)                               \
    X("perfctr-nb", 0x80000001, 0, ECX, 24)                                                                       \
    X("invtsc", 0x80000007, 0, EDX, 8)                                                                            \
    X("clzero", 0x80000008, 0, EBX, 0) X("xsaveerptr", 0x80000008, 0, EBX, 2) X("wbnoinvd", 0x80000008, 0, EBX, 9) \
    X("ibpb", 0x80000008, 0, EBX, 12) X("ibrs", 0x80000008, 0, EBX, 14) X("amd-stibp", 0x80000008, 0, EBX, 15)   \
    X("amd-ssbd", 0x80000008, 0, EBX, 24) X("virt-ssbd", 0x80000008, 0, EBX, 25)                                 \
    X("amd-no-ssb", 0x80000008, 0, EBX, 26)                                                                       \
    X("npt", 0x8000000a, 0, EDX, 0) X("lbrv", 0x8000000a, 0, EDX, 1) X("svm-lock", 0x8000000a, 0, EDX, 2)        \
    X("nrip-save", 0x8000000a, 0, EDX, 3) X("tsc-scale", 0x8000000a, 0, EDX, 4)                                  \
    X("vmcb-clean", 0x8000000a, 0, EDX, 5) X("flushbyasid", 0x8000000a, 0, EDX, 6)                               \
    X("decodeassists", 0x8000000a, 0, EDX, 7) X("pause-filter", 0x8000000a, 0, EDX, 10)                          \
    X("pfthreshold", 0x8000000a, 0, EDX, 12) X("avic", 0x8000000a, 0, EDX, 13)                                   \
    X("v-vmsave-vmload", 0x8000000a, 0, EDX, 15) X("vgif", 0x8000000a, 0, EDX, 16)                               \
    X("vnmi", 0x8000000a, 0, EDX, 25) X("svme-addr-chk", 0x8000000a, 0, EDX, 28)
/* clang-format on */

#define FEATURE_ROW(n, l, s, r, b) {n, l, s, r, b},
static const struct feature features[] = {CPU_FEATURES(FEATURE_ROW)};

/* QEMU's other spellings (x86_cpu_register_feature_bit_props); '_' is read as '-' before either table. */
static const char *const aliases[][2] = {
    {"sse3", "pni"}, {"pclmuldq", "pclmulqdq"}, {"sse4-1", "sse4.1"}, {"sse4-2", "sse4.2"},
    {"xd", "nx"},    {"ffxsr", "fxsr-opt"},     {"i64", "lm"},
};

static const char *const models[] = {"host", "max", "qemu64"};

const char *vcpuctx_cpu_name(int kind, size_t i)
{
    if (kind == VCPUCTX_CPU_MODELS)
        return i < ARRAY_SIZE(models) ? models[i] : NULL;
    if (kind != VCPUCTX_CPU_FEATURES)
        return NULL;
    /* Each name once: skip a row whose name an earlier row has. */
    for (size_t r = 0; r < ARRAY_SIZE(features); r++) {
        bool seen = false;
        for (size_t q = 0; q < r && !seen; q++)
            seen = strcmp(features[q].name, features[r].name) == 0;
        if (!seen && i-- == 0)
            return features[r].name;
    }
    return NULL;
}

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        if (e->function == leaf && (e->index == sub || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
            return e;
    }
    return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, int reg)
{
    return reg == EAX ? &e->eax : reg == EBX ? &e->ebx : reg == ECX ? &e->ecx : &e->edx;
}

static uint32_t *bits_of(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub, int reg)
{
    struct kvm_cpuid_entry2 *e = cpuid_find(c, leaf, sub);
    return e ? reg_of(e, reg) : NULL;
}

/* Drop the entries of the range base..base+0xffff above last. */
static void drop_above(struct kvm_cpuid2 *c, uint32_t base, uint32_t last)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nent; i++) {
        uint32_t f = c->entries[i].function;
        if ((f & 0xffff0000u) != base || f <= last)
            c->entries[n++] = c->entries[i];
    }
    c->nent = n;
}

static void clear_leaf(struct kvm_cpuid2 *c, uint32_t leaf, int from_reg)
{
    for (uint32_t i = 0; i < c->nent; i++)
        if (c->entries[i].function == leaf)
            for (int r = from_reg; r <= EDX; r++)
                *reg_of(&c->entries[i], r) = 0;
}

static void mask(struct kvm_cpuid2 *c, uint32_t leaf, int reg, uint32_t keep)
{
    uint32_t *p = bits_of(c, leaf, 0, reg);
    if (p)
        *p &= keep;
}

static void put(struct kvm_cpuid2 *c, uint32_t leaf, int reg, uint32_t value)
{
    uint32_t *p = bits_of(c, leaf, 0, reg);
    if (p)
        *p = value;
}

/* QEMU's qemu64 (target/i386/cpu.c, builtin_x86_defs) as -accel kvm gives it: family 15, model 107, stepping 1;
   level 0xd and xlevel 0x8000000a; the host's vendor; x2apic on and svm off (kvm_default_props). */
#define QEMU64_SIGNATURE 0x00060fb1u
#define QEMU64_LEVEL     0xdu
#define QEMU64_XLEVEL    0x8000000au
#define QEMU64_1_EDX     0x078bfbfdu /* PPRO_FEATURES, mtrr, clflush, mca, pse36 */
#define QEMU64_1_ECX     0x00202001u /* pni, cx16, x2apic */
#define QEMU64_X1_EDX    0x20100800u /* lm, nx, syscall */
#define QEMU64_X1_ECX    0x00000001u /* lahf-lm */
#define AMD_ALIASES      0x0183f3ffu /* the leaf 1 EDX bits an AMD CPU repeats in 0x80000001 EDX */
#define QEMU64_BRAND     "QEMU Virtual CPU version 2.5+"

static bool vendor_is_amd(struct kvm_cpuid2 *c)
{
    struct kvm_cpuid_entry2 *e = cpuid_find(c, 0, 0);
    return e && e->ebx == 0x68747541u && e->edx == 0x69746e65u && e->ecx == 0x444d4163u; /* AuthenticAMD */
}

static void put_brand(struct kvm_cpuid2 *c, const char *brand)
{
    char b[48] = {0};
    memcpy(b, brand, strlen(brand) < sizeof(b) - 1 ? strlen(brand) : sizeof(b) - 1);
    for (uint32_t l = 0; l < 3; l++) {
        struct kvm_cpuid_entry2 *e = cpuid_find(c, 0x80000002u + l, 0);
        if (e)
            for (int r = EAX; r <= EDX; r++)
                memcpy(reg_of(e, r), b + 16 * l + 4 * r, 4);
    }
}

static void model_qemu64(struct kvm_cpuid2 *c)
{
    /* The model's levels, as QEMU's, also above the host's: KVM answers a leaf in range that its list lacks
       with zeros, as QEMU's own CPUID does for these. */
    put(c, 0, EAX, QEMU64_LEVEL);
    put(c, 0x80000000u, EAX, QEMU64_XLEVEL);
    drop_above(c, 0, QEMU64_LEVEL);
    drop_above(c, 0x80000000u, QEMU64_XLEVEL);
    put(c, 1, EAX, QEMU64_SIGNATURE);
    mask(c, 1, ECX, QEMU64_1_ECX | ECX1_HYPERVISOR); /* and the hypervisor bit, as every model */
    mask(c, 1, EDX, QEMU64_1_EDX);
    clear_leaf(c, 6, EAX);   /* thermal and power: none */
    clear_leaf(c, 7, EAX);   /* no structured extended features */
    clear_leaf(c, 0xd, EAX); /* no xsave */
    put(c, 0x80000001u, EAX, QEMU64_SIGNATURE);
    put(c, 0x80000001u, EBX, 0);
    mask(c, 0x80000001u, ECX, QEMU64_X1_ECX);
    mask(c, 0x80000001u, EDX, QEMU64_X1_EDX | (vendor_is_amd(c) ? QEMU64_1_EDX & AMD_ALIASES : 0));
    put_brand(c, QEMU64_BRAND);
    clear_leaf(c, 0x80000007u, EAX);
    put(c, 0x80000008u, EBX, 0);
    clear_leaf(c, 0x8000000au, EAX); /* svm off */
}

/* The model named by spec[0..len): 0, or -1 with EINVAL. */
static int apply_model(struct kvm_cpuid2 *c, const char *spec, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(models); i++)
        if (strlen(models[i]) == len && strncmp(spec, models[i], len) == 0) {
            if (strcmp(models[i], "qemu64") == 0)
                model_qemu64(c);
            return 0; /* host and max: KVM's list as it is (under KVM, QEMU's max is its host) */
        }
    errno = EINVAL;
    return -1;
}

/* Copy spec[0..len) to out as a table name: '_' read as '-', QEMU's aliases resolved. NULL if too long. */
static const char *feature_name(const char *spec, size_t len, char *out, size_t size)
{
    if (len == 0 || len >= size)
        return NULL;
    for (size_t i = 0; i < len; i++)
        out[i] = spec[i] == '_' ? '-' : spec[i];
    out[len] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
        if (strcmp(out, aliases[i][0]) == 0)
            return aliases[i][1];
    return out;
}

/* Set or clear every bit named name; on: each must be in allowed. 0, or -1 with EINVAL (no such name) or
   ENOTSUP (a bit KVM cannot give). */
static int set_feature(struct kvm_cpuid2 *c, struct kvm_cpuid2 *allowed, const char *name, bool on)
{
    bool found = false;
    for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
        const struct feature *f = &features[i];
        if (strcmp(f->name, name) != 0)
            continue;
        found = true;
        uint32_t *p = bits_of(c, f->leaf, f->sub, f->reg), *a = bits_of(allowed, f->leaf, f->sub, f->reg);
        uint32_t bit = 1u << f->bit;
        if (on && (!p || !a || !(*a & bit))) {
            errno = ENOTSUP;
            return -1;
        }
        if (p)
            *p = on ? *p | bit : *p & ~bit;
    }
    if (!found)
        errno = EINVAL;
    return found ? 0 : -1;
}

/* One item of the feature list: "+name", "-name", "name=on|off", "name" (on), or QEMU's "enforce" / "check"
   (what vcpuctx always does). Sets *on and the name; 0, or -1 with EINVAL. */
static int parse_item(const char *item, size_t len, bool *on, bool *skip, char *name, size_t size, const char **out)
{
    *skip = false;
    *on = true;
    if ((len == 7 && strncmp(item, "enforce", 7) == 0) || (len == 5 && strncmp(item, "check", 5) == 0)) {
        *skip = true;
        return 0;
    }
    const char *eq = memchr(item, '=', len);
    if (item[0] == '+' || item[0] == '-') {
        *on = item[0] == '+';
        item++, len--;
    } else if (eq) {
        size_t vlen = len - (size_t)(eq - item) - 1;
        if (!((vlen == 2 && strncmp(eq + 1, "on", 2) == 0) || (vlen == 3 && strncmp(eq + 1, "off", 3) == 0))) {
            errno = EINVAL;
            return -1;
        }
        *on = vlen == 2;
        len = (size_t)(eq - item);
    }
    *out = feature_name(item, len, name, size);
    if (!*out || memchr(*out, '=', strlen(*out))) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* QEMU's -cpu properties that are not feature bits: "vendor=" with 12 characters (leaves 0 and 0x80000000), and
   "host-phys-bits" or "host-phys-bits=on" (what every model here has: KVM's address sizes). 1 when item is one
   (the vendor set when apply), 0 when it is not, -1 with EINVAL when it is malformed. */
static int apply_property(struct kvm_cpuid2 *c, const char *item, size_t len, bool apply)
{
    enum { VENDOR_LEN = 12, PREFIX = 7 };
    static const uint32_t leaves[] = {0, 0x80000000u};
    if ((len == 14 || len == 17) && strncmp(item, "host-phys-bits=on", len) == 0)
        return 1;
    if (len < PREFIX || strncmp(item, "vendor=", PREFIX) != 0)
        return 0;
    if (len != PREFIX + VENDOR_LEN) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; apply && i < ARRAY_SIZE(leaves); i++) {
        struct kvm_cpuid_entry2 *e = cpuid_find(c, leaves[i], 0);
        if (e) {
            memcpy(&e->ebx, item + PREFIX, 4);
            memcpy(&e->edx, item + PREFIX + 4, 4);
            memcpy(&e->ecx, item + PREFIX + 8, 4);
        }
    }
    return 1;
}

/* Apply the features of spec (after the model) in two passes, as QEMU's legacy "+f,-f": every "on" first, then
   every "off", so that an "off" wins whatever the order. */
static int apply_features(struct kvm_cpuid2 *c, struct kvm_cpuid2 *allowed, const char *spec, size_t *bad_at)
{
    for (int pass = 0; pass < 2; pass++) {
        const char *p = strchr(spec, ',');
        while (p) {
            const char *item = p + 1, *end = strchr(item, ',');
            size_t len = end ? (size_t)(end - item) : strlen(item);
            char buf[32];
            const char *name;
            bool on, skip;
            *bad_at = (size_t)(item - spec);
            int prop = apply_property(c, item, len, pass == 0);
            if (prop < 0)
                return -1;
            if (prop > 0) {
                p = end;
                continue;
            }
            if (len == 0 || parse_item(item, len, &on, &skip, buf, sizeof(buf), &name) < 0) {
                errno = EINVAL;
                return -1;
            }
            if (!skip && on == (pass == 0) && set_feature(c, allowed, name, on) < 0)
                return -1;
            p = end;
        }
    }
    return 0;
}

int cpuid_model_apply(struct kvm_cpuid2 *c, const char *spec, bool irqchip, bool tsc_deadline, size_t *bad_at)
{
    size_t bad = 0;
    bad_at = bad_at ? bad_at : &bad;
    *bad_at = 0;
    size_t bytes = sizeof(*c) + (size_t)c->nent * sizeof(c->entries[0]);
    struct kvm_cpuid2 *allowed = malloc(bytes), *work = malloc(bytes);
    int r = -1;
    if (!allowed || !work)
        goto out;
    memcpy(allowed, c, bytes);
    memcpy(work, c, bytes);
    /* What KVM's list leaves out or cannot honour (QEMU's kvm_arch_get_supported_cpuid): the hypervisor bit is
       QEMU's to set; x2apic and the TSC deadline timer need the in-kernel local APIC, and with it the timer may
       be asked for where KVM_CAP_TSC_DEADLINE_TIMER is. Models start from KVM's list so amended. */
    uint32_t *a1 = bits_of(allowed, 1, 0, ECX), *w1 = bits_of(work, 1, 0, ECX);
    uint32_t apic_bits = ECX1_X2APIC | ECX1_TSC_DEADLINE;
    if (a1 && w1) {
        *a1 |= ECX1_HYPERVISOR, *w1 |= ECX1_HYPERVISOR;
        if (!irqchip)
            *a1 &= ~apic_bits, *w1 &= ~apic_bits;
        else if (tsc_deadline)
            *a1 |= ECX1_TSC_DEADLINE;
    }
    const char *comma = strchr(spec, ',');
    if (apply_model(work, spec, comma ? (size_t)(comma - spec) : strlen(spec)) < 0 ||
        apply_features(work, allowed, spec, bad_at) < 0)
        goto out;
    memcpy(c, work, sizeof(*c) + (size_t)work->nent * sizeof(work->entries[0]));
    r = 0;
out:;
    int e = errno;
    free(allowed);
    free(work);
    errno = e;
    return r;
}

struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *vm_list, unsigned int id)
{
    size_t bytes = sizeof(*vm_list) + (size_t)vm_list->nent * sizeof(vm_list->entries[0]);
    struct kvm_cpuid2 *c = malloc(bytes);
    if (!c)
        return NULL;
    memcpy(c, vm_list, bytes);
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        if (e->function == 1)
            e->ebx = (e->ebx & 0x00ffffffu) | (id << 24);
        else if (e->function == 0xb || e->function == 0x1f)
            e->edx = id;
    }
    return c;
}

/* KVM's list with the model spec applied, for vm: NULL with errno (and *bad_at) on failure. */
static struct kvm_cpuid2 *cpuid_build(struct vm *vm, const char *spec, size_t *bad_at)
{
    struct kvm_cpuid2 *c = kvm_supported_cpuid(VM_P(vm)->kvm_fd);
    if (!c)
        return NULL;
    bool deadline = kvm_check_ext(VM_P(vm)->fd, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
    if (cpuid_model_apply(c, spec, VM_P(vm)->irqs.chip, deadline, bad_at) < 0) {
        int e = errno;
        free(c);
        errno = e;
        return NULL;
    }
    return c;
}

const struct kvm_cpuid2 *cpuid_of_vm(struct vm *vm)
{
    if (!VM_P(vm)->cpu.list)
        VM_P(vm)->cpu.list = cpuid_build(vm, VM_P(vm)->cpu.spec ? VM_P(vm)->cpu.spec : "host", NULL);
    return VM_P(vm)->cpu.list;
}

int vcpuctx_vm_cpuid(vm_t *vm, uint32_t leaf, uint32_t index, uint32_t regs[4])
{
    if (!vm || !regs) {
        errno = EINVAL;
        return -1;
    }
    const struct kvm_cpuid2 *c = cpuid_of_vm(vm);
    if (!c)
        return -1; /* KVM's errno */
    struct kvm_cpuid_entry2 *e = cpuid_find((struct kvm_cpuid2 *)(uintptr_t)c, leaf, index);
    if (!e) {
        errno = ENOENT;
        return -1;
    }
    regs[0] = e->eax;
    regs[1] = e->ebx;
    regs[2] = e->ecx;
    regs[3] = e->edx;
    return 0;
}

int vcpuctx_vm_set_cpu(vm_t *vm, const char *spec, size_t *bad_at)
{
    if (bad_at)
        *bad_at = 0;
    if (!vm || !spec) {
        errno = EINVAL;
        return -1;
    }
    if (vm->num_vcpus) {
        errno = EBUSY;
        return -1;
    }
    struct kvm_cpuid2 *c = cpuid_build(vm, spec, bad_at);
    char *copy = c ? strdup(spec) : NULL;
    if (!copy) {
        free(c);
        return -1;
    }
    free(VM_P(vm)->cpu.list);
    free(VM_P(vm)->cpu.spec);
    VM_P(vm)->cpu.list = c;
    VM_P(vm)->cpu.spec = copy;
    return 0;
}

/* The machine-check capabilities QEMU gives a vCPU of this model under -accel kvm: MCG_CTL_P, MCG_SER_P and ten
   banks, when the model is family 6 or later with MCE and MCA; 0 (none set up: KVM's default) otherwise. */
uint64_t cpuid_mcg_cap(const struct kvm_cpuid2 *c)
{
    enum { EDX_MCE = 1u << 7, EDX_MCA = 1u << 14 };
    const uint64_t ctl_p = 1ULL << 8, ser_p = 1ULL << 24, banks = 10;
    const struct kvm_cpuid_entry2 *e = cpuid_find((struct kvm_cpuid2 *)(uintptr_t)c, 1, 0);
    if (!e || ((e->eax >> 8) & 0xf) < 6 || (e->edx & (EDX_MCE | EDX_MCA)) != (EDX_MCE | EDX_MCA))
        return 0;
    return ctl_p | ser_p | banks;
}
