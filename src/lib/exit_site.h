/* exit_site.h: exit_site.c, where the instruction behind an exit is: decoded at or just before RIP and checked
   against the exit; the last decodes and the last I/O exit's site remembered (the vCPU's struct site_memos). */
#ifndef VCPUCTX_EXIT_SITE_H
#define VCPUCTX_EXIT_SITE_H

#include "decode.h"
#include "exit.h"

#pragma GCC visibility push(hidden)

/* The last instruction decoded at an exit, by linear address (a loop exits at the same one again and again). A
   hit needs the same mode and the same bytes in guest memory, read again and compared. */
struct insn_memo {
    bool valid;
    bool exact_before; /* every shorter candidate ending where this one ends failed on its bytes alone */
    uint8_t len, mode;
    uint64_t la;
    uint8_t bytes[15];
    struct insn in;
};

/* The code bytes around RIP that locating an I/O instruction reads (the forward decode at RIP, the backward ones
   ending there). */
#define IO_WINDOW 16

/* The last I/O exit's instruction and RIP's place, and what they were found from: the bytes around KVM's RIP, the
   mode, the exit's port, size and direction, whether DX held the port. */
struct io_memo {
    bool valid;
    bool flat; /* paging was off: host[] hold the window while mem_gen does */
    uint8_t mode, size, dir, pos, dx_port;
    uint16_t port;
    uint32_t instr_len;
    uint64_t rip, la; /* KVM's RIP, and its linear address */
    uint64_t lma, mem_gen;
    const uint8_t *host[2]; /* the window's bytes in guest memory, split at a page boundary at split */
    uint8_t split;
    uint8_t window[2 * IO_WINDOW];
    struct insn in;
};

/* A vCPU's memos. */
struct site_memos {
    int out_rip;              /* how this host leaves RIP at a plain OUT (enum rip_pos); -1: not yet known */
    struct insn_memo insn[2]; /* forward decodes, and backward ones */
    struct io_memo io;        /* the last I/O exit's site */
};

static inline void site_memos_reset(struct site_memos *m)
{
    m->out_rip = -1;
    m->insn[0].valid = m->insn[1].valid = m->io.valid = false;
}

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

/* INS or OUTS. */
static inline bool is_string(const struct insn *in)
{
    return in->map == 0 && in->opcode >= 0x6c && in->opcode <= 0x6f;
}

/* Decode the instruction at rip (CS-relative); false when it is not memory or not an instruction. */
bool site_decode_at(const struct site *s, uint64_t rip, struct insn *in);

/* Whether in (ending at next_rip) is an instruction of kind k that fits this exit. */
bool site_kind_matches(const struct site *s, enum insn_kind k, const struct insn *in, uint64_t next_rip);

/* Settle where the exit's instruction is, at RIP or just before it (pos): sets the view's instruction length and
   pend.rip_view (the length 0 and RIP itself when none fits). */
void site_locate(struct site *s, enum rip_pos pos, enum insn_kind k, struct insn *in);

/* The base of the segment a prefix names (the default one: SS for a stack access, else DS). */
uint64_t site_seg_base(const struct kvm_sregs *sr, uint8_t prefix, bool stack);

/* The instruction of an I/O exit (in) and where RIP is at it, from the memo or found by decoding; sets the view's
   instruction length and pend.rip_view. in_dir: the exit is an IN. RIP_PROBE: a plain OUT whose bytes fit both
   places on a vCPU that has not learned where this host leaves RIP: the caller completes the exit in KVM, tells
   site_out_learned where RIP went, and locates the OUT before it. */
enum rip_pos site_io(struct site *s, bool in_dir, struct insn *in);
void site_out_learned(struct site *s, uint64_t rip_after);

#pragma GCC visibility pop

#endif /* VCPUCTX_EXIT_SITE_H */
