/* halt-mb.S: a multiboot kernel whose CPUs halt with interrupts off at different times, and wake each other or
   not: what ends a run, as QEMU ends it. The command line's last character picks the case:
     a  the application processor works (about 220 ms), then exits 0x21 (status 67); the BSP halts at once
     n  the AP works, sends the BSP an NMI and halts; the BSP's NMI handler exits 0x22 (status 69)
     p  one CPU: the PIT through IOAPIC pin 2 as an NMI; the BSP halts, its NMI handler exits 0x23 (status 71)
     m  as p with pin 2 masked: nothing can wake the BSP (halted for good; QEMU waits for ever)
     h  every CPU halts with interrupts off (halted for good; QEMU waits for ever)
     i  the AP halts; the BSP works, starts it again with INIT and SIPI and halts; the AP exits 0x24 (status 73)
   The AP starts in real mode at the SIPI's page and enters protected mode through its own flat GDT. */
    .include "io.inc"
    .include "mb.inc"
    MB_KERNEL
    .set LAPIC, 0xfee00000
    .set ICR_LO, LAPIC + 0x300
    .set ICR_HI, LAPIC + 0x310
    .set IOAPIC, 0xfec00000
    .set TRAMPOLINE, 0x8000      /* SIPI vector 0x08 */
    .set STARTS, 0x7000          /* how many times the AP has started */
    .set MODE, 0x7004            /* the case's letter, for the AP */
    MB_START
    MB_CMDLINE_LAST              /* the case */
    mov %eax, MODE
    movl $0, STARTS
    lgdt gdtr                    /* multiboot's GDTR may be invalid: the AP's flat GDT, for the NMI gate too */
    ljmp $0x08, $1f
1:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    call idt_init
    cmpb $'p', MODE
    je pit_nmi
    cmpb $'m', MODE
    je pit_nmi
    call start_ap
    cmpb $'i', MODE
    je init_again
park:
    cli
    hlt
    jmp park

/* p, m: IOAPIC pin 2 (the PIT's IRQ 0) as an NMI to APIC ID 0, masked for m; then PIT channel 0 periodic at
   about 1 kHz. In that order: KVM's PIT holds its next tick until the last is acknowledged, and an NMI is never. */
pit_nmi:
    PIC_INIT 0xff                /* the 8259 initialised, every line masked: the IOAPIC alone takes IRQ 0 */
    mov $0x400, %eax             /* delivery mode NMI, edge, physical destination */
    cmpb $'m', MODE
    jne 1f
    or $0x10000, %eax            /* masked */
1:  movl $0x15, IOAPIC           /* pin 2, high half: destination APIC ID 0 */
    movl $0, IOAPIC + 0x10
    movl $0x14, IOAPIC           /* pin 2, low half */
    mov %eax, IOAPIC + 0x10
    mov $0x34, %al
    out %al, $0x43
    mov $0xa9, %al
    out %al, $0x40
    mov $0x04, %al
    out %al, $0x40
    jmp park

/* i: the AP has started and halted; work, then INIT and SIPI to it again. */
init_again:
    call wait_started
    call work
    call start_ap
    jmp park

/* Send INIT, SIPI, SIPI to all but self. */
start_ap:
    MB_START_APS
    ret

/* Wait (bounded) until the AP has started once. */
wait_started:
    mov $0x10000000, %ecx
1:  cmpl $0, STARTS
    jne 2f
    pause
    loop 1b
2:  ret

/* Work for four periods of PIT channel 0 (mode 2, count 65536: about 220 ms of the host's time, whatever the
   host's speed), reading its counter until it has wrapped four times. Clobbers EAX, ECX, EDX. */
work:
    mov $0x34, %al               /* channel 0, low then high byte, mode 2 */
    out %al, $0x43
    xor %al, %al
    out %al, $0x40
    out %al, $0x40
    xor %edx, %edx               /* wraps seen (high half) and the last count (low half) */
    not %dx
1:  xor %al, %al                 /* latch channel 0 */
    out %al, $0x43
    in $0x40, %al
    mov %al, %cl
    in $0x40, %al
    mov %al, %ch
    cmp %dx, %cx                 /* counting down: a larger count is a wrap */
    jbe 2f
    add $0x10000, %edx
2:  mov %cx, %dx
    cmp $0x40000, %edx
    jb 1b
    ret

/* An IDT whose vector 2 (NMI) is nmi_handler, a 32-bit interrupt gate in the flat code segment. */
idt_init:
    mov $nmi_handler, %eax
    mov %ax, idt + 16
    movw $0x08, idt + 18
    movw $0x8e00, idt + 20
    shr $16, %eax
    mov %ax, idt + 22
    lidt idtr
    ret

nmi_handler:
    cmpb $'n', MODE
    jne 1f
    EXIT 0x22
1:  EXIT 0x23

/* The AP, in protected mode: count the start, then its case. */
ap_main:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $ap_stack_top, %esp
    lock incl STARTS
    cmpl $2, STARTS
    jae 3f                       /* started again (i) */
    cmpb $'a', MODE
    jne 1f
    call work
    EXIT 0x21
1:  cmpb $'n', MODE
    jne 2f
    call work
    movl $0, ICR_HI              /* NMI to APIC ID 0 */
    movl $0x00004400, ICR_LO     /* delivery mode NMI, assert */
2:  cli
    hlt
    jmp 2b
3:  EXIT 0x24

    .code16
ap_start:                        /* at 0x0800:0000 */
    cli
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TRAMPOLINE + (ap_gdtr - ap_start)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ap_main
    .p2align 3
ap_gdt:
    GDT_FLAT32
ap_gdtr:
    .word 23
    .long TRAMPOLINE + (ap_gdt - ap_start)
ap_end:
    .code32

    IO_ROUTINES 32

    .data
    .p2align 3
gdtr:
    .word 23
    .long ap_gdt                 /* the same bytes as the AP's copy */
idtr:
    .word 23
    .long idt

    .bss
    .p2align 4
idt:
    .skip 24
    .skip 4096
stack_top:
    .skip 4096
ap_stack_top:
