/* claims.h: claims.c, what occupies guest-physical addresses: main RAM, RAM blocks, ROMs, reservations. */
#ifndef VCPUCTX_CLAIMS_H
#define VCPUCTX_CLAIMS_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* Whether any RAM overlaps [gpa, gpa + len). */
bool ram_overlaps(const struct vm *vm, uint64_t gpa, uint64_t len);
/* The end of the first reservation overlapping [gpa, gpa + len), 0 if none. */
uint64_t reservation_overlap_end(const struct vm *vm, uint64_t gpa, uint64_t len);
/* The end of the first RAM, ROM or reservation a range overlaps, 0 if it overlaps none. */
uint64_t claimed_end(const struct vm *vm, uint64_t gpa, uint64_t len);

#pragma GCC visibility pop

#endif /* VCPUCTX_CLAIMS_H */
