/* sdf_check.c: what a system description must say beyond its XML: names that resolve, maps that fit and do not
   overlap, channels between PDs that exist, calls only upward in priority and never into a VM's PD, regions the
   machine's RAM can hold, and the variables a PD's image must have for setvar. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sdf.h"

#define USER_TOP 0x800000000000ULL /* x86-64 user addresses end here */

static int pd_named(const struct mk_system *s, const char *name)
{
    for (uint32_t i = 0; i < s->npds; i++)
        if (!strcmp(s->pds[i].name, name))
            return (int)i;
    return -1;
}

static int mr_named(const struct mk_system *s, const char *name)
{
    for (uint32_t i = 0; i < s->nmrs; i++)
        if (!strcmp(s->mrs[i].name, name))
            return (int)i;
    return -1;
}

/* Where a setvar was written: its PD, and the element's place for the refusal. */
struct where {
    int pd, line, col;
    const char *el;
};

static int add_setvar(struct sdf *sdf, struct where w, const char *symbol, uint64_t value)
{
    struct mk_pd *pd = &sdf->sys->pds[w.pd];
    uint64_t addr, size;
    if (pd->nsetvars == MK_MAX_SETVARS) {
        sdf_error(sdf, w.line, w.col, w.el, "more than %d setvar symbols in PD '%s'", MK_MAX_SETVARS, pd->name);
        return -1;
    }
    if (!pd->image[0] || elf_symbol(pd->image, symbol, &addr, &size) < 0) {
        sdf_error(sdf, w.line, w.col, w.el, "setvar '%s': no such symbol in PD '%s''s image", symbol, pd->name);
        return -1;
    }
    if (size != 8) {
        sdf_error(sdf, w.line, w.col, w.el, "setvar '%s': a symbol of %llu bytes, not a 64-bit variable", symbol,
                  (unsigned long long)size);
        return -1;
    }
    struct mk_setvar *v = &pd->setvars[pd->nsetvars++];
    snprintf(v->symbol, sizeof(v->symbol), "%s", symbol);
    v->addr = addr;
    v->value = value;
    return 0;
}

/* The maps of one address space (a PD's, or its VM's): none overlaps another. */
static int check_overlap(struct sdf *sdf, const struct mk_map *maps, uint32_t n, const struct sdf_map *last)
{
    const struct mk_map *b = &maps[n - 1];
    uint64_t bsize = sdf->sys->mrs[b->mr].size;
    for (uint32_t i = 0; i + 1 < n; i++) {
        const struct mk_map *a = &maps[i];
        if (a->vaddr < b->vaddr + bsize && b->vaddr < a->vaddr + sdf->sys->mrs[a->mr].size) {
            sdf_error(sdf, last->line, last->col, "map", "'%s' at 0x%llx overlaps '%s' at 0x%llx", last->mr,
                      (unsigned long long)b->vaddr, sdf->sys->mrs[a->mr].name, (unsigned long long)a->vaddr);
            return -1;
        }
    }
    return 0;
}

static int resolve_map(struct sdf *sdf, const struct sdf_map *m)
{
    struct mk_pd *pd = &sdf->sys->pds[m->pd];
    int mr = mr_named(sdf->sys, m->mr);
    if (mr < 0) {
        sdf_error(sdf, m->line, m->col, "map", "no memory region '%s'", m->mr);
        return -1;
    }
    const struct mk_mr *r = &sdf->sys->mrs[mr];
    if (m->vaddr % r->page_size || m->vaddr + r->size > USER_TOP || m->vaddr + r->size < m->vaddr) {
        sdf_error(sdf, m->line, m->col, "map", "'%s' at 0x%llx: not aligned to its page size 0x%llx, or past 0x%llx",
                  m->mr, (unsigned long long)m->vaddr, (unsigned long long)r->page_size, USER_TOP);
        return -1;
    }
    uint32_t *n = m->vm ? &pd->vm.nmaps : &pd->nmaps;
    struct mk_map *maps = m->vm ? pd->vm.maps : pd->maps;
    if (*n == MK_MAX_MAPS) {
        sdf_error(sdf, m->line, m->col, "map", "more than %d maps in PD '%s'", MK_MAX_MAPS, pd->name);
        return -1;
    }
    maps[(*n)++] = (struct mk_map){(uint32_t)mr, m->perms, m->vaddr, m->cached};
    if (check_overlap(sdf, maps, *n, m) < 0)
        return -1;
    struct where w = {m->pd, m->line, m->col, "map"};
    if (m->setvar_vaddr[0] && add_setvar(sdf, w, m->setvar_vaddr, m->vaddr) < 0)
        return -1;
    return m->setvar_size[0] ? add_setvar(sdf, w, m->setvar_size, r->size) : 0;
}

static int resolve_end(struct sdf *sdf, const struct sdf_end *e, int *pd)
{
    *pd = pd_named(sdf->sys, e->pd);
    if (*pd < 0) {
        sdf_error(sdf, e->line, e->col, "end", "no PD '%s'", e->pd);
        return -1;
    }
    const struct mk_pd *p = &sdf->sys->pds[*pd];
    if (p->ends[e->id].used || p->irqs[e->id].used) {
        sdf_error(sdf, e->line, e->col, "end", "id %u is taken twice in PD '%s'", e->id, p->name);
        return -1;
    }
    return 0;
}

/* A call goes from the pp end's PD to the other, which must outrank it and must not run a VM. */
static int check_call(struct sdf *sdf, const struct sdf_end *from, int caller, int callee)
{
    const struct mk_pd *a = &sdf->sys->pds[caller], *b = &sdf->sys->pds[callee];
    if (b->vm.present) {
        sdf_error(sdf, from->line, from->col, "end", "PD '%s' runs a virtual machine and cannot be called", b->name);
        return -1;
    }
    if (b->priority <= a->priority) {
        sdf_error(sdf, from->line, from->col, "end",
                  "'%s' (priority %u) may call only a PD of higher priority, not '%s' (%u)", a->name, a->priority,
                  b->name, b->priority);
        return -1;
    }
    return 0;
}

static int resolve_channel(struct sdf *sdf, const struct sdf_channel *ch)
{
    int pd[2];
    if (resolve_end(sdf, &ch->end[0], &pd[0]) < 0 || resolve_end(sdf, &ch->end[1], &pd[1]) < 0)
        return -1;
    if (pd[0] == pd[1] || (ch->end[0].pp && ch->end[1].pp)) {
        sdf_error(sdf, ch->line, ch->col, "channel", "%s",
                  pd[0] == pd[1] ? "both ends are the same PD" : "both ends have pp=\"true\"");
        return -1;
    }
    for (int i = 0; i < 2; i++)
        if (ch->end[i].pp && check_call(sdf, &ch->end[i], pd[i], pd[1 - i]) < 0)
            return -1;
    for (int i = 0; i < 2; i++) {
        const struct sdf_end *e = &ch->end[i];
        sdf->sys->pds[pd[i]].ends[e->id] =
            (struct mk_end){true, e->notify, e->pp, (uint8_t)pd[1 - i], (uint8_t)ch->end[1 - i].id};
    }
    return 0;
}

static uint64_t machine_ram(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : UINT64_MAX;
}

static int check_regions(struct sdf *sdf)
{
    uint64_t limit = sdf->ram_limit ? sdf->ram_limit : machine_ram(), total = 0;
    for (uint32_t i = 0; i < sdf->sys->nmrs; i++) {
        total += sdf->sys->mrs[i].size;
        if (total > limit || total < sdf->sys->mrs[i].size) {
            sdf_error(sdf, sdf->mr_line[i], sdf->mr_col[i], "memory_region",
                      "'%s' (0x%llx bytes) takes the regions past this machine's RAM (0x%llx bytes)",
                      sdf->sys->mrs[i].name, (unsigned long long)sdf->sys->mrs[i].size, (unsigned long long)limit);
            return -1;
        }
    }
    return 0;
}

/* Regions with a phys_addr do not overlap; the others get physical addresses above all of them, as Microkit
   gives them RAM: what setvar region_paddr hands a PD, and what the runtime's DMA view finds. */
static int place_regions(struct sdf *sdf)
{
    struct mk_system *s = sdf->sys;
    uint64_t next = MK_PHYS_BASE;
    for (uint32_t i = 0; i < s->nmrs; i++) {
        const struct mk_mr *b = &s->mrs[i];
        for (uint32_t j = 0; b->phys_given && j < i; j++) {
            const struct mk_mr *a = &s->mrs[j];
            if (a->phys_given && a->phys_addr < b->phys_addr + b->size && b->phys_addr < a->phys_addr + a->size) {
                sdf_error(sdf, sdf->mr_line[i], sdf->mr_col[i], "memory_region",
                          "'%s' at physical 0x%llx overlaps '%s' at 0x%llx", b->name, (unsigned long long)b->phys_addr,
                          a->name, (unsigned long long)a->phys_addr);
                return -1;
            }
        }
        if (b->phys_given && b->phys_addr + b->size > next)
            next = b->phys_addr + b->size;
    }
    for (uint32_t i = 0; i < s->nmrs; i++) {
        struct mk_mr *mr = &s->mrs[i];
        if (mr->phys_given)
            continue;
        next = (next + mr->page_size - 1) & ~(mr->page_size - 1);
        if (next > MK_PHYS_TOP || mr->size > MK_PHYS_TOP - next) {
            sdf_error(sdf, sdf->mr_line[i], sdf->mr_col[i], "memory_region",
                      "'%s': no physical address space left for it below 0x%llx", mr->name, MK_PHYS_TOP);
            return -1;
        }
        mr->phys_addr = next;
        next += mr->size;
    }
    return 0;
}

static int resolve_paddr(struct sdf *sdf, const struct sdf_paddr *v)
{
    int mr = mr_named(sdf->sys, v->mr);
    if (mr < 0) {
        sdf_error(sdf, v->line, v->col, "setvar", "no memory region '%s'", v->mr);
        return -1;
    }
    return add_setvar(sdf, (struct where){v->pd, v->line, v->col, "setvar"}, v->symbol, sdf->sys->mrs[mr].phys_addr);
}

/* No two PDs share an I/O port: each device behind the board's ports has one driver. */
static int check_ioports(struct sdf *sdf)
{
    const struct mk_system *s = sdf->sys;
    for (uint32_t a = 0; a < s->npds; a++)
        for (uint32_t b = a + 1; b < s->npds; b++)
            for (unsigned int i = 0; i < MK_MAX_IDS; i++)
                for (unsigned int j = 0; j < MK_MAX_IDS; j++) {
                    const struct mk_ioport *x = &s->pds[a].ioports[i], *y = &s->pds[b].ioports[j];
                    if (x->used && y->used && x->addr < y->addr + y->size && y->addr < x->addr + x->size) {
                        sdf_error(sdf, sdf->pd_line[b], sdf->pd_col[b], "protection_domain",
                                  "'%s''s I/O ports 0x%x+%u overlap '%s''s 0x%x+%u", s->pds[b].name, y->addr, y->size,
                                  s->pds[a].name, x->addr, x->size);
                        return -1;
                    }
                }
    return 0;
}

int sdf_check(struct sdf *sdf)
{
    struct mk_system *s = sdf->sys;
    if (s->npds == 0) {
        sdf_error(sdf, 1, 1, "system", "no protection_domain");
        return -1;
    }
    for (uint32_t i = 0; i < s->npds; i++) {
        if (!s->pds[i].image[0]) {
            sdf_error(sdf, sdf->pd_line[i], sdf->pd_col[i], "protection_domain", "'%s' has no program_image",
                      s->pds[i].name);
            return -1;
        }
    }
    if (check_regions(sdf) < 0 || place_regions(sdf) < 0 || check_ioports(sdf) < 0)
        return -1;
    for (size_t i = 0; i < sdf->npaddrs; i++)
        if (resolve_paddr(sdf, &sdf->paddrs[i]) < 0)
            return -1;
    for (size_t i = 0; i < sdf->nmaps; i++)
        if (resolve_map(sdf, &sdf->maps[i]) < 0)
            return -1;
    for (size_t i = 0; i < sdf->nchannels; i++)
        if (resolve_channel(sdf, &sdf->channels[i]) < 0)
            return -1;
    s->magic = MK_MAGIC;
    return 0;
}
