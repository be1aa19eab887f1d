/* test_memplan.c: the loader's memory plan: preferred addresses, fall-backs, alignment, refusals that change
   nothing. */
#include <criterion/criterion.h>
#include <errno.h>

#include "run/run.h"

static struct memplan p;

static void fresh(void)
{
    plan_init(&p, 16u << 20);
}

TestSuite(memplan, .init = fresh);

static uint64_t place(uint64_t len, uint64_t align, uint64_t prefer, bool top_down)
{
    struct placement w = {len, align, 0, 0, prefer, prefer != 0, top_down, "test"};
    uint64_t a = 0;
    cr_assert_eq(plan_place(&p, &w, &a), 0, "placing %llu bytes: errno %d", (unsigned long long)len, errno);
    return a;
}

Test(memplan, the_preferred_address_when_it_is_free)
{
    cr_assert_eq(plan_mark(&p, 0x100000, 0x5000, REGION_IMAGE, "kernel"), 0);
    cr_assert_eq(place(88, 4, 0x9500, false), 0x9500);
    cr_assert_eq(p.r[p.n - 1].kind, REGION_LOADER);
    cr_assert_eq(p.r[p.n - 1].end, 0x9500 + 88);
}

Test(memplan, past_an_image_on_the_preferred_address)
{
    cr_assert_eq(plan_mark(&p, 0x8000, 0x8000, REGION_IMAGE, "kernel"), 0);
    cr_assert_eq(plan_mark(&p, 0, 0x1000, REGION_RESERVED, "page 0"), 0);
    cr_assert_eq(place(88, 4, 0x9500, false), 0x1000, "the lowest free address instead");
    cr_assert_eq(place(0x7000, 4096, 0x9000, false), 0x10000, "0x1058-0x8000 is too small once aligned");
    cr_assert(!plan_is_free(&p, 0x1000, 1), "now taken");
}

Test(memplan, adjacent_ranges_do_not_overlap)
{
    cr_assert_eq(plan_mark(&p, 0x1000, 0x1000, REGION_IMAGE, "a"), 0);
    cr_assert_eq(place(0x1000, 4096, 0x2000, false), 0x2000);
    cr_assert(plan_is_free(&p, 0x3000, 0x1000));
    cr_assert(!plan_is_free(&p, 0x2fff, 2));
}

Test(memplan, top_down_takes_the_highest_aligned_room)
{
    cr_assert_eq(plan_mark(&p, (16u << 20) - 0x10000, 0x10000, REGION_IMAGE, "image"), 0);
    cr_assert_eq(place(0x6000, 4096, 0, true), (16u << 20) - 0x16000);
    cr_assert_eq(place(0x100, 4096, 0, true), (16u << 20) - 0x17000, "below the first, page aligned");
}

Test(memplan, a_window_bounds_the_search)
{
    struct placement w = {0x1000, 4096, 0x200000, 0x300000, 0, false, false, "windowed"};
    uint64_t a;
    cr_assert_eq(plan_mark(&p, 0x200000, 0x80000, REGION_IMAGE, "image"), 0);
    cr_assert_eq(plan_place(&p, &w, &a), 0);
    cr_assert_eq(a, 0x280000);
    w.prefer = 0x100000; /* preferred, but outside the window */
    w.prefer_set = true;
    cr_assert_eq(plan_place(&p, &w, &a), 0);
    cr_assert_eq(a, 0x281000);
}

Test(memplan, nothing_fits_fails_and_changes_nothing)
{
    cr_assert_eq(plan_mark(&p, 0, 16u << 20, REGION_IMAGE, "everything"), 0);
    unsigned n = p.n;
    struct placement w = {16, 4, 0, 0, 0x9000, true, false, "no room"};
    uint64_t a = 0x1234;
    errno = 0;
    cr_assert_eq(plan_place(&p, &w, &a), -1);
    cr_assert_eq(errno, ENOMEM);
    cr_assert_eq(p.n, n);
    cr_assert_eq(a, 0x1234, "the address is left alone");
}

Test(memplan, bad_requests_are_refused)
{
    uint64_t a;
    errno = 0;
    cr_assert_eq(plan_mark(&p, 0x1000, 0, REGION_IMAGE, "empty"), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(plan_mark(&p, 0x1000, 16, REGION_LOADER, "loader data is placed, not marked"), -1);
    cr_assert_eq(plan_mark(&p, UINT64_MAX - 4, 16, REGION_IMAGE, "wraps"), -1);
    struct placement w = {16, 3, 0, 0, 0, false, false, "alignment not a power of two"};
    cr_assert_eq(plan_place(&p, &w, &a), -1);
    cr_assert_eq(errno, EINVAL);
    w = (struct placement){0, 4, 0, 0, 0, false, false, "empty"};
    cr_assert_eq(plan_place(&p, &w, &a), -1);
    cr_assert_eq(p.n, 0, "nothing recorded");
    cr_assert(!plan_is_free(&p, (16u << 20) - 8, 16), "past the end of RAM is not free");
}

Test(memplan, the_table_has_a_bound)
{
    for (unsigned i = 0; i < PLAN_MAX; i++)
        cr_assert_eq(plan_mark(&p, i * 0x1000, 0x1000, REGION_IMAGE, "segment"), 0);
    errno = 0;
    cr_assert_eq(plan_mark(&p, 0x800000, 0x1000, REGION_IMAGE, "one more"), -1);
    cr_assert_eq(errno, ENOSPC);
    cr_assert_eq(p.n, PLAN_MAX);
}
