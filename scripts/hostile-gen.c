/* hostile-gen.c: writes a random guest image from a seed: raw bytes, or a mix of instructions that exit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint32_t next(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL; /* PCG-style LCG, reproducible */
    return (uint32_t)(state >> 33);
}

/* Instructions that reach the VMM or the CPU's corners: I/O of every form, string I/O, HLT, INT,
   control registers, descriptor tables, MMIO far above RAM, stack and flag games, jumps. */
static const char *const mix[] = {
    "\xe6\xe9",
    "\xe4\x80",
    "\xee",
    "\xec",
    "\x66\xef",
    "\xf3\x6e",
    "\xf3\x6c",
    "\xf3\x6f",
    "\x6c",
    "\x6f",
    "\xf4",
    "\xcc",
    "\xcd\x10",
    "\xfa",
    "\xfb",
    "\x0f\x0b",
    "\x0f\x20\xc0",
    "\x0f\x22\xc0",
    "\x0f\x01\x10",
    "\x0f\x01\x18",
    "\x0f\x32",
    "\x0f\x30",
    "\x0f\xa2",
    "\xb9\xff\xff",
    "\x66\xb9\xff\xff\xff\xff",
    "\xbe\xf0\xff",
    "\xbf\x00\x80",
    "\x8e\xc0",
    "\x8e\xd8",
    "\x50",
    "\x58",
    "\x9c",
    "\x9d",
    "\x31\xc0",
    "\x40",
    "\x48",
    "\xa1\x00\x00\x00\xf0",
    "\xa3\x00\x00\x00\xfe",
    "\x66\xba\xf4\x00\x00\x00",
    "\xeb\xfe",
    "\x74\x02",
    "\xe8\x00\x00",
    "\xc3",
    "\xcf",
    "\x0f\x00\xd8",
    "\xf3\xa4",
    "\xf3\xab",
};

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: hostile-gen SEED bytes|mix OUT\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 0) * 2654435761ULL + 1;
    FILE *f = fopen(argv[3], "wb");
    if (!f)
        return 2;
    size_t n = 16 + next() % 4080;
    if (strcmp(argv[2], "bytes") == 0) {
        for (size_t i = 0; i < n; i++)
            fputc((int)(next() & 0xff), f);
    } else {
        for (size_t i = 0; i < n / 4; i++) {
            const char *insn = mix[next() % (sizeof(mix) / sizeof(mix[0]))];
            fwrite(insn, 1, strlen(insn), f);
        }
    }
    return fclose(f) == 0 ? 0 : 2;
}
