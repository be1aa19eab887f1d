/* smp.S: real mode, one copy run by every vCPU: AL (set by the test) goes out to port 0x61 for ever; with AH
   non-zero, to port 0x62 (which no handler takes) instead. */
    .code16
    .globl _start
_start:
    test %ah, %ah
    jnz 2f
1:  out %al, $0x61
    jmp 1b
2:  out %al, $0x62
    jmp 2b
