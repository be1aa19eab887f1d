/* guest.S: real mode at 0x1000, a driver of the legacy virtio interface in a page of code: finds the virtio
   console (1af4:1003) and block device (1af4:1001) on PCI bus 0, sets up one queue of each, reads sector 0 of the
   disk, writes a greeting and the sector's first 16 bytes to the console's port 0, and halts. Everything it
   places lies below 64 KiB: queues at 0x8000 (console transmit) and 0xA000 (disk), a request at 0xC000-0xD200. */
    .code16
    .globl _start
_start:
    xor %ax, %ax
    mov %ax, %ds
    mov $0x1003, %cx
    call find_bar
    jc fail
    mov %ax, %si                 /* the console's registers */
    mov $0x1001, %cx
    call find_bar
    jc fail
    mov %ax, %di                 /* the disk's */
    mov %si, %bx
    mov $1, %ax                  /* the console's transmit queue (port 0) */
    mov $0x8, %ecx
    call setup_queue
    mov %di, %bx
    xor %ax, %ax                 /* the disk's only queue */
    mov $0xa, %ecx
    call setup_queue

    /* A read of sector 0: header, 512 bytes of data, status; three descriptors at 0xA000. */
    movl $0, 0xc000              /* VIRTIO_BLK_T_IN */
    movl $0, 0xc004
    movl $0, 0xc008              /* sector 0 */
    movl $0, 0xc00c
    movb $0xff, 0xd200
    movl $0xc000, 0xa000
    movl $0, 0xa004
    movl $16, 0xa008
    movl $0x00010001, 0xa00c     /* NEXT, next 1 */
    movl $0xd000, 0xa010
    movl $0, 0xa014
    movl $512, 0xa018
    movl $0x00020003, 0xa01c     /* NEXT | WRITE, next 2 */
    movl $0xd200, 0xa020
    movl $0, 0xa024
    movl $1, 0xa028
    movl $0x00000002, 0xa02c     /* WRITE */
    movw $0, 0xa804              /* avail ring[0] = chain 0 */
    movw $1, 0xa802              /* avail idx = 1 */
    lea 16(%di), %dx
    xor %ax, %ax
    outw %ax, %dx                /* notify queue 0: served before the OUT completes */
    cmpb $0, 0xd200
    jne fail

    /* The greeting and the sector's first bytes on the console: two chains on its transmit queue. */
    movl $greeting, 0x8000
    movl $0, 0x8004
    movl $(greeting_end - greeting), 0x8008
    movl $0, 0x800c
    movl $0xd000, 0x8010
    movl $0, 0x8014
    movl $16, 0x8018
    movl $0, 0x801c
    movw $0, 0x8804
    movw $1, 0x8806
    movw $2, 0x8802
    lea 16(%si), %dx
    mov $1, %ax
    outw %ax, %dx
    hlt
fail:
    hlt

/* The I/O BAR of device 1af4:CX on bus 0 in AX; CF set when there is none. */
find_bar:
    xor %bx, %bx
1:  movzwl %bx, %eax
    shll $11, %eax
    orl $0x80000000, %eax
    mov %eax, %ebp
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    cmp $0x1af4, %ax
    jne 2f
    shr $16, %eax
    cmp %cx, %ax
    je 3f
2:  inc %bx
    cmp $32, %bx
    jb 1b
    stc
    ret
3:  mov %ebp, %eax
    orl $0x10, %eax
    mov $0xcf8, %dx
    outl %eax, %dx
    mov $0xcfc, %dx
    inl %dx, %eax
    and $0xfffc, %ax
    clc
    ret

/* Device BX: driver found (status 3), no features, queue AX at page ECX, then DRIVER_OK. */
setup_queue:
    push %ax
    lea 18(%bx), %dx
    mov $3, %al
    outb %al, %dx
    lea 4(%bx), %dx
    xor %eax, %eax
    outl %eax, %dx
    pop %ax
    lea 14(%bx), %dx
    outw %ax, %dx
    lea 8(%bx), %dx
    mov %ecx, %eax
    outl %eax, %dx
    lea 18(%bx), %dx
    mov $7, %al
    outb %al, %dx
    ret

greeting:
    .ascii "virtio-devices: hello through the virtio console; sector 0 says: "
greeting_end:
