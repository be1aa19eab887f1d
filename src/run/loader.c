/* loader.c: one image loader with three formats: bios ROM, multiboot v1 ELF32, raw flat binary. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define MAX_IMAGE     (64u << 20)
#define ROM_MIN       (64u << 10)
#define ROM_MAX       (16u << 20)
#define SHADOW        (128u << 10)
#define MB_MAGIC      0x1BADB002u
#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_INFO_ADDR  0x9000u /* multiboot info, then the command line */
#define MB_STACK      0x8ff0u

static int err_at(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

int image_read(const char *path, struct image *im, char *err, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_at(err, len, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_at(err, len, "%s: not a regular file", path);
    }
    if (st.st_size == 0 || st.st_size > MAX_IMAGE) {
        close(fd);
        return err_at(err, len, "%s: %s", path, st.st_size ? "larger than 64 MiB" : "empty file");
    }
    im->size = (size_t)st.st_size;
    im->data = malloc(im->size);
    ssize_t n = im->data ? read(fd, im->data, im->size) : -1;
    close(fd);
    if (n != (ssize_t)im->size)
        return err_at(err, len, "%s: cannot read the whole file", path);
    return 0;
}

/* The multiboot v1 header in the first 8 KiB, 4-byte aligned, with a valid checksum; NULL if none. */
static const uint32_t *mb_header(const uint8_t *d, size_t n)
{
    for (size_t off = 0; off + 12 <= n && off < 8192; off += 4) {
        uint32_t h[3];
        memcpy(h, d + off, sizeof(h));
        if (h[0] == MB_MAGIC && (uint32_t)(h[0] + h[1] + h[2]) == 0)
            return (const uint32_t *)(const void *)(d + off);
    }
    return NULL;
}

static bool is_elf32(const uint8_t *d, size_t n)
{
    return n >= sizeof(Elf32_Ehdr) && memcmp(d, ELFMAG, SELFMAG) == 0 && d[EI_CLASS] == ELFCLASS32;
}

enum image_format image_detect(const uint8_t *d, size_t n)
{
    if (is_elf32(d, n) && mb_header(d, n))
        return FMT_MULTIBOOT;
    bool pow2 = n >= ROM_MIN && n <= ROM_MAX && (n & (n - 1)) == 0;
    uint8_t op = pow2 ? d[n - 16] : 0;
    if (pow2 && (op == 0xea || op == 0xe9 || op == 0xeb))
        return FMT_BIOS;
    return FMT_RAW;
}

const char *format_name(enum image_format f)
{
    static const char *const names[] = {"auto", "bios", "multiboot", "raw"};
    return names[f];
}

/* QEMU's -bios: the ROM read-only ending at 4 GiB, its last 128 KiB (or all) copied below 1 MiB. */
static int load_bios(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, char *err, size_t len)
{
    (void)vcpu;
    if (im->size % 4096 || im->size > ROM_MAX)
        return err_at(err, len, "%s: a BIOS image must be a multiple of 4 KiB up to 16 MiB", o->image);
    /* Without a chipset to unlock shadow RAM, firmware needs its code below 1 MiB: all of a small image. */
    bool all = o->bios_shadow == SHADOW_ALL || (o->bios_shadow == SHADOW_AUTO && im->size <= 2 * SHADOW);
    size_t copy = all ? im->size : (im->size < SHADOW ? im->size : SHADOW);
    if (copy > (1u << 20))
        return err_at(err, len, "%s: --bios-shadow=all needs an image of at most 1 MiB", o->image);
    if (o->memory < (1u << 20))
        return err_at(err, len, "a BIOS needs at least 1 MiB of RAM (-m)");
    if (vcpuctx_vm_map_rom(vm, (1ULL << 32) - im->size, im->data, im->size) < 0)
        return err_at(err, len, "cannot map the ROM: %s", strerror(errno));
    uint8_t *low = vcpuctx_guest_ram(vm, (1u << 20) - copy, copy);
    memcpy(low, im->data + im->size - copy, copy);
    return 0; /* the vCPU's reset state starts it at F000:FFF0 */
}

static int load_segments(vm_t *vm, const struct image *im, char *err, size_t len, const char *path)
{
    Elf32_Ehdr eh;
    memcpy(&eh, im->data, sizeof(eh));
    if (eh.e_machine != EM_386 || eh.e_phentsize != sizeof(Elf32_Phdr) ||
        eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > im->size)
        return err_at(err, len, "%s: malformed ELF32 program headers", path);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, im->data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz || (uint64_t)ph.p_offset + ph.p_filesz > im->size)
            return err_at(err, len, "%s: segment %u lies outside the file", path, i);
        uint8_t *dst = vcpuctx_guest_ram(vm, ph.p_paddr, ph.p_memsz);
        if (!dst)
            return err_at(err, len, "%s: segment %u at 0x%x (+0x%x) is outside RAM", path, i, ph.p_paddr, ph.p_memsz);
        memcpy(dst, im->data + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    return 0;
}

/*
 * Multiboot v1 info with the values QEMU's -kernel passes (measured): memory sizes from SeaBIOS's
 * e820 map (the EBDA takes the last KiB below 640 KiB; 128 KiB at the top of RAM are reserved),
 * and the command line "IMAGE ARGS".
 */
static int write_mbi(vm_t *vm, const struct options *o, char *err, size_t len)
{
    uint32_t *mbi = vcpuctx_guest_ram(vm, MB_INFO_ADDR, 0x1000);
    if (!mbi)
        return err_at(err, len, "not enough RAM for the multiboot info");
    memset(mbi, 0, 0x1000);
    char *cmd = (char *)(mbi + 32);
    int n = snprintf(cmd, 0x1000 - 128, "%s %s", o->image, o->append ? o->append : ""); /* QEMU's format */
    if (n < 0 || n >= 0x1000 - 128)
        return err_at(err, len, "command line longer than 3 KiB");
    mbi[0] = (1u << 0) | (1u << 2); /* mem_lower/mem_upper, cmdline */
    mbi[1] = 639;
    mbi[2] = (uint32_t)(o->memory / 1024 - 1024 - 128);
    mbi[4] = MB_INFO_ADDR + 128;
    return 0;
}

static int load_multiboot(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, char *err,
                          size_t len)
{
    if (!is_elf32(im->data, im->size))
        return err_at(err, len, "%s: not an ELF32 file (only ELF multiboot images are supported)", o->image);
    const uint32_t *h = mb_header(im->data, im->size);
    if (!h)
        return err_at(err, len, "%s: no multiboot v1 header in the first 8 KiB", o->image);
    if (load_segments(vm, im, err, len, o->image) < 0 || write_mbi(vm, o, err, len) < 0)
        return -1;
    Elf32_Ehdr eh;
    memcpy(&eh, im->data, sizeof(eh));
    if (mode_protected(vcpu, eh.e_entry) < 0 || vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, MB_BOOT_MAGIC) ||
        vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EBX, MB_INFO_ADDR) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_RSP, MB_STACK))
        return err_at(err, len, "cannot set the CPU state: %s", strerror(errno));
    return 0;
}

static int load_raw(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, char *err, size_t len)
{
    uint8_t *dst = vcpuctx_guest_ram(vm, o->load, im->size);
    if (!dst)
        return err_at(err, len, "%s: %zu bytes at 0x%llx do not fit in RAM (%llu bytes)", o->image, im->size,
                      (unsigned long long)o->load, (unsigned long long)o->memory);
    memcpy(dst, im->data, im->size);
    int r;
    if (o->entry_mode == MODE_REAL)
        r = o->entry > 0xfffff ? (errno = ERANGE, -1) : mode_real(vcpu, o->entry);
    else if (o->entry_mode == MODE_PROTECTED)
        r = o->entry > 0xffffffffULL ? (errno = ERANGE, -1) : mode_protected(vcpu, o->entry);
    else
        r = mode_long(vm, vcpu, o->entry, (o->memory - 0x6000) & ~0xfffULL);
    /* The stack grows down from the load address, as below a boot sector at 0x7c00. */
    seL4_Word sp = o->entry_mode == MODE_REAL ? (o->load & 0xffff) : o->load;
    if (r == 0)
        r = vm_set_vmcs_field(vcpu, VMX_GUEST_RSP, sp);
    if (r < 0)
        return err_at(err, len, "cannot enter %s mode at 0x%llx: %s",
                      o->entry_mode == MODE_REAL        ? "real"
                      : o->entry_mode == MODE_PROTECTED ? "protected"
                                                        : "long",
                      (unsigned long long)o->entry, strerror(errno));
    return 0;
}

typedef int (*load_fn)(vm_t *, vm_vcpu_t *, const struct options *, const struct image *, char *, size_t);

void image_free(struct image *im)
{
    free(im->data);
    im->data = NULL;
    im->size = 0;
}

int image_load(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, char *err, size_t len)
{
    static const load_fn loaders[] = {[FMT_BIOS] = load_bios, [FMT_MULTIBOOT] = load_multiboot, [FMT_RAW] = load_raw};
    if (!im->data || im->size == 0)
        return err_at(err, len, "%s: empty image", o->image);
    enum image_format f = o->format == FMT_AUTO ? image_detect(im->data, im->size) : o->format;
    return loaders[f](vm, vcpu, o, im, err, len);
}
