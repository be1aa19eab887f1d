/* memplan.c: the loader's map of guest RAM: image ranges, reserved ranges and loader data, never overlapping. */
#include <errno.h>

#include "run.h"

void plan_init(struct memplan *p, uint64_t ram)
{
    p->ram = ram;
    p->n = 0;
}

static bool overlaps(const struct region *r, uint64_t start, uint64_t end)
{
    return start < r->end && r->start < end;
}

static int add(struct memplan *p, uint64_t start, uint64_t len, enum region_kind kind, const char *what)
{
    if (p->n == PLAN_MAX) {
        errno = ENOSPC;
        return -1;
    }
    p->r[p->n++] = (struct region){start, start + len, kind, what};
    return 0;
}

/* An image range or a reserved one: the image may overlap reserved ranges (and itself); loader data never. */
int plan_mark(struct memplan *p, uint64_t start, uint64_t len, enum region_kind kind, const char *what)
{
    if (kind == REGION_LOADER || len == 0 || start + len < start) {
        errno = EINVAL;
        return -1;
    }
    return add(p, start, len, kind, what);
}

bool plan_is_free(const struct memplan *p, uint64_t start, uint64_t len)
{
    if (len == 0 || start > p->ram || len > p->ram - start)
        return false;
    for (unsigned i = 0; i < p->n; i++)
        if (overlaps(&p->r[i], start, start + len))
            return false;
    return true;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Does [c, c+len) fit in [lo, hi) and in free RAM? Candidates come from gap edges, so overflow is checked. */
static bool fits(const struct memplan *p, uint64_t c, uint64_t len, uint64_t lo, uint64_t hi)
{
    return c >= lo && c <= hi && len <= hi - c && plan_is_free(p, c, len);
}

/* The lowest (or highest) aligned free address in [lo, hi): candidates are lo, hi and every region's edges. */
static bool search(const struct memplan *p, const struct placement *w, uint64_t align, uint64_t hi, uint64_t *out)
{
    bool found = false;
    for (unsigned i = 0; i <= p->n; i++) {
        uint64_t c;
        if (!w->top_down)
            c = align_up(i < p->n ? p->r[i].end : w->lo, align);
        else if ((c = i < p->n ? p->r[i].start : hi) >= w->len)
            c = (c - w->len) & ~(align - 1);
        else
            continue;
        if (fits(p, c, w->len, w->lo, hi) && (!found || (w->top_down ? c > *out : c < *out))) {
            *out = c;
            found = true;
        }
    }
    return found;
}

int plan_place(struct memplan *p, const struct placement *want, uint64_t *addr)
{
    uint64_t align = want->align ? want->align : 1, hi = want->hi && want->hi < p->ram ? want->hi : p->ram, a = 0;
    if (want->len == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return -1;
    }
    if (want->prefer_set && want->prefer % align == 0 && fits(p, want->prefer, want->len, want->lo, hi))
        a = want->prefer;
    else if (!search(p, want, align, hi, &a)) {
        errno = ENOMEM;
        return -1;
    }
    if (add(p, a, want->len, REGION_LOADER, want->what) < 0)
        return -1;
    *addr = a;
    return 0;
}
