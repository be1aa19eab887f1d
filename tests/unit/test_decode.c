/* test_decode.c: the instruction length decoder on encodings from every class it must size. */
#include <criterion/criterion.h>

#include "decode.h"

struct sample {
    int mode;
    unsigned len;
    const char *bytes; /* with trailing padding so over-reading is caught by length, not memory */
};

static const struct sample samples[] = {
    {16, 2, "\xe6\x80"},
    {16, 3, "\x66\xe7\x80"},
    {16, 1, "\xee"},
    {16, 2, "\x2e\xec"},
    {16, 4, "\x26\x66\xe5\x80"},
    {16, 2, "\xf3\x6e"},
    {16, 1, "\xf4"},
    {16, 3, "\xb8\x34\x12"},
    {16, 6, "\x66\xb8\x78\x56\x34\x12"},
    {16, 4, "\x64\xa2\x10\x00"},
    {16, 5, "\x64\x8a\x1e\x20\x00"},
    {16, 5, "\x64\xc7\x05\x34\x12"},
    {16, 4, "\x8b\x87\x34\x12"},
    {16, 3, "\x8a\x40\x05"},
    {16, 6, "\xc7\x06\x00\x10\x34\x12"},
    {16, 5, "\xea\x00\x10\x00\x00"},
    {16, 8, "\x66\xea\x00\x10\x00\x00\x08\x00"},
    {16, 5, "\x0f\x01\x16\x00\x30"},
    {16, 2, "\xcd\x10"},
    {16, 2, "\x0f\x32"},
    {16, 3, "\xe8\x00\x00"},
    {32, 5, "\xb8\x78\x56\x34\x12"},
    {32, 2, "\xe7\x20"},
    {32, 5, "\xa1\x00\x00\x20\x00"},
    {32, 3, "\x8b\x04\x24"},
    {32, 7, "\x8b\x04\x85\x00\x10\x00\x00"},
    {32, 6, "\x8b\x05\x00\x10\x00\x00"},
    {32, 10, "\xc7\x05\x00\x10\x00\x00\x01\x00\x00\x00"},
    {32, 6, "\x0f\x84\x00\x00\x00\x00"},
    {32, 3, "\x0f\x20\xc0"},
    {32, 8, "\x81\x7c\x24\x04\x78\x56\x34\x12"},
    {32, 5, "\x83\x7c\x24\x04\x01"},
    {32, 3, "\xc2\x08\x00"},
    {32, 4, "\xc8\x10\x00\x01"},
    {64, 10, "\x48\xb8\x01\x02\x03\x04\x05\x06\x07\x08"},
    {64, 10, "\x49\xbf\x01\x02\x03\x04\x05\x06\x07\x08"},
    {64, 8, "\x48\x89\x04\x25\x00\x30\x00\x00"},
    {64, 8, "\x4c\x89\x3c\x25\x70\x30\x00\x00"},
    {64, 7, "\x48\x8b\x05\x00\x10\x00\x00"},
    {64, 5, "\xe8\x00\x00\x00\x00"},
    {64, 2, "\x0f\x30"},
    {64, 10, "\x48\xa1\x00\x00\x00\x00\x01\x00\x00\x00"},
    {64, 5, "\xc5\xf8\x28\x04\x24"},
    {64, 6, "\xc4\xe3\x79\x0f\xc1\x08"},
    {64, 5, "\x66\x0f\x38\x00\xc1"},
    {64, 3, "\xf3\x48\xab"},
};

Test(decode, lengths)
{
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        const struct sample *s = &samples[i];
        struct insn in;
        cr_assert_eq(insn_decode((const uint8_t *)s->bytes, s->len, s->mode, &in), 0,
                     "sample %zu (mode %d, %u bytes, first 0x%02x) decodes", i, s->mode, s->len, (uint8_t)s->bytes[0]);
        cr_assert_eq(in.len, s->len, "sample %zu: length %u, want %u", i, in.len, s->len);
    }
}

Test(decode, truncated_input_is_refused)
{
    struct insn in;
    cr_assert_eq(insn_decode((const uint8_t *)"\x66\xe7", 2, 16, &in), -1);
    cr_assert_eq(insn_decode((const uint8_t *)"\x66\x66", 2, 16, &in), -1);
    cr_assert_eq(insn_decode((const uint8_t *)"\x48\xb8\x01", 3, 64, &in), -1);
    cr_assert_eq(insn_decode((const uint8_t *)"", 0, 32, &in), -1);
}

Test(decode, prefixes_and_immediates_are_reported)
{
    struct insn in;
    cr_assert_eq(insn_decode((const uint8_t *)"\x26\x66\xe5\x80", 4, 16, &in), 0);
    cr_assert(in.opsize && in.seg == 0x26 && in.opcode == 0xe5 && in.imm8 == 0x80 && in.nprefix == 2);
    cr_assert_eq(insn_decode((const uint8_t *)"\x64\xa2\x10\x00", 4, 16, &in), 0);
    cr_assert(in.seg == 0x64 && in.imm == 0x10 && in.imm_len == 2);
    cr_assert_eq(insn_decode((const uint8_t *)"\xf3\x6e", 2, 16, &in), 0);
    cr_assert(in.rep && in.opcode == 0x6e);
}

Test(decode, code_mode_from_sregs)
{
    struct kvm_sregs s;
    memset(&s, 0, sizeof(s));
    cr_assert_eq(cpu_code_mode(&s), 16);
    s.cr0 = 1;
    s.cs.db = 1;
    cr_assert_eq(cpu_code_mode(&s), 32);
    s.efer = 0x500;
    s.cs.l = 1;
    s.cs.db = 0;
    cr_assert_eq(cpu_code_mode(&s), 64);
}
