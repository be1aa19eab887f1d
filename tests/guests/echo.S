/* echo.S: real-mode guest: reads ports and writes back what it read plus one, then halts. */
    .code16
    .globl _start
_start:
    mov $0x3f8, %dx
    in $0x60, %al               /* VMM supplies a byte */
    inc %al
    out %al, $0x61              /* echoes it + 1 */
    in %dx, %ax                 /* VMM supplies a word */
    inc %ax
    out %ax, %dx                /* echoes it + 1 */
    mov $0x11223344, %eax
    in $0x62, %eax              /* VMM supplies a dword */
    inc %eax
    out %eax, $0x63
    mov $0x55667788, %ebx
    mov %ebx, %eax
    in $0x64, %al               /* only AL changes */
    out %eax, $0x65             /* upper bytes kept */
    hlt
    out %al, $0x66              /* reached only if HLT was completed */
    hlt
