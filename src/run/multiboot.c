/* multiboot.c: multiboot v1 ELF32 kernels as QEMU's -kernel loads them, boot information planned around them. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/devices.h"
#include "run.h"

#define MB_MAGIC      0x1BADB002u
#define MB_BOOT_MAGIC 0x2BADB002u
#define MBI_SIZE      88u /* the multiboot v1 information structure, up to the VBE fields */
#define MMAP_ENTRY    24u /* an mmap entry: its size field (20), then base, length, type */
#define MB_BOOTLOADER "vcpuctx-run"
#define MOD_ENTRY     16u /* a module entry: mod_start, mod_end, string, reserved */

/* QEMU's addresses (hw/i386/multiboot.c, and measured): the e820 map at 0x9000, the information at 0x9500,
   the command lines and the bootloader name at the page after the kernel. The stack is ours: QEMU's option
   ROM leaves ESP at 0x6f08, in the same page. */
#define QEMU_MMAP_ADDR 0x9000u
#define QEMU_MBI_ADDR  0x9500u
#define STACK_PAGE     0x6000u

/* Information flags: memory, boot device, command line, modules, memory map, bootloader name (QEMU's set). */
#define MBI_FLAGS ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9))

/* The multiboot v1 header in the first 8 KiB, 4-byte aligned, with a valid checksum; NULL if none. */
static const uint8_t *mb_header(const uint8_t *d, size_t n)
{
    for (size_t off = 0; off + 12 <= n && off < 8192; off += 4) {
        uint32_t h[3];
        memcpy(h, d + off, sizeof(h));
        if (h[0] == MB_MAGIC && (uint32_t)(h[0] + h[1] + h[2]) == 0)
            return d + off;
    }
    return NULL;
}

static bool is_elf32(const uint8_t *d, size_t n)
{
    return n >= sizeof(Elf32_Ehdr) && memcmp(d, ELFMAG, SELFMAG) == 0 && d[EI_CLASS] == ELFCLASS32;
}

bool multiboot_detect(const uint8_t *d, size_t n)
{
    return is_elf32(d, n) && mb_header(d, n);
}

/* Every PT_LOAD segment into RAM, and into the plan as image; *end: the highest end (QEMU's elf_high). */
static int load_segments(vm_t *vm, const struct image *im, struct memplan *p, uint32_t *end, char *err, size_t len,
                         const char *path)
{
    Elf32_Ehdr eh;
    memcpy(&eh, im->data, sizeof(eh));
    if (eh.e_machine != EM_386 || eh.e_phentsize != sizeof(Elf32_Phdr) ||
        eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > im->size)
        return load_error(err, len, "%s: malformed ELF32 program headers", path);
    *end = 0;
    for (unsigned i = 0, loaded = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, im->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz || (uint64_t)ph.p_offset + ph.p_filesz > im->size)
            return load_error(err, len, "%s: segment %u lies outside the file", path, i);
        if (++loaded > MAX_SEGMENTS)
            return load_error(err, len, "%s: more than %d loadable segments", path, MAX_SEGMENTS);
        uint8_t *dst = vcpuctx_guest_ram(vm, ph.p_paddr, ph.p_memsz);
        if (!dst)
            return load_error(err, len, "%s: segment %u at 0x%x (+0x%x) is outside RAM", path, i, ph.p_paddr,
                              ph.p_memsz);
        if (plan_mark(p, ph.p_paddr, ph.p_memsz, REGION_IMAGE, "segment") < 0)
            return load_error(err, len, "cannot plan memory: %s", strerror(errno));
        memcpy(dst, im->data + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        if (ph.p_paddr + ph.p_memsz > *end)
            *end = ph.p_paddr + ph.p_memsz;
    }
    return 0;
}

/* Place one piece of boot data at its preferred address if that is free, else the lowest free; on failure the
   message names it. */
static int place(struct memplan *p, uint64_t size, uint64_t align, uint64_t prefer, const char *what, uint64_t *addr,
                 char *err, size_t len)
{
    struct placement w = {.len = size, .align = align, .prefer = prefer, .prefer_set = true, .what = what};
    return plan_put(p, &w, addr, err, len);
}

static void put32(uint8_t *b, unsigned off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}

/* The e820 map, as multiboot mmap entries (a size field of 20, then base, length, type). */
static void write_mmap(uint8_t *dst, const struct e820 *m, unsigned n)
{
    for (unsigned i = 0; i < n; i++, dst += MMAP_ENTRY) {
        put32(dst, 0, 20);
        memcpy(dst + 4, &m[i].base, 8);
        memcpy(dst + 12, &m[i].len, 8);
        put32(dst, 20, m[i].type);
    }
}

/* The modules (QEMU's -initrd for a multiboot kernel: "FILE ARGS,FILE ARGS", each string the part as given), as
   many as the list names: only guest RAM bounds them. */
struct modules {
    char *list; /* --initrd's text, its commas made NULs: the modules' strings */
    unsigned n;
    uint64_t *start, *end;
    const char **str;
    size_t str_bytes; /* all strings with their NULs */
};

static void modules_free(struct modules *m)
{
    free(m->list);
    free(m->start);
    free(m->end);
    free(m->str);
    memset(m, 0, sizeof(*m));
}

static int parse_modules(const char *spec, struct modules *m, char *err, size_t len)
{
    memset(m, 0, sizeof(*m));
    if (!spec)
        return 0;
    unsigned parts = 1;
    for (const char *c = spec; *c; c++)
        parts += *c == ',';
    m->list = strdup(spec);
    m->start = calloc(parts, sizeof(*m->start));
    m->end = calloc(parts, sizeof(*m->end));
    m->str = calloc(parts, sizeof(*m->str));
    if (!m->list || !m->start || !m->end || !m->str) {
        modules_free(m);
        return load_error(err, len, "--initrd: %s", strerror(ENOMEM));
    }
    for (char *part = m->list, *next; part; part = next) {
        if ((next = strchr(part, ',')))
            *next++ = '\0';
        m->str[m->n++] = part;
        m->str_bytes += strlen(part) + 1;
    }
    return 0;
}

/* One module's file (its string up to the first space) from *after, page-aligned, as QEMU loads it: an empty file
   takes no room (its start is its end, where the next begins). */
static int load_module(vm_t *vm, struct memplan *p, uint64_t *after, struct modules *m, unsigned i, char *err,
                       size_t len)
{
    char *path = strndup(m->str[i], strcspn(m->str[i], " "));
    struct image im = {0};
    if (!path)
        return load_error(err, len, "--initrd: %s", strerror(ENOMEM));
    int r = image_read(path, &im, err, len);
    free(path);
    uint64_t at = *after;
    if (r == 0 && im.size)
        r = place(p, im.size, 4096, *after, "module", &at, err, len);
    if (r == 0 && im.size)
        memcpy(vcpuctx_guest_ram(vm, at, im.size), im.data, im.size);
    m->start[i] = at;
    m->end[i] = at + im.size;
    *after = (m->end[i] + 4095) & ~4095ULL;
    image_free(&im);
    return r;
}

static int load_modules(vm_t *vm, struct memplan *p, uint64_t *after, struct modules *m, char *err, size_t len)
{
    for (unsigned i = 0; i < m->n; i++)
        if (load_module(vm, p, after, m, i, err, len) < 0)
            return -1;
    return 0;
}

/* The module entries and their strings at block (guest address at). */
static void write_modules(uint8_t *block, uint64_t at, const struct modules *m)
{
    size_t strings = (size_t)m->n * MOD_ENTRY;
    for (unsigned i = 0; i < m->n; i++) {
        uint8_t *e = block + i * MOD_ENTRY;
        put32(e, 0, (uint32_t)m->start[i]);
        put32(e, 4, (uint32_t)m->end[i]);
        put32(e, 8, (uint32_t)(at + strings));
        put32(e, 12, 0);
        size_t n = strlen(m->str[i]) + 1;
        memcpy(block + strings, m->str[i], n);
        strings += n;
    }
}

/* The information and what it points to, each placed where QEMU puts it when that RAM is free: the module entries,
   their strings, the command line and the bootloader name in the page after the kernel, the modules after them. */
static int write_info_mods(vm_t *vm, const struct options *o, struct memplan *p, const struct e820 *map, unsigned n,
                           uint32_t kend, uint64_t *mbi_at, struct modules *m, char *err, size_t len)
{
    size_t mods_len = m->n * MOD_ENTRY + m->str_bytes, name_len = sizeof(MB_BOOTLOADER);
    size_t cmd_len = strlen(o->image) + 1 + (o->append ? strlen(o->append) : 0) + 1;
    uint64_t mmap_at, block_at, after_kernel = ((uint64_t)kend + 4095) & ~4095ULL;
    if (place(p, n * MMAP_ENTRY, 4, QEMU_MMAP_ADDR, "memory map", &mmap_at, err, len) < 0 ||
        place(p, MBI_SIZE, 4, QEMU_MBI_ADDR, "multiboot information", mbi_at, err, len) < 0 ||
        place(p, mods_len + cmd_len + name_len, 4096, after_kernel, "command line", &block_at, err, len) < 0)
        return -1;
    uint64_t after = (block_at + mods_len + cmd_len + name_len + 4095) & ~4095ULL, cmd_at = block_at + mods_len;
    if (load_modules(vm, p, &after, m, err, len) < 0)
        return -1;
    write_mmap(vcpuctx_guest_ram(vm, mmap_at, n * MMAP_ENTRY), map, n);
    write_modules(vcpuctx_guest_ram(vm, block_at, mods_len + 1), block_at, m);
    char *block = vcpuctx_guest_ram(vm, cmd_at, cmd_len + name_len);
    snprintf(block, cmd_len, "%s %s", o->image, o->append ? o->append : ""); /* QEMU's format */
    memcpy(block + cmd_len, MB_BOOTLOADER, name_len);
    uint8_t *mbi = vcpuctx_guest_ram(vm, *mbi_at, MBI_SIZE);
    memset(mbi, 0, MBI_SIZE);
    put32(mbi, 0, MBI_FLAGS);
    put32(mbi, 4, 639);                                                /* mem_lower: KiB below the EBDA */
    put32(mbi, 8, (uint32_t)(map[3].base + map[3].len) / 1024 - 1024); /* mem_upper: KiB above 1 MiB */
    put32(mbi, 12, 0x8000ffff);                                        /* boot_device: QEMU's */
    put32(mbi, 16, (uint32_t)cmd_at);                                  /* cmdline */
    put32(mbi, 20, m->n);                                              /* mods_count */
    put32(mbi, 24, (uint32_t)block_at);                                /* mods_addr */
    put32(mbi, 44, n * MMAP_ENTRY);
    put32(mbi, 48, (uint32_t)mmap_at);
    put32(mbi, 64, (uint32_t)(cmd_at + cmd_len)); /* boot_loader_name */
    return 0;
}

/* The information, with --initrd's modules. */
static int write_info(vm_t *vm, const struct options *o, struct memplan *p, const struct e820 *map, unsigned n,
                      uint32_t kend, uint64_t *mbi_at, char *err, size_t len)
{
    struct modules mods;
    if (parse_modules(o->initrd, &mods, err, len) < 0)
        return -1;
    int r = write_info_mods(vm, o, p, map, n, kend, mbi_at, &mods, err, len);
    modules_free(&mods);
    return r;
}

int load_multiboot(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p,
                   char *err, size_t len)
{
    if (!is_elf32(im->data, im->size))
        return load_error(err, len, "%s: not an ELF32 file (only ELF multiboot images are supported)", o->image);
    if (!mb_header(im->data, im->size))
        return load_error(err, len, "%s: no multiboot v1 header in the first 8 KiB", o->image);
    if (o->memory < (2u << 20))
        return load_error(err, len, "a multiboot kernel needs at least 2 MiB of RAM (-m)");
    struct e820 map[8];
    unsigned n = pc_e820_map(o->memory, map);
    if (plan_reserved(p, pc_ram_below_4g(o->memory), map, n) < 0)
        return load_error(err, len, "cannot plan memory: %s", strerror(errno));
    uint32_t kend = 0;
    uint64_t mbi_at = 0, stack_at = 0;
    if (load_segments(vm, im, p, &kend, err, len, o->image) < 0 ||
        write_info(vm, o, p, map, n, kend, &mbi_at, err, len) < 0 ||
        place(p, 4096, 4096, STACK_PAGE, "boot stack", &stack_at, err, len) < 0)
        return -1;
    Elf32_Ehdr eh;
    memcpy(&eh, im->data, sizeof(eh));
    if (mode_protected(vcpu, eh.e_entry) < 0 || vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, MB_BOOT_MAGIC) ||
        vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EBX, (seL4_Word)mbi_at) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_RSP, (seL4_Word)(stack_at + 4096)))
        return load_error(err, len, "cannot set the CPU state: %s", strerror(errno));
    return 0;
}
