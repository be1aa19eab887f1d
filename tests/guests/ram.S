/* ram.S: 32-bit flat guest (set up by the test): reads the word the VMM put at 16 MiB, in RAM registered after the
   VM was made, echoes it to port 0x60, writes its complement after it, HLT. */
    .code32
    .globl _start
_start:
    mov 0x1000000, %eax
    out %eax, $0x60
    not %eax
    mov %eax, 0x1000004
    hlt
