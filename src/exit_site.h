/* exit_site.h: exit.c's side of exit_site.c: the instruction an exit came from, found in guest memory. */
#ifndef VCPUCTX_EXIT_SITE_H
#define VCPUCTX_EXIT_SITE_H

#include "internal.h"

#pragma GCC visibility push(hidden)

/* Which instruction an exit can come from; used to check a decode. */
enum insn_kind { K_IO, K_MMIO, K_HLT, K_MSR };

/* The state an exit is located in: the vCPU, its cached registers, and the code segment's default size. */
struct site {
    struct vm_vcpu *vcpu;
    struct kvm_regs *regs;
    struct kvm_sregs *sregs;
    int mode;
};

/* The linear address of rip in the code segment. */
static inline uint64_t code_linear(const struct site *s, uint64_t rip)
{
    return s->mode == 64 ? rip : s->sregs->cs.base + (rip & (s->mode == 16 ? 0xffff : 0xffffffffULL));
}

/* Decode the instruction at rip (CS-relative); false when it is not memory or not an instruction. */
bool decode_at(const struct site *s, uint64_t rip, struct insn *in);

/* Whether in (ending at next_rip) is an instruction of kind k that fits this exit. */
bool kind_matches(const struct site *s, enum insn_kind k, const struct insn *in, uint64_t next_rip);

/* Settle where the exit's instruction is, at RIP or just before it (pos): sets the view's instruction length and
   pend.rip_view (the length 0 and RIP itself when none fits). */
void locate(struct site *s, enum rip_pos pos, enum insn_kind k, struct insn *in);

/* INS or OUTS. */
static inline bool is_string(const struct insn *in)
{
    return in->map == 0 && in->opcode >= 0x6c && in->opcode <= 0x6f;
}

/* The base of the segment a prefix names (the default one: SS for a stack access, else DS). */
uint64_t seg_base(const struct kvm_sregs *sr, uint8_t prefix, bool stack);

/* The instruction of an I/O exit (in) and where RIP is at it, found by decoding; sets the view's instruction
   length and pend.rip_view. in_dir: the exit is an IN. */
enum rip_pos io_site_found(struct site *s, bool in_dir, struct insn *in);

#pragma GCC visibility pop

#endif /* VCPUCTX_EXIT_SITE_H */
