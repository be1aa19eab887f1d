/* probe-linux.S: a bzImage (boot protocol 2.15, relocatable, 64-bit entry) whose kernel reports what the loader
   gave it: the zero page's header fields, the e820 count, the initrd, its own entry address and selectors, and
   the command line, on debugcon and COM1; then exits through isa-debug-exit (pass). */
    .include "io.inc"
    .set IOM, 64
    .set ORIGIN, 0
    .code16
    .globl _start
_start:                         /* the real-mode setup code would start here: none, it is never run */
    .org 0x1f1
    .byte 1                     /* 0x1f1 setup_sects: the kernel starts at (1 + 1) * 512 */
    .word 0                     /* 0x1f2 root_flags */
    .long 0                     /* 0x1f4 syssize */
    .word 0                     /* 0x1f8 ram_size */
    .word 0xffff                /* 0x1fa vid_mode */
    .word 0                     /* 0x1fc root_dev */
    .word 0xaa55                /* 0x1fe boot_flag */
    .byte 0xeb, header_end - 0x202 /* 0x200 jump: its offset says where the header ends */
    .ascii "HdrS"               /* 0x202 */
    .word 0x020f                /* 0x206 version 2.15 */
    .long 0                     /* 0x208 realmode_swtch */
    .word 0, 0                  /* 0x20c start_sys_seg, kernel_version */
    .byte 0                     /* 0x210 type_of_loader: the loader's to fill */
    .byte 0x01                  /* 0x211 loadflags: LOADED_HIGH */
    .word 0                     /* 0x212 setup_move_size */
    .long 0x100000              /* 0x214 code32_start */
    .long 0, 0                  /* 0x218 ramdisk_image, ramdisk_size: the loader's */
    .long 0                     /* 0x220 bootsect_kludge */
    .word 0                     /* 0x224 heap_end_ptr */
    .byte 0, 0                  /* 0x226 ext_loader_ver, ext_loader_type */
    .long 0                     /* 0x228 cmd_line_ptr: the loader's */
    .long 0x37ffffff            /* 0x22c initrd_addr_max */
    .long 0x200000              /* 0x230 kernel_alignment */
    .byte 1, 0                  /* 0x234 relocatable_kernel, min_alignment */
    .word 0x0001                /* 0x236 xloadflags: XLF_KERNEL_64 */
    .long 255                   /* 0x238 cmdline_size */
    .long 0                     /* 0x23c hardware_subarch */
    .quad 0                     /* 0x240 hardware_subarch_data */
    .long 0, 0                  /* 0x248 payload_offset, payload_length */
    .quad 0                     /* 0x250 setup_data */
    .quad 0x1000000             /* 0x258 pref_address: 16 MiB */
    .long 0x200000              /* 0x260 init_size */
    .long 0                     /* 0x264 handover_offset */
header_end:
    .org 0x400
kernel:                         /* the 32-bit entry: not used by a 64-bit loader */
    hlt
    .org 0x600
    .code64
start64:                        /* kernel + 0x200: the 64-bit entry, RSI = the zero page */
    mov %rsi, %rbx
    call serial_init_64
    PRINT "linux-probe: "
    mov 0x202(%rbx), %eax
    SHOW "magic"
    movzbl 0x210(%rbx), %eax
    SHOW "loader"
    movzbl 0x1e8(%rbx), %eax
    SHOW "e820"
    mov 0x2d0 + 3 * 20 + 8(%rbx), %rax /* the fourth entry's length: RAM above 1 MiB */
    SHOW "e820_3_len"
    mov 0x218(%rbx), %eax
    SHOW "initrd"
    mov 0x21c(%rbx), %eax
    SHOW "initrd_size"
    mov 0x218(%rbx), %eax
    test %eax, %eax
    jz 1f
    mov (%rax), %eax
1:  SHOW "initrd_word"
    lea start64(%rip), %rax
    SHOW "entry"
    mov %rbx, %rax
    SHOW "zero_page"
    xor %eax, %eax
    mov %cs, %ax
    SHOW "cs"
    mov %ds, %ax
    SHOW "ds"
    NEWLINE
    PRINT "cmdline: "
    mov 0x228(%rbx), %esi
    CALLIO puts
    NEWLINE
    EXIT 0

    IO_ROUTINES 64
