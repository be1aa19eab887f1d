/* sel4vm/guest_vm_exits.h: libsel4vm's classes of guest exit, with upstream's names and values. */
#ifndef SEL4VM_GUEST_VM_EXITS_H
#define SEL4VM_GUEST_VM_EXITS_H

/* Upstream's vm_run sorts what woke the VMM into these; vcpuctx's vm_run reports VT-x exit reasons instead
   (vcpuctx.h), and code that names these compiles. */
typedef enum vm_exit_codes {
    VM_GUEST_MMIO_EXIT,
    VM_GUEST_IO_EXIT,
    VM_GUEST_NOTIFICATION_EXIT,
    VM_GUEST_UNKNOWN_EXIT
} vm_exit_codes_t;

#define VM_GUEST_ERROR_EXIT -1

#endif /* SEL4VM_GUEST_VM_EXITS_H */
