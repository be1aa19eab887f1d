/* linux.c: the Linux x86 boot protocol (Documentation/arch/x86/boot.rst): a bzImage, its zero page, command line
   and initrd, entered at the 64-bit entry point, or the 32-bit one for kernels without it. */
#include <errno.h>
#include <string.h>

#include "../devices/devices.h"
#include "run.h"

/* The setup header, at its offsets in the image and in the zero page (boot.rst, "The real-mode kernel header"). */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_SYSSIZE         0x1f4 /* the protected-mode code, in 16-byte paragraphs (32 bits from 2.04) */
#define HDR_BOOT_FLAG       0x1fe
#define HDR_JUMP_END        0x201 /* the byte after the jump: the header ends at 0x202 + this */
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_XLOADFLAGS      0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_MIN_SIZE        0x268 /* through init_size and handover_offset (protocol 2.11) */
/* The zero page's own fields (boot.rst, "The zero page"). */
#define BP_SIZE             4096
#define BP_ACPI_RSDP_ADDR   0x070 /* protocol 2.14 */
#define BP_E820_ENTRIES     0x1e8
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128

#define MAGIC_HDRS    0x53726448u /* "HdrS" */
#define MIN_VERSION   0x206       /* cmdline_size and the protected-mode fields this loader reads */
#define LOADED_HIGH   0x01
#define XLF_KERNEL_64 0x01
#define LOADER_ID     0xff /* type_of_loader: no assigned ID */
#define BOOT_CS       0x10 /* the selectors the protocol names */
#define BOOT_DS       0x18

/* Where boot data goes when that RAM is free: Firecracker's choices for a 64-bit entry (its GDT's 0x500 is in
   page 0, which no boot data takes here). */
#define ZERO_PAGE_AT 0x7000u
#define GDT_AT       0x1000u
#define STACK_AT     0x8000u /* the stack's page: RSP starts at its end */
#define CMDLINE_AT   0x20000u

static uint32_t get32(const uint8_t *d, unsigned off)
{
    uint32_t v;
    memcpy(&v, d + off, 4);
    return v;
}

static uint16_t get16(const uint8_t *d, unsigned off)
{
    uint16_t v;
    memcpy(&v, d + off, 2);
    return v;
}

static void put32(uint8_t *d, unsigned off, uint32_t v)
{
    memcpy(d + off, &v, 4);
}

bool linux_detect(const uint8_t *d, size_t n)
{
    return n >= HDR_MIN_SIZE && get32(d, HDR_MAGIC) == MAGIC_HDRS;
}

/* What the loader needs from the header, checked. */
struct bzimage {
    unsigned setup_size; /* the real-mode part: (setup_sects + 1) sectors */
    uint16_t version;
    uint32_t align, initrd_max, cmdline_max;
    uint64_t pref, init_size;
    bool relocatable, entry64;
};

static int parse_header(const struct image *im, struct bzimage *b, const char *path, char *err, size_t len)
{
    const uint8_t *d = im->data;
    unsigned sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
    b->setup_size = (sects + 1) * 512;
    b->version = get16(d, HDR_VERSION);
    if (b->version < MIN_VERSION)
        return load_error(err, len, "%s: boot protocol %u.%02u: 2.06 or later is needed", path, b->version >> 8,
                          b->version & 0xff);
    if (get16(d, HDR_BOOT_FLAG) != 0xaa55 || !(d[HDR_LOADFLAGS] & LOADED_HIGH) || b->setup_size >= im->size)
        return load_error(err, len, "%s: not a bzImage (no boot flag, not loaded high, or no kernel after setup)",
                          path);
    if ((uint64_t)get32(d, HDR_SYSSIZE) * 16 > im->size - b->setup_size + 15) /* a paragraph's slack */
        return load_error(err, len, "%s: truncated: the header's syssize says %llu bytes after setup, the file has %zu",
                          path, (unsigned long long)get32(d, HDR_SYSSIZE) * 16, im->size - b->setup_size);
    b->initrd_max = get32(d, HDR_INITRD_ADDR_MAX);
    b->cmdline_max = get32(d, HDR_CMDLINE_SIZE);
    bool v210 = b->version >= 0x20a;
    b->relocatable = d[HDR_RELOCATABLE] != 0;
    b->align = get32(d, HDR_KERNEL_ALIGN);
    b->pref = v210 ? ((uint64_t)get32(d, HDR_PREF_ADDRESS + 4) << 32 | get32(d, HDR_PREF_ADDRESS)) : 0x100000;
    b->init_size = v210 ? get32(d, HDR_INIT_SIZE) : 0;
    uint64_t kernel = im->size - b->setup_size;
    if (b->init_size < kernel)
        b->init_size = kernel;
    b->entry64 = b->version >= 0x20c && (get16(d, HDR_XLOADFLAGS) & XLF_KERNEL_64);
    if (b->relocatable && (b->align < 4096 || (b->align & (b->align - 1))))
        return load_error(err, len, "%s: kernel_alignment 0x%x is not a power of two of at least 4 KiB", path,
                          b->align);
    return 0;
}

/* The protected-mode kernel at its preferred address if init_size fits there, else (relocatable) the lowest
   aligned free address above 1 MiB. */
static int load_kernel(vm_t *vm, const struct image *im, const struct bzimage *b, struct memplan *p, uint64_t *at,
                       const char *path, char *err, size_t len)
{
    struct placement w = {.len = b->init_size,
                          .align = b->relocatable ? b->align : 4096,
                          .lo = 0x100000,
                          .prefer = b->pref,
                          .prefer_set = true,
                          .what = "kernel"};
    if (!b->relocatable)
        w.lo = b->pref, w.hi = b->pref + b->init_size;
    if (plan_place(p, &w, at) < 0)
        return load_error(err, len, "%s: no room for the kernel (init_size %llu bytes%s) in RAM (-m)", path,
                          (unsigned long long)b->init_size, b->relocatable ? "" : " at its fixed address");
    size_t n = im->size - b->setup_size;
    memcpy(vcpuctx_guest_ram(vm, *at, n), im->data + b->setup_size, n);
    return 0;
}

/* The zero page: the image's setup header, the loader's fields, the e820 map. */
static void write_zero_page(uint8_t *zp, const struct image *im, const struct e820 *map, unsigned n)
{
    memset(zp, 0, BP_SIZE);
    unsigned end = 0x202 + im->data[HDR_JUMP_END];
    if (end > im->size || end > BP_SIZE)
        end = HDR_MIN_SIZE;
    memcpy(zp + HDR_SETUP_SECTS, im->data + HDR_SETUP_SECTS, end - HDR_SETUP_SECTS);
    zp[HDR_TYPE_OF_LOADER] = LOADER_ID;
    zp[BP_E820_ENTRIES] = (uint8_t)n;
    for (unsigned i = 0; i < n && i < BP_E820_MAX; i++) {
        memcpy(zp + BP_E820_TABLE + 20 * i, &map[i].base, 8);
        memcpy(zp + BP_E820_TABLE + 20 * i + 8, &map[i].len, 8);
        memcpy(zp + BP_E820_TABLE + 20 * i + 16, &map[i].type, 4);
    }
}

/* Place size bytes of boot data, page-aligned, preferring prefer, below hi (0: anywhere), top-down if asked. */
static int put(struct memplan *p, uint64_t size, uint64_t prefer, uint64_t hi, bool top_down, const char *what,
               uint64_t *addr, char *err, size_t len)
{
    struct placement w = {.len = size,
                          .align = 4096,
                          .hi = hi,
                          .prefer = prefer,
                          .prefer_set = prefer != 0,
                          .top_down = top_down,
                          .what = what};
    return plan_put(p, &w, addr, err, len);
}

/* Does an initrd start as something the kernel unpacks or mounts? An initramfs (cpio, or compressed as the
   kernel can decompress), or an old-style ramdisk image (ext2/3/4, squashfs, cramfs, romfs). */
static bool initrd_known(const struct image *rd)
{
    static const struct {
        unsigned off, len;
        const char *magic;
    } kinds[] = {
        {0, 6, "070701"},
        {0, 6, "070702"},
        {0, 2, "\x1f\x8b"},
        {0, 3, "BZh"},
        {0, 6,
         "\xfd"
         "7zXZ\0"},
        {0, 3, "\x5d\0\0"},
        {0, 4, "\x89LZO"},
        {0, 4, "\x02\x21\x4c\x18"},
        {0, 4, "\x28\xb5\x2f\xfd"},
        {0, 4, "hsqs"},
        {0, 4, "\x45\x3d\xcd\x28"},
        {0, 8, "-rom1fs-"},
        {1080, 2, "\x53\xef"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (rd->size >= kinds[i].off + kinds[i].len &&
            memcmp(rd->data + kinds[i].off, kinds[i].magic, kinds[i].len) == 0)
            return true;
    return false;
}

/* The command line (QEMU's -append, as is) and the initrd, recorded in the zero page. */
static int write_cmdline_initrd(vm_t *vm, const struct options *o, const struct bzimage *b, struct memplan *p,
                                uint8_t *zp, char *err, size_t len)
{
    const char *cmd = o->append ? o->append : "";
    size_t n = strlen(cmd);
    if (n > b->cmdline_max)
        return load_error(err, len, "--append: %zu bytes, more than the kernel's %u", n, b->cmdline_max);
    uint64_t at;
    if (put(p, n + 1, CMDLINE_AT, 1ULL << 32, false, "command line", &at, err, len) < 0)
        return -1;
    memcpy(vcpuctx_guest_ram(vm, at, n + 1), cmd, n + 1);
    put32(zp, HDR_CMD_LINE_PTR, (uint32_t)at);
    if (!o->initrd)
        return 0;
    struct image rd = {0};
    if (image_read(o->initrd, &rd, err, len) < 0) { /* the message names the file */
        image_free(&rd);
        return -1;
    }
    if (!initrd_known(&rd)) {
        image_free(&rd);
        return load_error(err, len,
                          "--initrd: %s: not an initramfs (cpio, or compressed: gzip, bzip2, xz, lzma, lzo, lz4, "
                          "zstd) nor a ramdisk image (ext2, squashfs, cramfs, romfs)",
                          o->initrd);
    }
    uint64_t hi = (uint64_t)b->initrd_max + 1;
    int r = put(p, rd.size, 0, hi, true, "initrd", &at, err, len);
    if (r < 0)
        load_error(err, len, "--initrd: %s: %zu bytes: no room for it in RAM below 0x%llx (-m)", o->initrd, rd.size,
                   (unsigned long long)hi);
    else
        memcpy(vcpuctx_guest_ram(vm, at, rd.size), rd.data, rd.size);
    put32(zp, HDR_RAMDISK_IMAGE, r < 0 ? 0 : (uint32_t)at);
    put32(zp, HDR_RAMDISK_SIZE, r < 0 ? 0 : (uint32_t)rd.size);
    image_free(&rd);
    return r;
}

/* The protocol's CPU state: flat __BOOT_CS/__BOOT_DS from a GDT in guest memory, ESI/RSI at the zero page,
   interrupts off; 64-bit mode with the first 4 GiB identity-mapped, or 32-bit protected mode without paging. */
static int enter(vm_t *vm, vm_vcpu_t *vcpu, const struct bzimage *b, struct memplan *p, uint64_t kernel, uint64_t zp,
                 char *err, size_t len)
{
    uint64_t gdt, stack, tables = 0;
    if (put(p, 4096, GDT_AT, 1ULL << 32, false, "GDT", &gdt, err, len) < 0 ||
        put(p, 4096, STACK_AT, 1ULL << 32, false, "boot stack", &stack, err, len) < 0 ||
        (b->entry64 && put(p, 0x6000, 0, 1ULL << 32, true, "page tables", &tables, err, len) < 0))
        return -1;
    uint64_t *g = vcpuctx_guest_ram(vm, gdt, 32);
    g[0] = g[1] = 0;
    g[2] = b->entry64 ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL; /* __BOOT_CS: code, execute/read */
    g[3] = 0x00cf93000000ffffULL;                                      /* __BOOT_DS: data, read/write */
    int r = b->entry64 ? mode_long(vm, vcpu, kernel + 0x200, tables) : mode_protected(vcpu, kernel);
    static const seL4_Word data_sels[] = {VMX_GUEST_DS_SELECTOR, VMX_GUEST_ES_SELECTOR, VMX_GUEST_SS_SELECTOR,
                                          VMX_GUEST_FS_SELECTOR, VMX_GUEST_GS_SELECTOR};
    r = r || vm_set_vmcs_field(vcpu, VMX_GUEST_CS_SELECTOR, BOOT_CS);
    for (size_t i = 0; i < ARRAY_SIZE(data_sels) && r == 0; i++)
        r = vm_set_vmcs_field(vcpu, data_sels[i], BOOT_DS);
    r = r || vm_set_vmcs_field(vcpu, VMX_GUEST_GDTR_BASE, (seL4_Word)gdt) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_GDTR_LIMIT, 31) ||
        vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_ESI, (seL4_Word)zp) ||
        vm_set_vmcs_field(vcpu, VMX_GUEST_RSP, (seL4_Word)(stack + 4096));
    if (r)
        return load_error(err, len, "cannot set the CPU state: %s", strerror(errno));
    return 0;
}

int load_linux(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p, char *err,
               size_t len)
{
    struct bzimage b = {0};
    if (!linux_detect(im->data, im->size))
        return load_error(err, len, "%s: not a Linux kernel (no \"HdrS\" setup header)", o->image);
    if (parse_header(im, &b, o->image, err, len) < 0)
        return -1;
    if (o->memory < (16u << 20))
        return load_error(err, len, "a Linux kernel needs at least 16 MiB of RAM (-m)");
    struct e820 map[E820_MAX];
    unsigned n = pc_e820_map(o->memory, map);
    uint64_t kernel, zp;
    if (plan_reserved(p, pc_ram_below_4g(o->memory), map, n) < 0)
        return load_error(err, len, "cannot plan memory: %s", strerror(errno));
    if (load_kernel(vm, im, &b, p, &kernel, o->image, err, len) < 0 ||
        put(p, BP_SIZE, ZERO_PAGE_AT, 1ULL << 32, false, "zero page", &zp, err, len) < 0)
        return -1;
    uint8_t *page = vcpuctx_guest_ram(vm, zp, BP_SIZE);
    write_zero_page(page, im, map, n);
    if (write_cmdline_initrd(vm, o, &b, p, page, err, len) < 0)
        return -1;
    /* ACPI tables in the BIOS area (reserved in the e820 map and in the plan), found by the kernel's scan; the
       zero page names them too where the protocol has the field. */
    uint64_t rsdp = acpi_install(vm, p, o->smp);
    if (!rsdp)
        return load_error(err, len, "cannot build the ACPI tables");
    if (b.version >= 0x20e)
        memcpy(page + BP_ACPI_RSDP_ADDR, &rsdp, 8);
    return enter(vm, vcpu, &b, p, kernel, zp, err, len);
}
