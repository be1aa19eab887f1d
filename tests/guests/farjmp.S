/* farjmp.S: real-mode guest: a far jump to 0100:xxxx (the same bytes, CS base 0x1000), then HLT. */
    .code16
    .globl _start
_start:
    ljmp $0x0100, $(next - _start)
next:
    hlt
