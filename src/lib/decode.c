/* decode.c: x86 instruction length decoder (16/32/64-bit code) for the VT-x exit view. */
#include <string.h>

#include "decode.h"

/* One-byte opcodes below 0x40 with a ModRM byte: the ALU forms xx0-xx3, xx8-xxB. */
#define ALU_MODRM_MASK 0x0f0f0f0fU

static bool has_modrm_1(uint8_t op)
{
    if (op < 0x40)
        return (ALU_MODRM_MASK >> (op & 31)) & 1;
    switch (op) {
    case 0x62:
    case 0x63:
    case 0x69:
    case 0x6b:
    case 0xc0:
    case 0xc1:
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xc7:
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xf6:
    case 0xf7:
    case 0xfe:
    case 0xff: return true;
    default: break;
    }
    return (op >= 0x80 && op <= 0x8f) || (op >= 0xd8 && op <= 0xdf);
}

/* Two-byte (0F xx) opcodes without a ModRM byte. */
static bool no_modrm_0f(uint8_t op)
{
    if ((op >= 0x80 && op <= 0x8f) || (op >= 0xc8 && op <= 0xcf) || (op >= 0x30 && op <= 0x37))
        return true;
    switch (op) {
    case 0x05:
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09:
    case 0x0b:
    case 0x0e:
    case 0x77:
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa8:
    case 0xa9:
    case 0xaa: return true;
    default: return false;
    }
}

/* Size in bytes of a one-byte opcode's immediate: z = operand size (2/4). */
static int imm_size_1(uint8_t op, uint8_t modrm, int z, int adsz, bool rexw)
{
    uint8_t lo = op & 7;
    if (op < 0x40 && (lo == 4 || lo == 5))
        return lo == 4 ? 1 : z;
    if (op >= 0xb0 && op <= 0xb7)
        return 1;
    if (op >= 0xb8 && op <= 0xbf)
        return rexw ? 8 : z;
    if (op >= 0x70 && op <= 0x7f)
        return 1;
    if (op >= 0xe0 && op <= 0xe7)
        return 1;
    if (op >= 0xa0 && op <= 0xa3)
        return adsz;
    switch (op) {
    case 0x6a:
    case 0x6b:
    case 0x80:
    case 0x82:
    case 0x83:
    case 0xa8:
    case 0xc0:
    case 0xc1:
    case 0xc6:
    case 0xcd:
    case 0xd4:
    case 0xd5:
    case 0xeb: return 1;
    case 0x68:
    case 0x69:
    case 0x81:
    case 0xa9:
    case 0xc7:
    case 0xe8:
    case 0xe9: return z;
    case 0xc2:
    case 0xca: return 2;
    case 0xc8: return 3;
    case 0x9a:
    case 0xea: return z + 2;
    case 0xf6: return ((modrm >> 3) & 7) < 2 ? 1 : 0;
    case 0xf7: return ((modrm >> 3) & 7) < 2 ? z : 0;
    default: return 0;
    }
}

static int imm_size_0f(uint8_t op, int z)
{
    if (op >= 0x80 && op <= 0x8f)
        return z;
    if ((op >= 0x70 && op <= 0x73) || op == 0xa4 || op == 0xac || op == 0xba || (op >= 0xc2 && op <= 0xc6))
        return 1;
    return 0;
}

/* ModRM + SIB + displacement length for the given address size. */
static int modrm_len(const uint8_t *p, size_t avail, int adsz, struct insn *in)
{
    if (avail < 1)
        return -1;
    uint8_t m = p[0], mod = m >> 6, rm = m & 7;
    int n = 1, disp = 0;
    in->modrm = m;
    in->has_modrm = true;
    if (mod == 3)
        return 1;
    if (adsz == 2) {
        disp = mod == 1 ? 1 : (mod == 2 || (mod == 0 && rm == 6)) ? 2 : 0;
    } else {
        if (rm == 4) {
            if (avail < 2)
                return -1;
            in->sib = p[1];
            in->has_sib = true;
            n++;
            if (mod == 0 && (p[1] & 7) == 5)
                disp = 4;
        }
        if (mod == 1)
            disp = 1;
        else if (mod == 2 || (mod == 0 && rm == 5))
            disp = 4;
    }
    if ((size_t)(n + disp) > avail)
        return -1;
    in->disp = 0;
    if (disp == 1)
        in->disp = (int8_t)p[n];
    else if (disp == 2)
        in->disp = (int16_t)(p[n] | p[n + 1] << 8);
    else if (disp == 4)
        in->disp =
            (int32_t)((uint32_t)p[n] | (uint32_t)p[n + 1] << 8 | (uint32_t)p[n + 2] << 16 | (uint32_t)p[n + 3] << 24);
    return n + disp;
}

static int prefixes(const uint8_t *buf, size_t avail, int mode, struct insn *in)
{
    size_t i = 0;
    for (; i < avail && i < 15; i++) {
        uint8_t b = buf[i];
        if (b == 0x66)
            in->opsize = true;
        else if (b == 0x67)
            in->adsize = true;
        else if (b == 0xf2 || b == 0xf3)
            in->rep = true;
        else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65)
            in->seg = b;
        else if (b != 0xf0)
            break;
    }
    in->rex = 0;
    if (mode == 64 && i < avail && (buf[i] & 0xf0) == 0x40)
        in->rex = buf[i++];
    in->nprefix = (uint8_t)i;
    return i < avail ? (int)i : -1;
}

/* VEX-encoded instruction (C4/C5): map from the prefix, then ModRM (+imm8 in map 3). */
static int vex(const uint8_t *p, size_t avail, int adsz, struct insn *in)
{
    size_t hdr = p[0] == 0xc5 ? 2 : 3;
    if (avail < hdr + 2)
        return -1;
    uint8_t map = p[0] == 0xc5 ? 1 : (p[1] & 0x1f);
    in->map = map;
    in->opcode = p[hdr];
    int m = modrm_len(p + hdr + 1, avail - hdr - 1, adsz, in);
    if (m < 0)
        return -1;
    in->imm_len = map == 3 ? 1 : 0;
    return (int)hdr + 1 + m + in->imm_len;
}

static int opsize_of(int mode, const struct insn *in)
{
    if (mode == 64)
        return (in->rex & 8) ? 8 : in->opsize ? 2 : 4;
    bool def16 = mode == 16;
    return (def16 != in->opsize) ? 2 : 4;
}

static int body(const uint8_t *p, size_t avail, int mode, struct insn *in)
{
    int z = opsize_of(mode, in) == 2 ? 2 : 4;
    int adsz = mode == 64 ? (in->adsize ? 4 : 8) : ((mode == 16) != in->adsize ? 2 : 4);
    uint8_t op = p[0];
    bool vex_ok = mode == 64 || (avail > 1 && (p[1] >> 6) == 3);
    if ((op == 0xc4 || op == 0xc5) && vex_ok && !in->rex)
        return vex(p, avail, adsz == 8 ? 4 : adsz, in);
    if (op == 0x62 && mode == 64)
        return -1; /* EVEX: not decoded */
    int n = 1, imm = 0;
    in->map = 0;
    in->opcode = op;
    if (op == 0x0f) {
        if (avail < 2)
            return -1;
        uint8_t op2 = p[1];
        n = 2;
        in->map = 1;
        in->opcode = op2;
        if (op2 == 0x38 || op2 == 0x3a) {
            if (avail < 3)
                return -1;
            in->map = op2 == 0x38 ? 2 : 3;
            in->opcode = p[2];
            n = 3;
            imm = in->map == 3 ? 1 : 0;
        } else if (!no_modrm_0f(op2)) {
            imm = imm_size_0f(op2, z);
        } else {
            in->imm_len = (uint8_t)imm_size_0f(op2, z);
            return n + in->imm_len;
        }
        int m = modrm_len(p + n, avail - (size_t)n, adsz == 8 ? 4 : adsz, in);
        if (m < 0)
            return -1;
        in->imm_len = (uint8_t)(imm + (op2 == 0x0f ? 1 : 0));
        return n + m + in->imm_len;
    }
    if (mode == 64 && op >= 0xb8 && op <= 0xbf) {
        in->imm_len = (uint8_t)((in->rex & 8) ? 8 : z);
        return 1 + in->imm_len;
    }
    if (has_modrm_1(op)) {
        int m = modrm_len(p + 1, avail - 1, adsz == 8 ? 4 : adsz, in);
        if (m < 0)
            return -1;
        n += m;
    }
    imm = imm_size_1(op, in->modrm, z, adsz, false);
    if (mode == 64 && (op == 0xe8 || op == 0xe9))
        imm = 4;
    in->imm_len = (uint8_t)imm;
    return n + imm;
}

int insn_decode(const uint8_t *buf, size_t avail, int mode, struct insn *out)
{
    struct insn in;
    memset(&in, 0, sizeof(in));
    int pre = prefixes(buf, avail, mode, &in);
    if (pre < 0)
        return -1;
    int b = body(buf + pre, avail - (size_t)pre, mode, &in);
    if (b < 0 || pre + b > 15 || (size_t)(pre + b) > avail)
        return -1;
    in.len = (uint8_t)(pre + b);
    in.imm8 = buf[in.len - 1];
    in.imm = 0;
    for (unsigned i = 0; i < in.imm_len && i < 8; i++)
        in.imm |= (uint64_t)buf[in.len - in.imm_len + i] << (8 * i);
    *out = in;
    return 0;
}

HOT int cpu_code_mode(const struct kvm_sregs *s)
{
    if (!(s->cr0 & 1))
        return 16;
    if ((s->efer & EFER_LMA) && s->cs.l)
        return 64;
    return s->cs.db ? 32 : 16;
}
