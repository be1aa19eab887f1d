/* guest_image.S: the guest, inside the VMM's image (as libvmm packages its guest images). */
    .section .rodata
    .globl _guest_image, _guest_image_end
_guest_image:
    .incbin "guest.bin"
_guest_image_end:
    .section .note.GNU-stack, "", @progbits
