/* sdf_elements.c: each element of a Microkit system description: its attributes checked (Microkit's names; an
   unknown one is refused, as the Microkit tool refuses it) and the system's layout filled. Names that may be
   defined later (regions, PDs) are kept as written and resolved by sdf_check. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sdf_parse.h"

static void on_memory_region(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"name", "size", "page_size", "phys_addr", NULL};
    const char *el = "memory_region";
    struct mk_system *s = c->sdf->sys;
    if (!sdf_attrs_known(c, el, atts, known))
        return;
    if (s->nmrs == MK_MAX_MRS) {
        sdf_refuse(c, el, "more than %d memory regions", MK_MAX_MRS);
        return;
    }
    struct mk_mr *mr = &s->mrs[s->nmrs];
    mr->page_size = 0x1000;
    mr->phys_addr = MK_PHYS_NONE;
    if (!sdf_name(c, el, atts, "name", mr->name) || !sdf_number(c, el, atts, "size", true, &mr->size) ||
        !sdf_number(c, el, atts, "page_size", false, &mr->page_size) ||
        !sdf_number(c, el, atts, "phys_addr", false, &mr->phys_addr))
        return;
    for (uint32_t i = 0; i < s->nmrs; i++)
        if (!strcmp(s->mrs[i].name, mr->name))
            return sdf_refuse(c, el, "'%s' is defined twice", mr->name);
    if (mr->page_size != 0x1000 && mr->page_size != 0x200000)
        return sdf_refuse(c, el, "'%s': page_size must be 0x1000 or 0x200000", mr->name);
    if (mr->size == 0 || mr->size % mr->page_size)
        return sdf_refuse(c, el, "'%s': size 0x%llx is not a multiple of its page size 0x%llx", mr->name,
                          (unsigned long long)mr->size, (unsigned long long)mr->page_size);
    if (mr->phys_addr != MK_PHYS_NONE &&
        (mr->phys_addr % mr->page_size || mr->phys_addr > MK_PHYS_TOP || mr->size > MK_PHYS_TOP - mr->phys_addr))
        return sdf_refuse(c, el, "'%s': phys_addr 0x%llx is not aligned to its page size, or ends past 0x%llx",
                          mr->name, (unsigned long long)mr->phys_addr, MK_PHYS_TOP);
    mr->phys_given = mr->phys_addr != MK_PHYS_NONE;
    mr->fd = -1;
    c->sdf->mr_line[s->nmrs] = (int)XML_GetCurrentLineNumber(c->parser);
    c->sdf->mr_col[s->nmrs] = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    s->nmrs++;
}

static void on_protection_domain(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"name", "priority", "budget", "period", "passive", "stack_size",
                                        "smc",  "cpu",      "domain", "fpu",    "id",      NULL};
    const char *el = "protection_domain";
    struct mk_system *s = c->sdf->sys;
    if (c->pd >= 0)
        return sdf_refuse(c, el, "a PD inside '%s': child PDs are not supported on Linux", s->pds[c->pd].name);
    if (!sdf_attrs_known(c, el, atts, known))
        return;
    if (s->npds == MK_MAX_PDS)
        return sdf_refuse(c, el, "more than %d PDs", MK_MAX_PDS);
    struct mk_pd *pd = &s->pds[s->npds];
    uint64_t prio = 0;
    pd->stack_size = 0x2000;
    if (!sdf_name(c, el, atts, "name", pd->name) || !sdf_number(c, el, atts, "priority", false, &prio) ||
        !sdf_boolean(c, el, atts, "passive", false, &pd->passive) ||
        !sdf_number(c, el, atts, "stack_size", false, &pd->stack_size))
        return;
    if (prio > 254)
        return sdf_refuse(c, el, "'%s': priority %llu is over 254", pd->name, (unsigned long long)prio);
    for (uint32_t i = 0; i < s->npds; i++)
        if (!strcmp(s->pds[i].name, pd->name))
            return sdf_refuse(c, el, "'%s' is defined twice", pd->name);
    pd->priority = (uint32_t)prio;
    c->sdf->pd_line[s->npds] = (int)XML_GetCurrentLineNumber(c->parser);
    c->sdf->pd_col[s->npds] = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    c->pd = (int)s->npds++;
}

/* The image's path: absolute as given, else in the first search directory that has it (the first, when none
   has: the refusal then names it), else beside the description. */
static bool image_path(const struct sdf *sdf, const char *path, char *out, size_t size)
{
    char dir[MK_PATH_LEN];
    if (path[0] == '/')
        return (size_t)snprintf(out, size, "%s", path) < size;
    for (size_t i = 0; sdf->search && sdf->search[i]; i++) {
        if ((size_t)snprintf(out, size, "%s/%s", sdf->search[i], path) >= size)
            return false;
        if (access(out, F_OK) == 0)
            return true;
    }
    if (sdf->search && sdf->search[0])
        return (size_t)snprintf(out, size, "%s/%s", sdf->search[0], path) < size;
    snprintf(dir, sizeof(dir), "%s", sdf->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    return (size_t)snprintf(out, size, "%s/%s", dir, path) < size;
}

static void on_program_image(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"path", "path_for_symbols", NULL};
    const char *el = "program_image", *path = sdf_attr(atts, "path");
    struct mk_pd *pd = &c->sdf->sys->pds[c->pd];
    if (!sdf_attrs_known(c, el, atts, known))
        return;
    if (!path)
        return sdf_refuse(c, el, "missing attribute 'path'");
    if (pd->image[0])
        return sdf_refuse(c, el, "PD '%s' has two program images", pd->name);
    if (!image_path(c->sdf, path, pd->image, sizeof(pd->image)))
        return sdf_refuse(c, el, "path too long: '%s'", path);
    const char *why = elf_check(pd->image);
    if (why)
        sdf_refuse(c, el, "PD '%s': '%s': %s", pd->name, pd->image, why);
}

static bool perms_of(struct sdf_ctx *c, const char *s, uint32_t *perms)
{
    *perms = 0;
    for (const char *p = s; *p; p++) {
        uint32_t bit = *p == 'r' ? MK_PERM_R : *p == 'w' ? MK_PERM_W : *p == 'x' ? MK_PERM_X : 0;
        if (!bit || (*perms & bit)) {
            sdf_refuse(c, "map", "perms must be a combination of 'r', 'w' and 'x', not '%s'", s);
            return false;
        }
        *perms |= bit;
    }
    if (*perms == MK_PERM_W || *perms == 0) {
        sdf_refuse(c, "map", "perms '%s': write-only or empty mappings are not allowed", s);
        return false;
    }
    return true;
}

static void on_map(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"mr", "vaddr", "perms", "cached", "setvar_vaddr", "setvar_size", NULL};
    static const char *const known_vm[] = {"mr", "vaddr", "perms", "cached", NULL};
    const char *el = "map";
    struct sdf *sdf = c->sdf;
    if (!sdf_attrs_known(c, el, atts, c->in_vm ? known_vm : known))
        return;
    struct sdf_map *m = sdf_grow(sdf->maps, &sdf->maps_cap, sdf->nmaps + 1, sizeof(*m));
    if (!m)
        return sdf_refuse(c, el, "out of memory");
    sdf->maps = m;
    m = &sdf->maps[sdf->nmaps];
    memset(m, 0, sizeof(*m));
    m->pd = c->pd;
    m->vm = c->in_vm;
    m->line = (int)XML_GetCurrentLineNumber(c->parser);
    m->col = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    const char *perms = sdf_attr(atts, "perms"), *sv = sdf_attr(atts, "setvar_vaddr"),
               *ss = sdf_attr(atts, "setvar_size");
    if (!sdf_name(c, el, atts, "mr", m->mr) || !sdf_number(c, el, atts, "vaddr", true, &m->vaddr) ||
        !perms_of(c, perms ? perms : "rw", &m->perms) || !sdf_boolean(c, el, atts, "cached", true, &m->cached))
        return;
    if ((sv && strlen(sv) >= MK_NAME_LEN) || (ss && strlen(ss) >= MK_NAME_LEN))
        return sdf_refuse(c, el, "symbol names are at most %d characters", MK_NAME_LEN - 1);
    snprintf(m->setvar_vaddr, sizeof(m->setvar_vaddr), "%s", sv ? sv : "");
    snprintf(m->setvar_size, sizeof(m->setvar_size), "%s", ss ? ss : "");
    sdf->nmaps++;
}

static void on_virtual_machine(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"name", "priority", "budget", "period", NULL};
    struct mk_vm *vm = &c->sdf->sys->pds[c->pd].vm;
    if (!sdf_attrs_known(c, "virtual_machine", atts, known))
        return;
    if (vm->present)
        return sdf_refuse(c, "virtual_machine", "PD '%s' has two virtual machines", c->sdf->sys->pds[c->pd].name);
    if (!sdf_name(c, "virtual_machine", atts, "name", vm->name))
        return;
    vm->present = true;
    vm->vcpu_id = UINT32_MAX;
    c->in_vm = true;
}

static void on_vcpu(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"id", "setvar_id", "cpu", NULL};
    struct mk_vm *vm = &c->sdf->sys->pds[c->pd].vm;
    uint64_t id;
    if (!sdf_attrs_known(c, "vcpu", atts, known) || !sdf_number(c, "vcpu", atts, "id", true, &id))
        return;
    if (vm->vcpu_id != UINT32_MAX)
        return sdf_refuse(c, "vcpu", "an x86 virtual machine has one vCPU (Microkit binds it to the PD's thread)");
    if (id != 0)
        return sdf_refuse(c, "vcpu", "id %llu: the one vCPU's id is 0", (unsigned long long)id);
    vm->vcpu_id = (uint32_t)id;
}

/* An id of the channel/IRQ space (0..61) not yet taken in the PD. */
static bool free_id(struct sdf_ctx *c, const char *el, struct mk_pd *pd, uint64_t id)
{
    if (id > MICROKIT_MAX_ID) {
        sdf_refuse(c, el, "id %llu: ids are 0 to %d", (unsigned long long)id, MICROKIT_MAX_ID);
        return false;
    }
    if (pd->ends[id].used || pd->irqs[id].used) {
        sdf_refuse(c, el, "id %llu is taken twice in PD '%s'", (unsigned long long)id, pd->name);
        return false;
    }
    return true;
}

static void on_irq(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"id", "setvar_id", "pin", "vector", "ioapic", "trigger", "polarity", NULL};
    const char *el = "irq", *trig = sdf_attr(atts, "trigger"), *pol = sdf_attr(atts, "polarity");
    struct mk_pd *pd = &c->sdf->sys->pds[c->pd];
    uint64_t id, pin, vector, ioapic = 0;
    if (sdf_attr(atts, "pcidev") || sdf_attr(atts, "irq"))
        return sdf_refuse(c, el,
                          "only I/O APIC pins (pin=) are supported: the board has no PCI devices to pass through");
    if (!sdf_attrs_known(c, el, atts, known) || !sdf_number(c, el, atts, "id", true, &id) ||
        !sdf_number(c, el, atts, "pin", true, &pin) || !sdf_number(c, el, atts, "vector", true, &vector) ||
        !sdf_number(c, el, atts, "ioapic", false, &ioapic) || !free_id(c, el, pd, id))
        return;
    if (pin > 23 || vector > 255 || ioapic != 0)
        return sdf_refuse(c, el, "pin %llu, vector %llu, ioapic %llu: the board has one I/O APIC of 24 pins",
                          (unsigned long long)pin, (unsigned long long)vector, (unsigned long long)ioapic);
    if ((trig && strcmp(trig, "edge") && strcmp(trig, "level")) || (pol && strcmp(pol, "high") && strcmp(pol, "low")))
        return sdf_refuse(c, el, "trigger is 'edge' or 'level', polarity 'high' or 'low'");
    pd->irqs[id] = (struct mk_irq){
        true, (uint8_t)pin, (uint8_t)vector, 0, trig && !strcmp(trig, "level"), pol && !strcmp(pol, "low")};
}

static void on_ioport(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"id", "setvar_id", "setvar_addr", "addr", "size", NULL};
    const char *el = "ioport";
    struct mk_pd *pd = &c->sdf->sys->pds[c->pd];
    uint64_t id, addr, size;
    if (!sdf_attrs_known(c, el, atts, known) || !sdf_number(c, el, atts, "id", true, &id) ||
        !sdf_number(c, el, atts, "addr", true, &addr) || !sdf_number(c, el, atts, "size", true, &size))
        return;
    if (id > MICROKIT_MAX_IOPORT_ID || pd->ioports[id].used)
        return sdf_refuse(c, el, "id %llu: I/O port ids are 0 to %d, each once", (unsigned long long)id,
                          MICROKIT_MAX_IOPORT_ID);
    if (size == 0 || addr > 0xffff || addr + size > 0x10000)
        return sdf_refuse(c, el, "ports 0x%llx+%llu are not within 0..0xffff", (unsigned long long)addr,
                          (unsigned long long)size);
    pd->ioports[id] = (struct mk_ioport){true, (uint16_t)addr, (uint16_t)size};
}

/* <setvar symbol="S" region_paddr="MR"/>: resolved once the regions have their physical addresses. */
static void on_setvar(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"symbol", "region_paddr", NULL};
    struct sdf *sdf = c->sdf;
    if (!sdf_attrs_known(c, "setvar", atts, known))
        return;
    struct sdf_paddr *v = sdf_grow(sdf->paddrs, &sdf->paddrs_cap, sdf->npaddrs + 1, sizeof(*v));
    if (!v)
        return sdf_refuse(c, "setvar", "out of memory");
    sdf->paddrs = v;
    v = &sdf->paddrs[sdf->npaddrs];
    memset(v, 0, sizeof(*v));
    if (!sdf_name(c, "setvar", atts, "symbol", v->symbol) || !sdf_name(c, "setvar", atts, "region_paddr", v->mr))
        return;
    v->pd = c->pd;
    v->line = (int)XML_GetCurrentLineNumber(c->parser);
    v->col = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    sdf->npaddrs++;
}

static void on_channel(struct sdf_ctx *c, const char **atts)
{
    struct sdf *sdf = c->sdf;
    if (atts[0])
        return sdf_refuse(c, "channel", "unknown attribute '%s'", atts[0]);
    struct sdf_channel *ch = sdf_grow(sdf->channels, &sdf->channels_cap, sdf->nchannels + 1, sizeof(*ch));
    if (!ch)
        return sdf_refuse(c, "channel", "out of memory");
    sdf->channels = ch;
    ch = &sdf->channels[sdf->nchannels];
    memset(ch, 0, sizeof(*ch));
    ch->line = (int)XML_GetCurrentLineNumber(c->parser);
    ch->col = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    c->channel = (int)sdf->nchannels++;
}

static void on_end_element(struct sdf_ctx *c, const char **atts)
{
    static const char *const known[] = {"pd", "id", "pp", "notify", "setvar_id", NULL};
    struct sdf_channel *ch = &c->sdf->channels[c->channel];
    uint64_t id;
    if (ch->nends == 2)
        return sdf_refuse(c, "end", "a channel has two ends");
    struct sdf_end *e = &ch->end[ch->nends];
    if (!sdf_attrs_known(c, "end", atts, known) || !sdf_name(c, "end", atts, "pd", e->pd) ||
        !sdf_number(c, "end", atts, "id", true, &id) || !sdf_boolean(c, "end", atts, "notify", true, &e->notify) ||
        !sdf_boolean(c, "end", atts, "pp", false, &e->pp))
        return;
    if (id > MICROKIT_MAX_ID)
        return sdf_refuse(c, "end", "id %llu: ids are 0 to %d", (unsigned long long)id, MICROKIT_MAX_ID);
    e->id = (uint32_t)id;
    e->line = (int)XML_GetCurrentLineNumber(c->parser);
    e->col = (int)XML_GetCurrentColumnNumber(c->parser) + 1;
    ch->nends++;
}

/* Which elements may stand where: the parent each needs. */
void sdf_element_start(struct sdf_ctx *c, const char *el, const char **atts)
{
    bool top = c->depth == 2 && c->pd < 0 && c->channel < 0, in_pd = c->pd >= 0 && !c->in_vm && c->depth == 3;
    bool in_vm = c->in_vm && c->depth == 4;
    if (c->depth == 1 && !strcmp(el, "system"))
        c->root_seen = true;
    else if (top && !strcmp(el, "memory_region"))
        on_memory_region(c, atts);
    else if (top && !strcmp(el, "protection_domain"))
        on_protection_domain(c, atts);
    else if (top && !strcmp(el, "channel"))
        on_channel(c, atts);
    else if (c->channel >= 0 && c->depth == 3 && !strcmp(el, "end"))
        on_end_element(c, atts);
    else if (in_pd && !strcmp(el, "program_image"))
        on_program_image(c, atts);
    else if ((in_pd || in_vm) && !strcmp(el, "map"))
        on_map(c, atts);
    else if (in_pd && !strcmp(el, "virtual_machine"))
        on_virtual_machine(c, atts);
    else if (in_vm && !strcmp(el, "vcpu"))
        on_vcpu(c, atts);
    else if (in_pd && !strcmp(el, "irq"))
        on_irq(c, atts);
    else if (in_pd && !strcmp(el, "ioport"))
        on_ioport(c, atts);
    else if (in_pd && !strcmp(el, "protection_domain"))
        sdf_refuse(c, el, "a PD inside '%s': child PDs are not supported on Linux", c->sdf->sys->pds[c->pd].name);
    else if (in_pd && !strcmp(el, "setvar"))
        on_setvar(c, atts);
    else
        sdf_refuse(c, el, "not expected here");
}

void sdf_element_end(struct sdf_ctx *c, const char *el)
{
    if (!strcmp(el, "virtual_machine") && c->in_vm) {
        c->in_vm = false;
        if (c->sdf->sys->pds[c->pd].vm.vcpu_id == UINT32_MAX)
            sdf_refuse(c, el, "'%s' has no <vcpu>", c->sdf->sys->pds[c->pd].vm.name);
    } else if (!strcmp(el, "protection_domain") && c->depth == 1) {
        c->pd = -1;
    } else if (!strcmp(el, "channel") && c->channel >= 0) {
        if (c->sdf->channels[c->channel].nends != 2)
            sdf_refuse(c, el, "a channel has two ends");
        c->channel = -1;
    }
}
