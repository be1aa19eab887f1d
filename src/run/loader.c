/* loader.c: one image loader, four formats: bios ROM, multiboot v1 ELF32 (multiboot.c), Linux bzImage (linux.c),
   raw. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/devices.h"
#include "run.h"

#define ROM_MIN     (64u << 10)
#define ROM_MAX     (16u << 20)
#define SHADOW      (128u << 10)
#define LONG_TABLES 0x6000u /* long mode's page tables: PML4, PDPT, four PDs */

enum image_format image_detect(const uint8_t *d, size_t n)
{
    if (linux_detect(d, n))
        return FMT_LINUX;
    if (multiboot_detect(d, n))
        return FMT_MULTIBOOT;
    bool pow2 = n >= ROM_MIN && n <= ROM_MAX && (n & (n - 1)) == 0;
    uint8_t op = pow2 ? d[n - 16] : 0;
    if (pow2 && (op == 0xea || op == 0xe9 || op == 0xeb))
        return FMT_BIOS;
    return FMT_RAW;
}

/* --irqchip=auto: QEMU's PC (PIC, IOAPIC, LAPIC, PIT) for kernels, which expect it as QEMU's -kernel gives it,
   and for real firmware (a BIOS of 128 KiB or more); small boot-code ROMs and raw images run without (faster:
   destroying an irqchip VM costs milliseconds). */
bool format_wants_irqchip(enum image_format f, size_t size)
{
    return f == FMT_MULTIBOOT || f == FMT_LINUX || (f == FMT_BIOS && size >= (128u << 10));
}

/* QEMU's -bios: the ROM read-only ending at 4 GiB, its last 128 KiB (or all) copied below 1 MiB. */
static int load_bios(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p,
                     char *err, size_t len)
{
    (void)vcpu;
    if (im->size % 4096 || im->size > ROM_MAX)
        return load_error(err, len, "%s: a BIOS image must be a multiple of 4 KiB up to 16 MiB", o->image);
    /* Without a chipset to unlock shadow RAM, firmware needs its code below 1 MiB: all of a small image. */
    bool all = o->bios_shadow == SHADOW_ALL || (o->bios_shadow == SHADOW_AUTO && im->size <= 2 * SHADOW);
    size_t copy = all ? im->size : (im->size < SHADOW ? im->size : SHADOW);
    if (copy > (1u << 20))
        return load_error(err, len, "%s: --bios-shadow=all needs an image of at most 1 MiB", o->image);
    if (o->memory < (1u << 20))
        return load_error(err, len, "a BIOS needs at least 1 MiB of RAM (-m)");
    if (vcpuctx_vm_map_rom(vm, (1ULL << 32) - im->size, im->data, im->size) < 0)
        return load_error(err, len, "cannot map the ROM: %s", strerror(errno));
    uint8_t *low = vcpuctx_guest_ram(vm, (1u << 20) - copy, copy);
    memcpy(low, im->data + im->size - copy, copy);
    if (plan_mark(p, (1u << 20) - copy, copy, REGION_IMAGE, "BIOS shadow") < 0)
        return load_error(err, len, "cannot plan memory: %s", strerror(errno));
    return 0; /* the vCPU's reset state starts it at F000:FFF0 */
}

static const char *mode_name(enum entry_mode m)
{
    return m == MODE_REAL ? "real" : m == MODE_PROTECTED ? "protected" : "long";
}

/* The vCPU in mode m at entry (long mode's page tables at tables): 0, or -1 with errno (ERANGE: an entry beyond
   the mode's reach). */
static int enter_mode(vm_t *vm, vm_vcpu_t *vcpu, enum entry_mode m, uint64_t entry, uint64_t tables)
{
    uint64_t reach = m == MODE_REAL ? 0xfffff : m == MODE_PROTECTED ? 0xffffffffULL : UINT64_MAX;
    if (entry > reach) {
        errno = ERANGE;
        return -1;
    }
    if (m == MODE_REAL)
        return mode_real(vcpu, entry);
    if (m == MODE_PROTECTED)
        return mode_protected(vcpu, entry);
    return mode_long(vm, vcpu, entry, tables);
}

static int load_raw(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p,
                    char *err, size_t len)
{
    uint8_t *dst = vcpuctx_guest_ram(vm, o->load, im->size);
    if (!dst)
        return load_error(err, len, "%s: %zu bytes at 0x%llx do not fit in RAM (%llu bytes)", o->image, im->size,
                          (unsigned long long)o->load, (unsigned long long)o->memory);
    memcpy(dst, im->data, im->size);
    if (plan_mark(p, o->load, im->size, REGION_IMAGE, "image") < 0)
        return load_error(err, len, "cannot plan memory: %s", strerror(errno));
    /* Long mode's page tables: the top of RAM below 4 GiB, or the highest free pages below the image. */
    struct placement w = {.len = LONG_TABLES, .align = 4096, .hi = 1ULL << 32, .top_down = true, .what = "tables"};
    uint64_t tables = 0;
    if (o->entry_mode == MODE_LONG && plan_place(p, &w, &tables) < 0)
        return load_error(err, len, "%s: no free RAM for the long-mode page tables (24 KiB) outside the image (-m)",
                          o->image);
    int r = enter_mode(vm, vcpu, o->entry_mode, o->entry, tables);
    /* The stack grows down from the load address, as below a boot sector at 0x7c00. */
    seL4_Word sp = o->entry_mode == MODE_REAL ? (o->load & 0xffff) : o->load;
    if (r == 0)
        r = vm_set_vmcs_field(vcpu, VMX_GUEST_RSP, sp);
    if (r < 0)
        return load_error(err, len, "cannot enter %s mode at 0x%llx: %s", mode_name(o->entry_mode),
                          (unsigned long long)o->entry, strerror(errno));
    return 0;
}

typedef int (*load_fn)(vm_t *, vm_vcpu_t *, const struct options *, const struct image *, struct memplan *, char *,
                       size_t);

int image_load(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *plan,
               char *err, size_t len)
{
    static const load_fn loaders[] = {
        [FMT_BIOS] = load_bios, [FMT_MULTIBOOT] = load_multiboot, [FMT_RAW] = load_raw, [FMT_LINUX] = load_linux};
    struct memplan local;
    struct memplan *p = plan ? plan : &local;
    plan_init(p, pc_ram_below_4g(o->memory));
    err[0] = '\0';
    if (!im->data || im->size == 0)
        return load_error(err, len, "%s: empty file", o->image);
    enum image_format f = o->format == FMT_AUTO ? image_detect(im->data, im->size) : o->format;
    if (loaders[f](vm, vcpu, o, im, p, err, len) < 0)
        return -1;
    if ((f == FMT_MULTIBOOT || f == FMT_LINUX) && mode_firmware_lapic(vcpu) < 0)
        return load_error(err, len, "cannot set up the local APIC as firmware leaves it: %s", strerror(errno));
    return 0;
}
