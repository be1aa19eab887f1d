/* decode.h: decode.c, x86 instruction length decoding (no KVM: unit-tested). */
#ifndef VCPUCTX_DECODE_H
#define VCPUCTX_DECODE_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* One decoded x86 instruction. */
struct insn {
    uint8_t len;
    uint8_t opcode; /* last opcode byte */
    uint8_t map;    /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A */
    uint8_t modrm;
    bool has_modrm;
    bool opsize; /* 0x66 seen */
    bool adsize; /* 0x67 seen */
    bool rep;    /* F3 or F2 seen */
    uint8_t rex;
    uint8_t seg;     /* segment override prefix byte, 0 if none */
    uint8_t imm8;    /* last byte of the instruction (imm8 port of IN/OUT) */
    uint8_t imm_len; /* immediate bytes (moffs counts as one) */
    uint64_t imm;    /* the immediate, little-endian, up to 8 bytes */
    uint8_t nprefix;
    int64_t disp;
    uint8_t sib;
    bool has_sib;
};

/* mode: 16, 32 or 64 (the code segment's default size). 0 = ok, -1 = bad. */
int insn_decode(const uint8_t *buf, size_t avail, int mode, struct insn *out);
/* The code segment's default size: 16, 32 or 64. */
int cpu_code_mode(const struct kvm_sregs *sregs);

#pragma GCC visibility pop

#endif /* VCPUCTX_DECODE_H */
