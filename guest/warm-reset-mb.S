/* warm-reset-mb.S: a multiboot kernel that counts its boots in RAM outside its image and resets the machine
   (0xCF9) until the third: a warm reset, as QEMU's, keeps that RAM, so it exits 0 (status 1) at boot 3; a
   machine that cleared RAM would reset for ever. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set MAGIC_AT, 0x500000      /* free RAM, far from the image, its bss and the boot information */
    .set COUNT_AT, MAGIC_AT + 4
    .set MAGIC, 0x4d524157       /* "WARM" */
    MB_START
    cmpl $MAGIC, MAGIC_AT
    je 1f
    movl $MAGIC, MAGIC_AT
    movl $0, COUNT_AT
1:  incl COUNT_AT
    mov COUNT_AT, %eax
    SHOW "boot"
    NEWLINE
    cmpl $3, COUNT_AT
    jae 2f
    mov $0x06, %al               /* reset control: a hard reset */
    mov $0xcf9, %dx
    out %al, %dx
    cli
    hlt
2:  EXIT 0

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
