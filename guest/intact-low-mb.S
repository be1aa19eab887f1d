/* intact-low-mb.S: a multiboot kernel whose segment covers 0x8000-0x10000, where a loader that does not plan
   memory puts its boot information and stack (QEMU's does): text at 0x8000, a pattern from 0x9000, a 4 KiB bss
   to 0x10000. */
    .set PATTERN_OFFSET, 0x1000
    .set PATTERN_WORDS, 0x1800
    .set BSS_SIZE, 0x1000
    .include "intact.inc"
