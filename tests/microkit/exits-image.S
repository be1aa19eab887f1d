/* exits-image.S: the exits test's guest inside its VMM's image. */
    .section .rodata
    .globl _guest_image, _guest_image_end
_guest_image:
    .incbin "exits-guest.bin"
_guest_image_end:
    .section .note.GNU-stack, "", @progbits
