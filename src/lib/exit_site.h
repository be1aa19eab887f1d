/* exit_site.h: exit_site.c, where the instruction behind an exit is: decoded at or just before RIP and checked
   against the exit; the last decodes and the last I/O exit's site remembered (the vCPU's struct site_memos). */
#ifndef VCPUCTX_EXIT_SITE_H
#define VCPUCTX_EXIT_SITE_H

#include <string.h>

#include "decode.h"
#include "exit.h"
#include "guestmem.h"

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
#define SITE_IO_WINDOW 16

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
    uint8_t window[2 * SITE_IO_WINDOW];
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
enum insn_kind { SITE_IO, SITE_MMIO, SITE_HLT, SITE_MSR };

/* The state an exit is located in: the vCPU, its cached registers, and the code segment's default size. */
struct site {
    struct vm_vcpu *vcpu;
    struct kvm_regs *regs;
    struct kvm_sregs *sregs;
    int mode;
};

/* The linear address of rip in the code segment. */
static inline uint64_t site_code_linear(const struct site *s, uint64_t rip)
{
    return s->mode == 64 ? rip : s->sregs->cs.base + (rip & (s->mode == 16 ? 0xffff : 0xffffffffULL));
}

/* INS or OUTS. */
static inline bool site_is_string(const struct insn *in)
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

/* The instruction of an I/O exit (in) and where RIP is at it (la: RIP's linear address), found by decoding and
   remembered in the vCPU's memo; sets the view's instruction length and pend.rip_view. in_dir: the exit is an IN.
   RIP_PROBE: a plain OUT whose bytes fit both places on a vCPU that has not learned where this host leaves RIP:
   the caller completes the exit in KVM, tells site_out_learned where RIP went, and locates the OUT before it. */
enum rip_pos site_io_learn(struct site *s, bool in_dir, struct insn *in, uint64_t la);
void site_out_learned(struct site *s, uint64_t rip_after);

/*
 * The memo's check, inline for the exit path (a loop's I/O exit is located once, then only checked against guest
 * memory): locating the instruction is a pure function of the code bytes around RIP, the mode and the exit (and,
 * once learned, of how this host leaves RIP at OUT). It is handed what it needs: the exit's run, the VM's count
 * of memory-slot changes, RIP's linear address.
 */
/* Whether 32 bytes at a equal those at b: four loads a side, not a call (memcmp's length is not constant here). */
static inline bool site_same_window(const uint8_t *a, const uint8_t *b)
{
    uint64_t x[4], y[4];
    memcpy(x, a, sizeof(x));
    memcpy(y, b, sizeof(y));
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}
_Static_assert(2 * SITE_IO_WINDOW == 32, "site_same_window compares the whole window");

/* Whether the window's bytes are still the memo's: in place while paging stays off and the memory slots are
   unchanged (mem_gen: the VM's count of their changes), else read again through the guest's translation. */
static inline bool site_io_window_same(const struct site *s, const struct io_memo *m, uint64_t mem_gen, uint64_t la)
{
    const size_t n = sizeof(m->window);
    if (m->flat && !(s->sregs->cr0 & CR0_PG) && (s->sregs->efer & EFER_LMA) == m->lma && m->mem_gen == mem_gen) {
        if (m->split == n)
            return site_same_window(m->host[0], m->window);
        return memcmp(m->host[0], m->window, m->split) == 0 &&
               memcmp(m->host[1], m->window + m->split, n - m->split) == 0;
    }
    uint8_t now[sizeof(m->window)];
    return guest_read_linear(s->vcpu->vm, s->sregs, la - SITE_IO_WINDOW, now, n) == n &&
           site_same_window(now, m->window);
}

/* Whether the memo was made from the same inputs (run: the exit's): then decoding would find the same again. The same
   RIP and linear address in the same mode mean the same code segment base, so the window is still contiguous. */
static inline bool site_io_memo_matches(const struct site *s, const struct io_memo *m, const struct kvm_run *run,
                                        uint64_t mem_gen, uint64_t la)
{
    return m->valid && m->rip == s->regs->rip && m->la == la && m->mode == s->mode && m->port == run->io.port &&
           m->size == run->io.size && m->dir == run->io.direction &&
           m->dx_port == ((uint16_t)s->regs->rdx == run->io.port) && site_io_window_same(s, m, mem_gen, la);
}

#pragma GCC visibility pop

#endif /* VCPUCTX_EXIT_SITE_H */
