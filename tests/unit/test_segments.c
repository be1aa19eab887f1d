/* test_segments.c: VMCS access rights <-> struct kvm_segment, exhaustively over every defined bit pattern. */
#include <criterion/criterion.h>

#include "segments.h"

Test(segments, every_access_rights_value_round_trips)
{
    unsigned n = 0;
    for (uint32_t ar = 0; ar <= VMX_AR_DEFINED; ar++) {
        if (ar & ~VMX_AR_DEFINED)
            continue;
        struct kvm_segment s;
        memset(&s, 0xcc, sizeof(s));
        seg_from_ar(&s, ar);
        cr_assert_eq(seg_to_ar(&s), ar, "0x%x", ar);
        n++;
    }
    cr_assert_eq(n, 1u << 13);
}

Test(segments, fields_land_in_the_right_members)
{
    struct kvm_segment s;
    memset(&s, 0, sizeof(s));
    seg_from_ar(&s, 0xa09b);
    cr_assert(s.type == 0xb && s.s == 1 && s.dpl == 0 && s.present == 1 && s.l == 1 && s.db == 0 && s.g == 1);
    seg_from_ar(&s, 0x100f3);
    cr_assert(s.type == 3 && s.dpl == 3 && s.unusable == 1 && s.g == 0 && s.avl == 0);
    memset(&s, 0, sizeof(s));
    s.type = 0xb;
    s.present = 1;
    cr_assert_eq(seg_to_ar(&s), 0x8b, "busy TSS");
}
