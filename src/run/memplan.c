/* memplan.c: the loader's map of guest RAM: image ranges, reserved ranges and loader data, never overlapping. */
#include <errno.h>

#include "../devices/devices.h"
#include "run.h"

#define HIGH_RESERVED (128u << 10) /* the top of RAM, kept by SeaBIOS under QEMU */

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

bool plan_overlaps_image(const struct memplan *p, uint64_t start, uint64_t len)
{
    for (unsigned i = 0; i < p->n; i++)
        if (p->r[i].kind == REGION_IMAGE && overlaps(&p->r[i], start, start + len))
            return true;
    return false;
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

int plan_put(struct memplan *p, const struct placement *want, uint64_t *addr, char *err, size_t len)
{
    if (plan_place(p, want, addr) == 0)
        return 0;
    return load_error(err, len, "no free RAM for the %s (%llu bytes) outside the kernel (-m)", want->what,
                      (unsigned long long)want->len);
}

/* The map SeaBIOS gives a -kernel under QEMU's default machine (QEMU 7.2's): RAM below 4 GiB and, from 3.5 GiB of
   RAM on, above it (pc_ram_below_4g); its last entry is the HyperTransport hole below 1 TiB that QEMU reserves for
   its default (AMD) CPU model. RAM is at least 2 MiB. */
unsigned pc_e820_map(uint64_t ram, struct e820 *m)
{
    uint64_t low = pc_ram_below_4g(ram);
    unsigned n = 0;
    m[n++] = (struct e820){0, 0x9fc00, 1};
    m[n++] = (struct e820){0x9fc00, 0x400, 2};
    m[n++] = (struct e820){0xf0000, 0x10000, 2};
    m[n++] = (struct e820){0x100000, low - HIGH_RESERVED - 0x100000, 1};
    m[n++] = (struct e820){low - HIGH_RESERVED, HIGH_RESERVED, 2};
    m[n++] = (struct e820){0xfffc0000, 0x40000, 2};
    if (ram > low)
        m[n++] = (struct e820){PC_HIGH_RAM_BASE, ram - low, 1};
    m[n++] = (struct e820){0xfd00000000ULL, 0x300000000ULL, 2};
    return n;
}

/* What the e820 map does not call usable (the EBDA, the VGA and BIOS area, the top of RAM), and page 0 (an
   address of 0 would read as a null pointer): no boot data goes there. */
int plan_reserved(struct memplan *p, uint64_t ram, const struct e820 *map, unsigned n)
{
    uint64_t from = 0x1000;
    int r = plan_mark(p, 0, from, REGION_RESERVED, "page 0");
    for (unsigned i = 0; i < n && r == 0; i++) {
        if (map[i].type != 1)
            continue;
        if (map[i].base > from)
            r = plan_mark(p, from, map[i].base - from, REGION_RESERVED, "not usable in the e820 map");
        from = map[i].base + map[i].len;
    }
    if (r == 0 && from < ram)
        r = plan_mark(p, from, ram - from, REGION_RESERVED, "not usable in the e820 map");
    return r;
}
