/* segments.c: exact conversion between VMCS access rights and struct kvm_segment. */
#include "segments.h"

uint32_t seg_to_ar(const struct kvm_segment *s)
{
    uint32_t ar = (uint32_t)(s->type & AR_TYPE_MASK) | (uint32_t)(s->dpl & 3) << AR_DPL_SHIFT;
    ar |=
        ((s->s & 1) ? AR_S : 0) | ((s->present & 1) ? AR_P : 0) | ((s->avl & 1) ? AR_AVL : 0) | ((s->l & 1) ? AR_L : 0);
    ar |= ((s->db & 1) ? AR_DB : 0) | ((s->g & 1) ? AR_G : 0) | ((s->unusable & 1) ? AR_UNUSABLE : 0);
    return ar;
}

void seg_from_ar(struct kvm_segment *s, uint32_t ar)
{
    s->type = ar & AR_TYPE_MASK;
    s->s = !!(ar & AR_S);
    s->dpl = (ar >> AR_DPL_SHIFT) & 3;
    s->present = !!(ar & AR_P);
    s->avl = !!(ar & AR_AVL);
    s->l = !!(ar & AR_L);
    s->db = !!(ar & AR_DB);
    s->g = !!(ar & AR_G);
    s->unusable = !!(ar & AR_UNUSABLE);
}
