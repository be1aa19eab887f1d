/* gdb_regs.c: gdb's i386 and x86-64 register layouts, one table each, read and written through libvcpuctx. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stub.h"

enum reg_kind { K_GPR, K_FIELD, K_ST, K_FPCTL, K_XMM, K_MXCSR };
enum reg_feature { F_CORE, F_SSE, F_SEGMENTS, F_SYS, F_COUNT };
enum fpctl { FCTRL, FSTAT, FTAG, FISEG, FIOFF, FOSEG, FOOFF, FOP };

/* One register of gdb's layout: its size, where libvcpuctx keeps it, and its description. */
struct gdb_reg {
    const char *name;
    uint8_t bits;
    uint8_t kind;
    uint8_t feature;
    uint32_t arg; /* vcpu_context_reg_t, VMCS encoding, or index */
    const char *type;
};

#define GPR(n, b, r)                                                                                                   \
    {                                                                                                                  \
        n, b, K_GPR, F_CORE, VCPU_CONTEXT_##r, "int"                                                                   \
    }
#define FLD(n, b, f, t)                                                                                                \
    {                                                                                                                  \
        n, b, K_FIELD, F_CORE, VMX_GUEST_##f, t                                                                        \
    }
#define SEG(n, F)                                                                                                      \
    {                                                                                                                  \
#n, 32, K_FIELD, F_CORE, VMX_GUEST_##F##_SELECTOR, "int32"                                                     \
    }
#define ST(i)                                                                                                          \
    {                                                                                                                  \
        "st" #i, 80, K_ST, F_CORE, i, "i387_ext"                                                                       \
    }
#define FPC(n, i)                                                                                                      \
    {                                                                                                                  \
        n, 32, K_FPCTL, F_CORE, i, "int"                                                                               \
    }
#define XMM(i)                                                                                                         \
    {                                                                                                                  \
        "xmm" #i, 128, K_XMM, F_SSE, i, "vec128"                                                                       \
    }
#define SYS(n, f)                                                                                                      \
    {                                                                                                                  \
        n, 64, K_FIELD, F_SYS, VMX_GUEST_##f, "uint64"                                                                 \
    }
#define X87_TAIL                                                                                                       \
    ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7), FPC("fctrl", FCTRL), FPC("fstat", FSTAT),                  \
        FPC("ftag", FTAG), FPC("fiseg", FISEG), FPC("fioff", FIOFF), FPC("foseg", FOSEG), FPC("fooff", FOOFF),         \
        FPC("fop", FOP)

/* clang-format off */
/* What both layouts share, in gdb's order: flags and selectors after the instruction pointer; the x87 registers;
   XMM0-7; MXCSR after the last XMM; the control registers last (ours, not gdb's). */
#define FLAGS_AND_SELECTORS                                                                                            \
    FLD("eflags", 32, RFLAGS, "i386_eflags"), SEG(cs, CS), SEG(ss, SS), SEG(ds, DS), SEG(es, ES), SEG(fs, FS), SEG(gs, GS)
#define XMM0_7 XMM(0), XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7)
#define MXCSR  {"mxcsr", 32, K_MXCSR, F_SSE, 0, "i386_mxcsr"}
#define CONTROL_REGS SYS("cr0", CR0), SYS("cr3", CR3), SYS("cr4", CR4), SYS("efer", EFER)

/* gdb's i386 numbering (32bit-core.xml, 32bit-sse.xml), then the control registers. */
static const struct gdb_reg i386_regs[] = {
    GPR("eax", 32, EAX), GPR("ecx", 32, ECX), GPR("edx", 32, EDX), GPR("ebx", 32, EBX),
    FLD("esp", 32, RSP, "data_ptr"), GPR("ebp", 32, EBP), GPR("esi", 32, ESI), GPR("edi", 32, EDI),
    FLD("eip", 32, RIP, "code_ptr"), FLAGS_AND_SELECTORS, X87_TAIL, XMM0_7, MXCSR, CONTROL_REGS,
};

#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
/* gdb's x86-64 numbering (64bit-core.xml, 64bit-sse.xml, 64bit-segments.xml), then the control registers. */
static const struct gdb_reg amd64_regs[] = {
    GPR("rax", 64, EAX), GPR("rbx", 64, EBX), GPR("rcx", 64, ECX), GPR("rdx", 64, EDX),
    GPR("rsi", 64, ESI), GPR("rdi", 64, EDI), GPR("rbp", 64, EBP), FLD("rsp", 64, RSP, "data_ptr"),
    GPR("r8", 64, R8), GPR("r9", 64, R9), GPR("r10", 64, R10), GPR("r11", 64, R11),
    GPR("r12", 64, R12), GPR("r13", 64, R13), GPR("r14", 64, R14), GPR("r15", 64, R15),
    FLD("rip", 64, RIP, "code_ptr"), FLAGS_AND_SELECTORS, X87_TAIL, XMM0_7,
    XMM(8), XMM(9), XMM(10), XMM(11), XMM(12), XMM(13), XMM(14), XMM(15), MXCSR,
    {"fs_base", 64, K_FIELD, F_SEGMENTS, VMX_GUEST_FS_BASE, "int"},
    {"gs_base", 64, K_FIELD, F_SEGMENTS, VMX_GUEST_GS_BASE, "int"}, CONTROL_REGS,
};
#endif
/* clang-format on */

static const struct gdb_arch arch_i386 = {"i386", i386_regs, ARRAY_SIZE(i386_regs)};
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
static const struct gdb_arch arch_amd64 = {"i386:x86-64", amd64_regs, ARRAY_SIZE(amd64_regs)};
#endif

/* The ia32 ABI sees 32-bit registers only, so it always presents i386. */
const struct gdb_arch *gdb_arch_for(bool long_mode)
{
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    if (long_mode)
        return &arch_amd64;
#else
    (void)long_mode;
#endif
    return &arch_i386;
}

size_t gdb_reg_size(const struct gdb_arch *arch, size_t n)
{
    return n < arch->nregs ? arch->regs[n].bits / 8 : 0;
}

static const char *const feature_name[F_COUNT] = {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse",
                                                  "org.gnu.gdb.i386.segments", "org.vcpuctx.gdb.x86.sys"};

/* Types a feature's registers use (gdb's own definitions, from its features/i386 files). */
static const char *const feature_types[F_COUNT] = {
    "<flags id=\"i386_eflags\" size=\"4\"><field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" "
    "end=\"1\"/><field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/><field "
    "name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" "
    "end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/><field "
    "name=\"OF\" start=\"11\" end=\"11\"/><field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" "
    "start=\"16\" end=\"16\"/><field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" "
    "end=\"18\"/><field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/><field "
    "name=\"ID\" start=\"21\" end=\"21\"/></flags>",
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/><vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/><vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/><union id=\"vec128\"><field name=\"v4_float\" "
    "type=\"v4f\"/><field name=\"v2_double\" type=\"v2d\"/><field "
    "name=\"v16_int8\" type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" "
    "type=\"v4i32\"/><field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>"
    "<flags id=\"i386_mxcsr\" size=\"4\"><field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" "
    "end=\"1\"/><field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/><field "
    "name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/><field name=\"DAZ\" start=\"6\" "
    "end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/><field name=\"DM\" start=\"8\" end=\"8\"/><field "
    "name=\"ZM\" start=\"9\" end=\"9\"/><field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" "
    "end=\"11\"/><field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/></flags>",
    "",
    "",
};

__attribute__((format(printf, 4, 5))) static size_t appendf(char *buf, size_t cap, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + at, at < cap ? cap - at : 0, fmt, ap);
    va_end(ap);
    return at + (k > 0 ? (size_t)k : 0);
}

/* A group for "info registers": x87 and SSE registers under float/vector, the rest general or system. */
static const char *reg_group(const struct gdb_reg *r)
{
    if (r->kind == K_ST || r->kind == K_FPCTL)
        return "float";
    if (r->kind == K_XMM || r->kind == K_MXCSR)
        return "vector";
    return r->feature == F_SYS ? "system" : "general";
}

static size_t build_xml(const struct gdb_arch *arch, char *buf, size_t cap)
{
    size_t at = appendf(buf, cap, 0,
                        "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\"><target version=\"1.0\">"
                        "<architecture>%s</architecture>",
                        arch->name);
    for (int f = 0; f < F_COUNT; f++) {
        bool any = false;
        for (size_t i = 0; i < arch->nregs; i++)
            any |= arch->regs[i].feature == f;
        if (!any)
            continue;
        at = appendf(buf, cap, at, "<feature name=\"%s\">%s", feature_name[f], feature_types[f]);
        for (size_t i = 0; i < arch->nregs; i++) {
            const struct gdb_reg *r = &arch->regs[i];
            if (r->feature == f)
                at = appendf(buf, cap, at, "<reg name=\"%s\" type=\"%s\" bitsize=\"%u\" regnum=\"%zu\" group=\"%s\"/>",
                             r->name, r->type, r->bits, i, reg_group(r));
        }
        at = appendf(buf, cap, at, "</feature>");
    }
    return appendf(buf, cap, at, "</target>");
}

const char *gdb_target_xml(const struct gdb_arch *arch, size_t *len)
{
    static char xml[2][8192];
    static size_t xml_len[2];
    int k = arch == &arch_i386 ? 0 : 1;
    if (!xml_len[k])
        xml_len[k] = build_xml(arch, xml[k], sizeof(xml[k]));
    *len = xml_len[k] < sizeof(xml[k]) ? xml_len[k] : sizeof(xml[k]) - 1;
    return xml[k];
}

static int load_fpu(vm_vcpu_t *vcpu, struct vcpuctx_fpu *fpu, bool *have)
{
    if (!*have && vcpuctx_vcpu_get_fpu(vcpu, fpu) < 0)
        return -1;
    *have = true;
    return 0;
}

/* One physical register's tag from the abridged tag bit and its value (as FSAVE would store it). */
static unsigned tag_of(const struct vcpuctx_fpu *f, unsigned phys)
{
    if (!(f->ftw & (1u << phys)))
        return 3; /* empty */
    const uint8_t *v = f->st[(phys - ((f->fsw >> 11) & 7)) & 7];
    unsigned exp = ((unsigned)(v[9] & 0x7f) << 8) | v[8];
    uint64_t mant;
    memcpy(&mant, v, 8);
    if (exp == 0x7fff)
        return 2; /* special: infinity, NaN */
    if (exp == 0)
        return mant == 0 ? 1 : 2; /* zero, or denormal */
    return (mant >> 63) ? 0 : 2;  /* valid, or unnormal */
}

static uint64_t fpctl_get(const struct vcpuctx_fpu *f, unsigned which)
{
    uint64_t tag = 0;
    switch (which) {
    case FCTRL: return f->fcw;
    case FSTAT: return f->fsw;
    case FTAG:
        for (unsigned j = 0; j < 8; j++)
            tag |= (uint64_t)tag_of(f, j) << (2 * j);
        return tag;
    case FISEG: return f->fip >> 32; /* 64-bit FXSAVE layout: the upper halves, as gdb's amd64 reads them */
    case FIOFF: return (uint32_t)f->fip;
    case FOSEG: return f->fdp >> 32;
    case FOOFF: return (uint32_t)f->fdp;
    default: return f->fop & 0x7ffu;
    }
}

static void fpctl_set(struct vcpuctx_fpu *f, unsigned which, uint64_t v)
{
    switch (which) {
    case FCTRL: f->fcw = (uint16_t)v; break;
    case FSTAT: f->fsw = (uint16_t)v; break;
    case FTAG:
        f->ftw = 0;
        for (unsigned j = 0; j < 8; j++)
            f->ftw |= (uint8_t)((((v >> (2 * j)) & 3) != 3) << j);
        break;
    case FISEG: f->fip = (f->fip & 0xffffffffULL) | (v << 32); break;
    case FIOFF: f->fip = (f->fip & ~0xffffffffULL) | (uint32_t)v; break;
    case FOSEG: f->fdp = (f->fdp & 0xffffffffULL) | (v << 32); break;
    case FOOFF: f->fdp = (f->fdp & ~0xffffffffULL) | (uint32_t)v; break;
    default: f->fop = (uint16_t)(v & 0x7ff);
    }
}

int gdb_reg_read(vm_vcpu_t *vcpu, const struct gdb_arch *arch, size_t n, uint8_t *out, struct vcpuctx_fpu *fpu,
                 bool *have_fpu)
{
    if (n >= arch->nregs) {
        errno = EINVAL;
        return -1;
    }
    const struct gdb_reg *r = &arch->regs[n];
    seL4_Word w = 0;
    uint64_t v = 0;
    bool fp = r->kind == K_ST || r->kind == K_XMM || r->kind == K_FPCTL || r->kind == K_MXCSR;
    if (fp && load_fpu(vcpu, fpu, have_fpu) < 0)
        return -1;
    switch (r->kind) {
    case K_GPR:
        if (vm_get_thread_context_reg(vcpu, (vcpu_context_reg_t)r->arg, &w) < 0)
            return -1;
        v = w;
        break;
    case K_FIELD:
        if (vm_get_vmcs_field(vcpu, r->arg, &w) < 0)
            return -1;
        v = w;
        break;
    case K_ST: memcpy(out, fpu->st[r->arg], 10); return 0;
    case K_XMM: memcpy(out, fpu->xmm[r->arg], 16); return 0;
    case K_FPCTL: v = fpctl_get(fpu, r->arg); break;
    default: v = fpu->mxcsr;
    }
    for (unsigned i = 0; i < r->bits / 8u; i++)
        out[i] = (uint8_t)(v >> (8 * i));
    return 0;
}

int gdb_reg_write(vm_vcpu_t *vcpu, const struct gdb_arch *arch, size_t n, const uint8_t *in, struct vcpuctx_fpu *fpu,
                  bool *have_fpu, bool *fpu_dirty)
{
    if (n >= arch->nregs) {
        errno = EINVAL;
        return -1;
    }
    const struct gdb_reg *r = &arch->regs[n];
    uint64_t v = 0;
    for (unsigned i = 0; i < r->bits / 8u && i < 8; i++)
        v |= (uint64_t)in[i] << (8 * i);
    if (r->kind == K_GPR)
        return vm_set_thread_context_reg(vcpu, (vcpu_context_reg_t)r->arg, (seL4_Word)v);
    if (r->kind == K_FIELD)
        return vm_set_vmcs_field(vcpu, r->arg, (seL4_Word)v);
    if (load_fpu(vcpu, fpu, have_fpu) < 0)
        return -1;
    *fpu_dirty = true;
    switch (r->kind) {
    case K_ST: memcpy(fpu->st[r->arg], in, 10); break;
    case K_XMM: memcpy(fpu->xmm[r->arg], in, 16); break;
    case K_FPCTL: fpctl_set(fpu, r->arg, v); break;
    default: fpu->mxcsr = (uint32_t)v;
    }
    return 0;
}
