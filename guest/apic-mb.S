/* apic-mb.S: a multiboot kernel that looks for QEMU's PC interrupt hardware, as test kernels do when they enable
   the APIC: a local APIC at 0xfee00000 (version register, ICR not all ones), an IOAPIC at 0xfec00000 (its pin
   count) and the 8259 PIC (its mask register keeps a value). Exits 0 (status 1) when all three are there. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set LAPIC, 0xfee00000
    .set IOAPIC, 0xfec00000
    MB_START
    xor %edi, %edi              /* what is missing */
    PRINT "lapic: "
    mov LAPIC + 0x30, %eax      /* version: 0x1x for an integrated APIC */
    and $0xf0, %eax
    cmp $0x10, %eax
    jne 1f
    cmpl $0xffffffff, LAPIC + 0x300 /* the ICR a kernel polls for delivery */
    je 1f
    PRINT "present\n"
    jmp 2f
1:  PRINT "absent\n"
    inc %edi
2:  PRINT "ioapic: "
    movl $1, IOAPIC             /* IOREGSEL: the version register */
    mov IOAPIC + 0x10, %eax
    cmp $0xffffffff, %eax
    je 3f
    shr $16, %eax
    and $0xff, %eax
    inc %eax
    SHOW "pins"
    NEWLINE
    jmp 4f
3:  PRINT "absent\n"
    inc %edi
4:  PRINT "pic: "
    mov $0xa5, %al              /* OCW1 on the master: the mask reads back */
    out %al, $0x21
    in $0x21, %al
    cmp $0xa5, %al
    jne 5f
    mov $0xff, %al
    out %al, $0x21
    PRINT "present\n"
    jmp 6f
5:  PRINT "absent\n"
    inc %edi
6:  test %edi, %edi
    jnz 7f
    EXIT 0
7:  EXIT 1

    IO_ROUTINES 32

    .bss
    .p2align 4
    .skip 4096
stack_top:
