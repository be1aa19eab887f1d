/* segments.h: segments.c, VMCS access rights <-> struct kvm_segment (no KVM: unit-tested). */
#ifndef VCPUCTX_SEGMENTS_H
#define VCPUCTX_SEGMENTS_H

#include "common.h"

#pragma GCC visibility push(hidden)

uint32_t seg_to_ar(const struct kvm_segment *s);
void seg_from_ar(struct kvm_segment *s, uint32_t ar);

#pragma GCC visibility pop

#endif /* VCPUCTX_SEGMENTS_H */
