/* fuzz_loader.c: random images (bios, multiboot, raw; truncated and oversized ELFs) and random multiboot
   segment layouts through the loader on KVM: no loader-written byte may land on the image. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

#define LINUX_RAM (32u << 20) /* a Linux kernel needs 16 MiB at least */
#define RAM       (4u << 20)
#define MAX_SEGS  8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loader data must lie in RAM and overlap nothing else in the plan: image, reserved, other loader data. */
static void check_plan(const struct memplan *p)
{
    for (unsigned i = 0; i < p->n; i++) {
        const struct region *a = &p->r[i];
        if (a->kind != REGION_LOADER)
            continue;
        if (a->start >= a->end || a->end > p->ram)
            abort();
        for (unsigned j = 0; j < p->n; j++)
            if (j != i && a->start < p->r[j].end && p->r[j].start < a->end)
                abort();
    }
}

/* Each segment's bytes in guest RAM as the ELF says, later segments over earlier ones (a shadow copy). */
static void check_segments(vm_t *vm, const struct image *im)
{
    static uint8_t shadow[RAM], covered[RAM];
    memset(covered, 0, sizeof(covered));
    Elf32_Ehdr eh;
    memcpy(&eh, im->data, sizeof(eh));
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, im->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        memcpy(shadow + ph.p_paddr, im->data + ph.p_offset, ph.p_filesz);
        memset(shadow + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        memset(covered + ph.p_paddr, 1, ph.p_memsz);
    }
    const uint8_t *ram = vcpuctx_guest_ram(vm, 0, RAM);
    for (size_t a = 0; a < RAM; a++)
        if (covered[a] && ram[a] != shadow[a])
            abort(); /* the loader wrote over the kernel */
}

/*
 * A multiboot ELF32 from a layout: data[0] the segment count (1-8) and the command-line length, then 6 bytes a
 * segment (page-granular address below 4 MiB with a byte offset, size up to 1 MiB, the file's share of it).
 */
static size_t make_elf(const uint8_t *d, size_t n, uint8_t **out)
{
    unsigned segs = 1 + d[0] % MAX_SEGS;
    if (n < 1 + 6 * segs)
        return 0;
    Elf32_Phdr ph[MAX_SEGS];
    size_t off = sizeof(Elf32_Ehdr) + segs * sizeof(Elf32_Phdr) + 12;
    for (unsigned i = 0; i < segs; i++) {
        const uint8_t *s = d + 1 + 6 * i;
        uint32_t memsz = 1 + (s[3] | (uint32_t)s[4] << 8 | (uint32_t)(s[5] & 0x0f) << 16);
        ph[i] = (Elf32_Phdr){.p_type = PT_LOAD,
                             .p_offset = (uint32_t)off,
                             .p_paddr = (uint32_t)(s[0] << 12 | (s[1] & 0x03) << 20 | (s[2] & 0xff)),
                             .p_memsz = memsz,
                             .p_filesz = memsz / 15 * (s[5] >> 4),
                             .p_flags = PF_R | PF_W | PF_X};
        ph[i].p_vaddr = ph[i].p_paddr;
        off += ph[i].p_filesz;
    }
    uint8_t *f = calloc(1, off);
    if (!f)
        return 0;
    Elf32_Ehdr eh = {.e_type = ET_EXEC,
                     .e_machine = EM_386,
                     .e_version = EV_CURRENT,
                     .e_entry = 0x100000,
                     .e_phoff = sizeof(Elf32_Ehdr),
                     .e_ehsize = sizeof(Elf32_Ehdr),
                     .e_phentsize = sizeof(Elf32_Phdr),
                     .e_phnum = (Elf32_Half)segs};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    memcpy(f, &eh, sizeof(eh));
    memcpy(f + sizeof(eh), ph, segs * sizeof(Elf32_Phdr));
    uint32_t mb[3] = {0x1BADB002u, 0, -0x1BADB002u};
    memcpy(f + sizeof(eh) + segs * sizeof(Elf32_Phdr), mb, sizeof(mb));
    for (size_t i = sizeof(eh) + segs * sizeof(Elf32_Phdr) + 12; i < off; i++)
        f[i] = (uint8_t)(0xa5 ^ i ^ (i >> 8)); /* never all zero, so a lost byte shows */
    *out = f;
    return off;
}

/* A bzImage from random bytes: the setup header's magic, boot flag and LOADED_HIGH forced, everything else (the
   version, setup_sects, sizes, addresses, alignment, flags) as the input has it. */
static size_t make_bzimage(const uint8_t *data, size_t size, uint8_t **out)
{
    size_t n = size < 0x268 ? 0x268 : size;
    uint8_t *b = calloc(1, n);
    if (!b)
        return 0;
    memcpy(b, data, size);
    memcpy(b + 0x202, "HdrS", 4);
    b[0x1fe] = 0x55, b[0x1ff] = 0xaa;
    b[0x211] |= 1;
    *out = b;
    return n;
}

static void run_one(struct options *o, struct image *im)
{
    vm_t *vm = vcpuctx_vm_create(o->memory);
    if (!vm)
        abort(); /* KVM must be there for this target */
    vm_vcpu_t *vcpu = vm_create_vcpu(vm, 0);
    char err[512] = "";
    struct memplan plan;
    int r = vcpu ? image_load(vm, vcpu, o, im, &plan, err, sizeof(err)) : -1;
    if (r != 0 && r != -1)
        abort();
    if (r == -1 && vcpu && err[0] == '\0')
        abort(); /* every refusal explains itself */
    if (r == 0) {
        check_plan(&plan);
        enum image_format f = o->format == FMT_AUTO ? image_detect(im->data, im->size) : o->format;
        if (f == FMT_MULTIBOOT)
            check_segments(vm, im);
        else if (f == FMT_RAW && memcmp(vcpuctx_guest_ram(vm, o->load, im->size), im->data, im->size) != 0)
            abort(); /* long mode's page tables over the image */
    }
    vcpuctx_vm_destroy(vm);
}

/* Byte 0: format (auto/bios/multiboot/raw), entry mode, shadow, append; bits 7:6 = 3: a multiboot layout
   instead, 2: a bzImage. Byte 1: load page; the rest: the image, or the layout. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    struct options o;
    memset(&o, 0, sizeof(o));
    o.image = "fuzz";
    o.memory = RAM;
    o.format = (enum image_format)(data[0] & 3);
    o.entry_mode = (enum entry_mode)((data[0] >> 2) % 3);
    o.bios_shadow = (data[0] >> 4) & 1 ? SHADOW_ALL : SHADOW_AUTO;
    o.load = o.entry = (uint64_t)data[1] << 12;
    o.append = (data[0] & 0x20) ? "a b c" : NULL;
    struct image im = {NULL, 0};
    if ((data[0] & 0xc0) == 0xc0) {
        o.format = FMT_MULTIBOOT;
        im.size = make_elf(data + 2, size - 2, &im.data);
    } else if ((data[0] & 0xc0) == 0x80) {
        o.format = FMT_LINUX;
        o.memory = LINUX_RAM;
        im.size = make_bzimage(data + 2, size - 2, &im.data);
    } else if ((im.data = malloc(size - 2))) {
        im.size = size - 2;
        memcpy(im.data, data + 2, size - 2);
    }
    if (im.data)
        run_one(&o, &im);
    image_free(&im);
    return 0;
}
