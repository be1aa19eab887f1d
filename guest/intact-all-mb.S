/* intact-all-mb.S: a multiboot kernel that takes all of lower memory, 0x1000-0x9fc00 (text, a pattern to
   0x9000, then bss), so that every piece of boot data has to go above 1 MiB. */
    .set PATTERN_OFFSET, 0x1000
    .set PATTERN_WORDS, 0x1c00
    .set BSS_SIZE, 0x96c00
    .include "intact.inc"
