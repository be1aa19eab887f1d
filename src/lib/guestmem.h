/* guestmem.h: guestmem.c, guest-virtual reads and writes through the guest's segments and paging. */
#ifndef VCPUCTX_GUESTMEM_H
#define VCPUCTX_GUESTMEM_H

#include "common.h"

#pragma GCC visibility push(hidden)

int guest_linear_to_phys(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint64_t *pa);
size_t guest_read_linear(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint8_t *buf, size_t len);
/* The RAM behind [la, la + len) when it lies in one page, as guest_read_linear reads it; NULL otherwise. */
const uint8_t *guest_linear_span(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, size_t len);
/* Copy between buf and guest memory by linear address, page by page, up to the first page that is not memory:
   RAM, and ROM too with GUEST_ROM (the debugger's view); into the guest with GUEST_WRITE. Returns bytes copied. */
enum { GUEST_WRITE = 1, GUEST_ROM = 2 };
size_t guest_copy_linear(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint8_t *buf, size_t len,
                         unsigned flags);

#pragma GCC visibility pop

#endif /* VCPUCTX_GUESTMEM_H */
