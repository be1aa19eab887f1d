/* disk.S: a bootable disk: the BIOS loads the boot sector, which loads two more sectors through INT 13h
   and jumps there; output on debugcon and COM1 (and one line through INT 10h), exit through isa-debug-exit. */
    .include "io.inc"
    .code16
    .set IOM, 16
    .set ORIGIN, 0              /* DS = 0, linked at 0x7c00 */
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp
    mov %dl, boot_drive
    PRINT "disk: boot sector running\n"
    mov $0x0202, %ax            /* INT 13h AH=02: read 2 sectors */
    mov $0x0002, %cx            /* cylinder 0, sector 2 */
    xor %dh, %dh                /* head 0 */
    mov boot_drive, %dl
    mov $stage2, %bx            /* ES:BX = 0:7e00 */
    int $0x13
    jc 1f
    cmp $2, %al
    jne 1f
    jmp stage2
1:  PRINT "disk: INT 13h failed\n"
    EXIT 1
boot_drive:
    .byte 0
    IO_ROUTINES 16
    .org 510
    .word 0xaa55

stage2:                         /* sectors 2 and 3 */
    PRINT "disk: stage 2 loaded through INT 13h\n"
    mov $0x0e, %ah              /* INT 10h teletype: the BIOS's console (on COM1 through SeaBIOS's sercon) */
    mov $'*', %al
    xor %bx, %bx
    int $0x10
    xor %eax, %eax              /* checksum of sectors 2-3 as loaded */
    xor %ecx, %ecx
    mov $stage2, %si
2:  movzbl (%si), %edx
    add %edx, %eax
    rol $1, %eax
    inc %si
    cmp $(stage2 + 1024), %si
    jne 2b
    SHOW "stage2-sum"
    NEWLINE
    EXIT 0
    .org 512 + 1024 - 1
    .byte 0x5a
