/* exit_site.c: where the instruction behind an exit is: decoded at or just before RIP and checked against the
   exit; the last decode each way remembered, and the last I/O exit's site with the code bytes it was found from. */
#include <string.h>

#include "internal.h"
#include "decode.h"
#include "exit_site.h"
#include "guestmem.h"

#define MAX_INSN 15

enum { MEMO_AT, MEMO_BEFORE };

/* The memo's instruction, when the bytes at la are still its own (same mode). */
static bool memo_hit(const struct site *s, const struct insn_memo *m, uint64_t la, struct insn *in)
{
    uint8_t buf[MAX_INSN];
    if (!m->valid || m->la != la || m->mode != s->mode)
        return false;
    if (guest_read_linear(s->vcpu->vm, s->sregs, la, buf, m->len) != m->len || memcmp(buf, m->bytes, m->len) != 0)
        return false;
    *in = m->in;
    return true;
}

static void memo_store(const struct site *s, int slot, uint64_t la, const uint8_t *bytes, const struct insn *in,
                       bool exact_before)
{
    struct insn_memo *m = &VCPU_P(s->vcpu)->site.insn[slot];
    *m = (struct insn_memo){
        .valid = true, .exact_before = exact_before, .len = in->len, .mode = (uint8_t)s->mode, .la = la, .in = *in};
    memcpy(m->bytes, bytes, in->len);
}

bool site_decode_at(const struct site *s, uint64_t rip, struct insn *in)
{
    uint8_t buf[MAX_INSN];
    uint64_t la = site_code_linear(s, rip);
    if (memo_hit(s, &VCPU_P(s->vcpu)->site.insn[MEMO_AT], la, in))
        return true;
    size_t n = guest_read_linear(s->vcpu->vm, s->sregs, la, buf, sizeof(buf));
    if (n == 0 || insn_decode(buf, n, s->mode, in) != 0)
        return false;
    memo_store(s, MEMO_AT, la, buf, in, false);
    return true;
}

uint64_t site_seg_base(const struct kvm_sregs *sr, uint8_t prefix, bool stack)
{
    switch (prefix) {
    case 0x26: return sr->es.base;
    case 0x2e: return sr->cs.base;
    case 0x36: return sr->ss.base;
    case 0x3e: return sr->ds.base;
    case 0x64: return sr->fs.base;
    case 0x65: return sr->gs.base;
    default: return stack ? sr->ss.base : sr->ds.base;
    }
}

static uint64_t gpr(const struct kvm_regs *r, unsigned n)
{
    const uint64_t v[16] = {r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
                            r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};
    return v[n & 15];
}

/* Effective linear address of a ModRM memory operand. */
static void modrm_linear(const struct site *s, const struct insn *in, uint64_t next_rip, uint64_t *la)
{
    const struct kvm_regs *r = s->regs;
    unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
    bool a16 = s->mode == 16 ? !in->adsize : (s->mode == 32 && in->adsize);
    if (a16) {
        static const uint8_t base16[8][2] = {{3, 6}, {3, 7}, {5, 6}, {5, 7}, {6, 8}, {7, 8}, {5, 8}, {3, 8}};
        uint64_t ea = (uint64_t)in->disp;
        if (!(mod == 0 && rm == 6)) {
            ea += gpr(r, base16[rm][0]);
            ea += base16[rm][1] < 8 ? gpr(r, base16[rm][1]) : 0;
        }
        bool stack = (rm == 2 || rm == 3 || (rm == 6 && mod != 0));
        *la = site_seg_base(s->sregs, in->seg, stack) + (ea & 0xffff);
        return;
    }
    unsigned rexb = (in->rex & 1) << 3, rexx = (in->rex & 2) << 2;
    uint64_t ea = (uint64_t)in->disp;
    bool stack = false;
    if (in->has_sib) {
        unsigned base = in->sib & 7, idx = ((in->sib >> 3) & 7) | rexx;
        if (idx != 4)
            ea += gpr(r, idx) << (in->sib >> 6);
        if (!(base == 5 && mod == 0)) {
            ea += gpr(r, base | rexb);
            stack = base == 4 || base == 5;
        }
    } else if (mod == 0 && rm == 5) {
        if (s->mode == 64)
            ea += next_rip;
    } else {
        ea += gpr(r, rm | rexb);
        stack = rm == 4 || rm == 5;
    }
    if (s->mode != 64 || in->adsize)
        ea &= 0xffffffffULL;
    *la = (s->mode == 64 && in->seg != 0x64 && in->seg != 0x65) ? ea : site_seg_base(s->sregs, in->seg, stack) + ea;
}

static bool io_insn_matches(const struct site *s, const struct insn *in)
{
    const struct kvm_run *run = VCPU_P(s->vcpu)->run;
    bool out = run->io.direction == KVM_EXIT_IO_OUT;
    uint8_t op = in->opcode;
    unsigned wide = s->mode == 16 ? (in->opsize ? 4 : 2) : (in->opsize ? 2 : 4);
    if (in->map != 0 || (((op & 2) != 0) != out) || ((op & 1) ? wide : 1) != run->io.size)
        return false;
    if (op >= 0xe4 && op <= 0xe7)
        return in->imm8 == run->io.port;
    bool dx = (op >= 0xec && op <= 0xef) || (op >= 0x6c && op <= 0x6f);
    return dx && (uint16_t)s->regs->rdx == run->io.port;
}

/* Does this instruction (ending at next_rip) access the faulting guest-physical address? */
static bool mmio_insn_matches(const struct site *s, const struct insn *in, uint64_t next_rip)
{
    uint8_t op = in->opcode;
    uint64_t la, pa;
    bool plain = in->map == 0;
    if (plain && op >= 0xa0 && op <= 0xa3) {
        la = (s->mode == 64 && in->seg != 0x64 && in->seg != 0x65) ? in->imm
                                                                   : site_seg_base(s->sregs, in->seg, false) + in->imm;
    } else if (plain && (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab)) {
        uint64_t size = (op & 1) ? (uint64_t)VCPU_P(s->vcpu)->run->mmio.len : 1;
        uint64_t rdi = s->regs->rdi - ((s->regs->rflags & RFLAGS_DF) ? -size : size);
        la = (s->mode == 64 ? 0 : s->sregs->es.base) + (s->mode == 16 ? (rdi & 0xffff) : rdi);
    } else if (in->has_modrm && (in->modrm >> 6) != 3) {
        modrm_linear(s, in, next_rip, &la);
    } else {
        return false;
    }
    return guest_linear_to_phys(s->vcpu->vm, s->sregs, la, &pa) == 0 && pa <= VCPU_P(s->vcpu)->run->mmio.phys_addr &&
           VCPU_P(s->vcpu)->run->mmio.phys_addr < pa + 16;
}

bool site_kind_matches(const struct site *s, enum insn_kind k, const struct insn *in, uint64_t next_rip)
{
    switch (k) {
    case SITE_IO: return io_insn_matches(s, in);
    case SITE_MMIO: return mmio_insn_matches(s, in, next_rip);
    case SITE_HLT: return in->map == 0 && in->opcode == 0xf4;
    case SITE_MSR: return in->map == 1 && (in->opcode == 0x30 || in->opcode == 0x32);
    }
    return false;
}

/* Find the instruction that ends at rip: the shortest encoding that matches the exit. The last one found is
   taken again when its bytes are unchanged and no shorter candidate could have matched on other state. */
static bool decode_before(const struct site *s, uint64_t rip, enum insn_kind k, struct insn *out)
{
    const struct insn_memo *m = &VCPU_P(s->vcpu)->site.insn[MEMO_BEFORE];
    struct insn in;
    if (m->valid && m->exact_before && m->len <= rip && memo_hit(s, m, site_code_linear(s, rip - m->len), &in) &&
        site_kind_matches(s, k, &in, rip)) {
        *out = in;
        return true;
    }
    uint8_t buf[MAX_INSN];
    bool bytes_only = true; /* the candidates so far failed on their bytes, not on the exit's state */
    for (unsigned back = 1; back <= MAX_INSN && back <= rip; back++) {
        uint64_t la = site_code_linear(s, rip - back);
        size_t n = guest_read_linear(s->vcpu->vm, s->sregs, la, buf, back);
        if (n != back || insn_decode(buf, n, s->mode, &in) != 0 || in.len != back)
            continue;
        if (site_kind_matches(s, k, &in, rip)) {
            memo_store(s, MEMO_BEFORE, la, buf, &in, bytes_only);
            *out = in;
            return true;
        }
        bytes_only = false;
    }
    return false;
}

/* Settle where the instruction is: at RIP (forward decode) or just before it. */
void site_locate(struct site *s, enum rip_pos pos, enum insn_kind k, struct insn *in)
{
    struct vm_vcpu *vcpu = s->vcpu;
    uint64_t rip = s->regs->rip;
    VCPU_P(vcpu)->pend.rip_view = rip;
    VCPU_P(vcpu)->ex.instr_len = 0;
    if (pos == RIP_AT) {
        if (site_decode_at(s, rip, in) && site_kind_matches(s, k, in, rip + in->len))
            VCPU_P(vcpu)->ex.instr_len = in->len;
        return;
    }
    if (decode_before(s, rip, k, in)) {
        VCPU_P(vcpu)->ex.instr_len = in->len;
        VCPU_P(vcpu)->pend.rip_view = rip - in->len;
    }
}

/*
 * Where KVM leaves RIP at an OUT: REP OUTS (emulated, one element per exit)
 * at it; non-REP OUTS past it; a plain OUT differs by host (emulated here:
 * past; the VT-x fast path: at, with a skip pending). Decide from the bytes;
 * when both readings fit, use what this vCPU learned, or ask the caller to probe KVM once (RIP_PROBE).
 * *in: the instruction so found (len 0: none), at RIP or ending there.
 */
static enum rip_pos out_position(struct site *s, struct insn *in)
{
    struct vm_vcpu *vcpu = s->vcpu;
    struct insn fwd, back;
    uint64_t rip = s->regs->rip;
    bool at = site_decode_at(s, rip, &fwd) && io_insn_matches(s, &fwd);
    bool past = decode_before(s, rip, SITE_IO, &back);
    enum rip_pos pos;
    if (at && site_is_string(&fwd) && fwd.rep)
        pos = RIP_AT;
    else if (past && site_is_string(&back))
        pos = RIP_PAST;
    else if (at != past)
        pos = at ? RIP_AT : RIP_PAST;
    else if (VCPU_P(vcpu)->site.out_rip < 0)
        return RIP_PROBE; /* the caller completes the exit in KVM and looks (site_out_learned) */
    else
        pos = (enum rip_pos)VCPU_P(vcpu)->site.out_rip;
    if (at != past && VCPU_P(vcpu)->site.out_rip < 0)
        VCPU_P(vcpu)->site.out_rip = at ? RIP_AT : RIP_PAST;
    if (pos == RIP_AT ? at : past)
        *in = pos == RIP_AT ? fwd : back;
    return pos;
}

/* The instruction of an I/O exit, and RIP at it: what out_position found, else a decode. */
static enum rip_pos io_site_found(struct site *s, bool in_dir, struct insn *in)
{
    memset(in, 0, sizeof(*in));
    enum rip_pos pos = in_dir ? RIP_AT : out_position(s, in);
    if (pos == RIP_PROBE)
        return pos;
    if (!in->len) {
        site_locate(s, pos, SITE_IO, in);
        return pos;
    }
    VCPU_P(s->vcpu)->ex.instr_len = in->len;
    VCPU_P(s->vcpu)->pend.rip_view = pos == RIP_AT ? s->regs->rip : s->regs->rip - in->len;
    return pos;
}

/* Whether the bytes io_site_found reads, around KVM's RIP at la, are contiguous in linear addresses. */
static bool io_window_linear(const struct site *s, uint64_t la)
{
    uint64_t rip = s->regs->rip;
    return rip >= SITE_IO_WINDOW && site_code_linear(s, rip - SITE_IO_WINDOW) == la - SITE_IO_WINDOW &&
           site_code_linear(s, rip + SITE_IO_WINDOW - 1) == la + SITE_IO_WINDOW - 1;
}

/* Keep where the window lies in guest memory while paging is off (no page walk then, only the memory slots). */
static void io_memo_place(const struct site *s, struct io_memo *m)
{
    struct vm *vm = s->vcpu->vm;
    uint64_t start = m->la - SITE_IO_WINDOW;
    size_t first = 4096 - (size_t)(start & 0xfff);
    m->split = (uint8_t)(first < sizeof(m->window) ? first : sizeof(m->window));
    m->lma = s->sregs->efer & EFER_LMA;
    m->mem_gen = VM_CP(vm)->mem_gen;
    m->host[0] = guest_linear_span(vm, s->sregs, start, m->split);
    m->host[1] = m->split < sizeof(m->window)
                     ? guest_linear_span(vm, s->sregs, start + m->split, sizeof(m->window) - m->split)
                     : NULL;
    if (m->host[1] && m->host[1] == m->host[0] + m->split) { /* both pages side by side in the host too */
        m->split = sizeof(m->window);
        m->host[1] = NULL;
    }
    m->flat = !(s->sregs->cr0 & CR0_PG) && m->host[0] && (m->split == sizeof(m->window) || m->host[1]);
}

/* A site io_site_found found, kept in the memo unless its window wraps the code segment, is not all memory, or
   the site was found by completing the exit in KVM (RIP moved). */
enum rip_pos site_io_learn(struct site *s, bool in_dir, struct insn *in, uint64_t la)
{
    struct io_memo *m = &VCPU_P(s->vcpu)->site.io;
    const struct kvm_run *run = VCPU_CP(s->vcpu)->run;
    uint64_t rip = s->regs->rip;
    enum rip_pos pos = io_site_found(s, in_dir, in);
    uint8_t window[sizeof(m->window)];
    m->valid = false;
    if (pos == RIP_PROBE || !io_window_linear(s, la) || s->regs->rip != rip ||
        guest_read_linear(s->vcpu->vm, s->sregs, la - SITE_IO_WINDOW, window, sizeof(window)) != sizeof(window))
        return pos;
    *m = (struct io_memo){.valid = true,
                          .mode = (uint8_t)s->mode,
                          .size = run->io.size,
                          .dir = run->io.direction,
                          .pos = (uint8_t)pos,
                          .dx_port = (uint16_t)s->regs->rdx == run->io.port,
                          .port = run->io.port,
                          .instr_len = VCPU_P(s->vcpu)->ex.instr_len,
                          .rip = rip,
                          .la = la,
                          .in = *in};
    memcpy(m->window, window, sizeof(window));
    io_memo_place(s, m);
    return pos;
}

void site_out_learned(struct site *s, uint64_t rip_after)
{
    VCPU_P(s->vcpu)->site.out_rip = rip_after != s->regs->rip ? RIP_AT : RIP_PAST;
    s->regs->rip = rip_after; /* completed: RIP is past the OUT either way now */
}
