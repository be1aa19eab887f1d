/* segments.c: exact conversion between VMCS access rights and struct kvm_segment. */
#include "internal.h"

uint32_t seg_to_ar(const struct kvm_segment *s)
{
    uint32_t ar = (uint32_t)(s->type & 0xf);
    ar |= (uint32_t)(s->s & 1) << 4;
    ar |= (uint32_t)(s->dpl & 3) << 5;
    ar |= (uint32_t)(s->present & 1) << 7;
    ar |= (uint32_t)(s->avl & 1) << 12;
    ar |= (uint32_t)(s->l & 1) << 13;
    ar |= (uint32_t)(s->db & 1) << 14;
    ar |= (uint32_t)(s->g & 1) << 15;
    ar |= (uint32_t)(s->unusable & 1) << 16;
    return ar;
}

void seg_from_ar(struct kvm_segment *s, uint32_t ar)
{
    s->type = ar & 0xf;
    s->s = (ar >> 4) & 1;
    s->dpl = (ar >> 5) & 3;
    s->present = (ar >> 7) & 1;
    s->avl = (ar >> 12) & 1;
    s->l = (ar >> 13) & 1;
    s->db = (ar >> 14) & 1;
    s->g = (ar >> 15) & 1;
    s->unusable = (ar >> 16) & 1;
}
