/* common.h: what every file of libvcpuctx sees first: the public API (keeping its default visibility), the
   architectural bits, and the attributes that lay out the exit path. */
#ifndef VCPUCTX_COMMON_H
#define VCPUCTX_COMMON_H

#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the public headers declare keeps default visibility; the rest of the library is hidden (-fvisibility=hidden)
   and localised in the archive, so libvcpuctx.a and libvcpuctx.so export vm_* and vcpuctx_* alone. */
#pragma GCC visibility push(default)
#include "vcpuctx.h"
#pragma GCC visibility pop

#include "x86_bits.h"

/* What runs at every exit: kept together in .text.hot, so that the few pages it spans stay in the TLB across
   KVM_RUN (scripts/bench.c measures the cost of each distinct page and line touched after an exit). */
#define HOT        __attribute__((hot))
/* What a HOT function calls only off its common path (a first decode, another kind of exit): kept out of it, so
   that the hot section holds the common path alone. */
#define NOT_INLINE __attribute__((noinline))

#define PAGE_SIZE 4096ULL /* guest-physical granularity of RAM, ROMs and memory slots */

/* Whether [a, a + alen) and [b, b + blen) share a byte. */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

#endif /* VCPUCTX_COMMON_H */
