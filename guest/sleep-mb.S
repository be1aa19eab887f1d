/* sleep-mb.S: a multiboot kernel for the RTC alarm and ACPI suspend to RAM (S3), as test kernels written for QEMU
   use them: it finds the FADT through the RSDP, the FACS and the PM1a blocks through the FADT. The command line's
   last character picks the case:
     s  suspend to RAM with the RTC alarm (any second) as the wake source, after writing a marker in RAM and a
        real-mode resume routine at 0x1000 into the FACS's waking vector. The resume routine checks the marker and
        PM1 status's WAK_STS and exits 0x31 (status 99); a bad marker exits 0x3a, no WAK_STS 0x3b
     n  suspend with the alarm set but RTC_EN clear: nothing can wake the machine
     w  suspend with RTC_EN set and an alarm at hour 0x25, which never comes: the machine sleeps on
     v  as s with no waking vector: the wake is a reset (with --no-reboot, the end of the run), and the kernel,
        booted again, finds its marker in RAM and exits 0x33 (status 103)
     a  no sleep: the alarm interrupt (AIE) through IOAPIC pin 8; its handler checks register C (AF and IRQF) and
        exits 0x32 (status 101), else 0x3d
     f  no sleep, no interrupt: polls register C until the alarm flag (AF) is set, exiting 0x34 (status 105), or
        0x3c after about 3.5 s of PIT time
   Any other way out of a sleep exits 0x3e (the sleep control did nothing). */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set IOAPIC, 0xfec00000
    .set MARKER, 0x7000          /* below 64 KiB: the real-mode resume routine reads it with DS = 0 */
    .set BOOTED, 0x200000        /* v's: where SeaBIOS's boot clears nothing (it clears 0x7000-0x90000) */
    .set PM1_EVT, 0x7004         /* the PM1a event block's port, for the resume routine */
    .set MODE, 0x7008
    .set MAGIC, 0x51eeb1e5
    .set VECTOR, 0x1000          /* the waking vector: CS:IP = 0100:0000 */
    .set RTC_EN, 0x0400
    .set SLP_S3, 0x2400          /* SLP_EN | SLP_TYP 1 (the DSDT's \_S3) */
    MB_START
    MB_CMDLINE_LAST
    cmpb $'v', %al
    jne 1f
    cmpl $MAGIC, BOOTED          /* v, booted again after the wake */
    jne 1f
    EXIT 0x33
1:  mov %eax, MODE
    lgdt gdtr
    ljmp $0x08, $2f
2:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    cmpb $'a', MODE
    je alarm_irq
    cmpb $'f', MODE
    je alarm_poll
    call find_fadt               /* EBX = the FADT */
    mov 36(%ebx), %edi           /* FIRMWARE_CTRL: the FACS */
    movl $0, 12(%edi)            /* its waking vector: none for v */
    cmpb $'v', MODE
    je 3f
    movl $VECTOR, 12(%edi)
    mov $resume_start, %esi
    mov $VECTOR, %edi
    mov $(resume_end - resume_start), %ecx
    cld
    rep movsb
3:  movl $MAGIC, MARKER
    movl $MAGIC, BOOTED
    mov 56(%ebx), %edx           /* PM1a_EVT_BLK */
    mov %edx, PM1_EVT
    add $2, %edx                 /* its enable register */
    mov $RTC_EN, %ax
    cmpb $'n', MODE
    jne 4f
    xor %ax, %ax
4:  out %ax, %dx
    call arm_alarm
    cmpb $'w', MODE
    jne 5f
    mov $5, %al                  /* the hours alarm: no such hour */
    out %al, $0x70
    mov $0x25, %al
    out %al, $0x71
5:  mov 64(%ebx), %edx           /* PM1a_CNT_BLK */
    mov $SLP_S3, %ax
    out %ax, %dx
    mov $0x1000000, %ecx         /* QEMU's TCG stops the CPU a few instructions later */
6:  pause
    loop 6b
    EXIT 0x3e

/* a: the alarm's IRQ 8 through IOAPIC pin 8 (edge, vector 0x28, APIC ID 0), the 8259 masked; wait for it. */
alarm_irq:
    PIC_INIT 0xff
    call idt_init
    movl $0x21, IOAPIC           /* pin 8, high half: destination APIC ID 0 */
    movl $0, IOAPIC + 0x10
    movl $0x20, IOAPIC           /* pin 8, low half: fixed, edge, vector 0x28 */
    movl $0x28, IOAPIC + 0x10
    call arm_alarm
    sti
5:  hlt
    jmp 5b

alarm_handler:
    mov $0x0c, %al
    out %al, $0x70
    in $0x71, %al
    and $0xa0, %al               /* IRQF | AF */
    cmp $0xa0, %al
    jne 6f
    EXIT 0x32
6:  EXIT 0x3d

/* f: poll register C for AF, counting PIT channel 0 wraps (mode 2, 65536 counts: about 55 ms each) to 64. */
alarm_poll:
    call alarm_any_second
    mov $0x34, %al
    out %al, $0x43
    xor %al, %al
    out %al, $0x40
    out %al, $0x40
    xor %edx, %edx               /* wraps seen (high half) and the last count (low half) */
    not %dx
7:  mov $0x0c, %al
    out %al, $0x70
    in $0x71, %al
    test $0x20, %al
    jz 8f
    EXIT 0x34
8:  xor %al, %al                 /* latch channel 0 */
    out %al, $0x43
    in $0x40, %al
    mov %al, %cl
    in $0x40, %al
    mov %al, %ch
    cmp %dx, %cx
    jbe 9f
    add $0x10000, %edx
9:  mov %cx, %dx
    cmp $0x400000, %edx
    jb 7b
    EXIT 0x3c

/* The alarm at every second, register C's old flags read away, then AIE on: the next second boundary sets AF,
   IRQF and IRQ 8 (QEMU's RTC, which keeps no alarm running while old flags are pending, needs that read). */
arm_alarm:
    call alarm_any_second
    mov $0x0c, %al
    out %al, $0x70
    in $0x71, %al
    mov $0x0b, %al
    out %al, $0x70
    in $0x71, %al
    or $0x20, %al
    out %al, $0x71
    ret

/* The alarm registers (seconds, minutes, hours) all "any": the alarm matches every second. */
alarm_any_second:
    mov $1, %cl
1:  mov %cl, %al
    out %al, $0x70
    mov $0xc0, %al
    out %al, $0x71
    add $2, %cl
    cmp $7, %cl
    jb 1b
    ret

/* EBX = the FADT (mb.inc). */
find_fadt:
    MB_FIND_RSDP 1f
    MB_FIND_FADT 1f
    ret
1:  EXIT 0x3f

/* An IDT whose vector 0x28 is alarm_handler, a 32-bit interrupt gate in the flat code segment. */
idt_init:
    mov $alarm_handler, %eax
    mov %ax, idt + 0x28 * 8
    movw $0x08, idt + 0x28 * 8 + 2
    movw $0x8e00, idt + 0x28 * 8 + 4
    shr $16, %eax
    mov %ax, idt + 0x28 * 8 + 6
    lidt idtr
    ret

/* The resume routine, copied to VECTOR and entered in real mode there as CS:IP = 0100:0000 with interrupts off;
   position-independent, its data through DS = 0. */
    .code16
resume_start:
    xor %ax, %ax
    mov %ax, %ds
    cmpl $MAGIC, MARKER
    jne 1f
    mov PM1_EVT, %dx
    in %dx, %ax
    test $0x8000, %ax            /* WAK_STS */
    jz 2f
    mov $0x31, %eax
    jmp 3f
1:  mov $0x3a, %eax
    jmp 3f
2:  mov $0x3b, %eax
3:  out %eax, $0xf4
4:  cli
    hlt
    jmp 4b
resume_end:
    .code32

    IO_ROUTINES 32

    .data
    .p2align 3
gdt:
    GDT_FLAT32
gdtr:
    .word 23
    .long gdt
idtr:
    .word 0x28 * 8 + 7
    .long idt

    .bss
    .p2align 4
idt:
    .skip 0x28 * 8 + 8
    .skip 4096
stack_top:
