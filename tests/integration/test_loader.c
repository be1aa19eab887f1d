/* test_loader.c: the loader never writes over an image; boot data where QEMU puts it, else in free RAM; the
   platform a multiboot kernel gets. Guests check their own bytes at entry (guest/selfcheck.inc). */
#include <elf.h>

#include "cli.h"
#include "vmtest.h"

#define GUEST(name) DEMO_GUEST_DIR "/" name

static struct cli_result res;

TestSuite(loader, .init = host_need_kvm);

static size_t read_whole(const char *path, uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    return got;
}

static uint32_t sum32(const uint8_t *p, size_t n)
{
    uint32_t s = 0, w;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        memcpy(&w, p + i, 4);
        s += w;
    }
    return s;
}

/* What the guest's SELFCHECK sums: the file bytes of its PT_LOAD segments (or the whole raw file). */
static uint32_t expected_sum(const char *path)
{
    static uint8_t f[1 << 20];
    size_t n = read_whole(path, f, sizeof(f));
    if (memcmp(f, ELFMAG, SELFMAG) != 0)
        return sum32(f, n);
    Elf32_Ehdr eh;
    memcpy(&eh, f, sizeof(eh));
    uint32_t s = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, f + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD)
            s += sum32(f + ph.p_offset, ph.p_filesz);
    }
    return s;
}

/* The hex value after "name=" in the guest's output. */
static uint64_t shown(const char *name)
{
    char key[64];
    snprintf(key, sizeof(key), "%s=", name);
    const char *p = strstr(res.out, key);
    cr_assert_not_null(p, "no %s in: %s", key, res.out);
    return strtoull(p + strlen(key), NULL, 16);
}

static void run_intact(const char *image, const char *const *extra)
{
    const char *args[12] = {"--serial=none"};
    int n = 1;
    for (; extra && extra[n - 1]; n++)
        args[n] = extra[n - 1];
    args[n] = image;
    cli_run_vmm(args, &res);
    cr_assert_eq(res.status, 1, "%s: status %d, out: %s err: %s", image, res.status, res.out, res.err);
    cr_assert_not_null(strstr(res.out, "bad=00000000"), "every pattern word and the bss intact: %s", res.out);
    cr_assert_eq((uint32_t)shown("sum"), expected_sum(image), "the image's sum at entry: %s", res.out);
    cr_assert_not_null(strstr(res.out, "\nintact\n"), "no boot data over the image: %s", res.out);
}

Test(loader, kernel_over_qemus_boot_info_address_stays_intact)
{
    run_intact(GUEST("intact-low-mb.elf"), NULL);
    uint64_t mbi = shown("mbi"), esp = shown("esp");
    cr_assert(mbi < 0x8000 || mbi >= 0x10000, "the information moved out of 0x8000-0x10000: %s", res.out);
    cr_assert(esp <= 0x8000 || esp - 4096 >= 0x10000, "so did the boot stack: %s", res.out);
    cr_assert_not_null(strstr(res.out, "cmdline: " GUEST("intact-low-mb.elf") " \n"), "%s", res.out);
}

Test(loader, kernel_over_all_lower_memory_gets_its_boot_data_above_1m)
{
    run_intact(GUEST("intact-all-mb.elf"), (const char *[]){"--append=a b", NULL});
    cr_assert_geq(shown("mbi"), 0x100000, "%s", res.out);
    cr_assert_geq(shown("mmap"), 0x100000, "%s", res.out);
    cr_assert_geq(shown("cmdline"), 0x100000, "%s", res.out);
    cr_assert_not_null(strstr(res.out, "intact-all-mb.elf a b\n"), "%s", res.out);
}

Test(loader, long_mode_page_tables_avoid_an_image_at_the_top_of_ram)
{
    run_intact(GUEST("intact64.bin"),
               (const char *[]){"--format=raw", "--load=0x3f0000", "--entry-mode=long", "-m", "4M", NULL});
    uint64_t cr3 = shown("cr3");
    cr_assert(cr3 + 0x6000 <= 0x3f0000, "the tables went below the image: %s", res.out);
}

Test(loader, boot_info_lies_where_qemu_puts_it_when_free)
{
    cli_run_vmm((const char *[]){"--serial=none", GUEST("hello-mb.elf"), NULL}, &res);
    cr_assert_eq(res.status, 1, "%s", res.err);
    cr_assert_eq(shown("info"), 0x9500, "QEMU's ADDR_MBI: %s", res.out);
    cr_assert_eq(shown("mmap_addr"), 0x9000, "QEMU's e820 map address: %s", res.out);
    cr_assert_eq(shown("cmdline_addr"), 0x103000, "the page after the kernel (ends at 0x102xxx): %s", res.out);
    cr_assert_eq(shown("flags"), 0x24f, "memory, boot device, cmdline, modules, mmap, bootloader name");
    cr_assert_not_null(strstr(res.out, "mmap: 0000000000100000 +0000000003EE0000 type=00000001"),
                       "usable RAM from 1 MiB to 128 KiB below the top: %s", res.out);
}

/* An ELF32 multiboot kernel that is one bss segment [start, start + size), in temp_image slot. */
static const char *bss_kernel(int slot, uint32_t start, uint32_t size)
{
    static uint8_t f[256];
    Elf32_Ehdr eh = {.e_type = ET_EXEC,
                     .e_machine = EM_386,
                     .e_version = EV_CURRENT,
                     .e_entry = start,
                     .e_phoff = sizeof(eh),
                     .e_ehsize = sizeof(eh),
                     .e_phentsize = sizeof(Elf32_Phdr),
                     .e_phnum = 1};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    Elf32_Phdr ph = {.p_type = PT_LOAD, .p_paddr = start, .p_vaddr = start, .p_memsz = size, .p_flags = PF_R};
    uint32_t mb[3] = {0x1badb002, 0, -(uint32_t)0x1badb002};
    memcpy(f, &eh, sizeof(eh));
    memcpy(f + sizeof(eh), &ph, sizeof(ph));
    memcpy(f + sizeof(eh) + sizeof(ph), mb, sizeof(mb));
    return temp_image(slot, f, sizeof(f));
}

/* A kernel (or raw image) that leaves no room: status 2 and one line naming what did not fit. */
Test(loader, no_room_for_boot_data_is_one_line_and_status_2)
{
    static uint8_t ram[4 << 20];
    const char *all = temp_image(1, ram, sizeof(ram));
    const struct {
        const char *args[8];
        const char *says;
    } cases[] = {
        {{"-m", "2M", bss_kernel(2, 0x1000, 0x1ff000)}, "no free RAM for the memory map"},
        {{"-m", "1M", bss_kernel(3, 0x100000, 0x1000)}, "needs at least 2 MiB"},
        {{"-m", "4M", "--format=raw", "--load=0", "--entry-mode=long", all}, "long-mode page tables"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cli_run_vmm(cases[i].args, &res);
        cr_assert_eq(res.status, 2, "case %zu: status %d (%s)", i, res.status, res.err);
        cr_assert_eq(count_lines(res.err), 1, "case %zu: %s", i, res.err);
        cr_assert_not_null(strstr(res.err, cases[i].says), "case %zu: '%s' not in %s", i, cases[i].says, res.err);
    }
}

/* QEMU's PC for -kernel: a LAPIC at 0xfee00000, an IOAPIC and a PIC, without asking (--irqchip=auto). */
Test(loader, multiboot_kernels_get_the_irqchip_by_default)
{
    cli_run_vmm((const char *[]){"--serial=none", GUEST("apic-mb.elf"), NULL}, &res);
    cr_assert_eq(res.status, 1, "status %d: %s %s", res.status, res.out, res.err);
    cr_assert_str_eq(res.out, "lapic: present\nioapic: pins=00000018 \npic: present\n");
    cli_run_vmm((const char *[]){"--serial=none", "--irqchip=off", GUEST("apic-mb.elf"), NULL}, &res);
    cr_assert_eq(res.status, 3, "without it the guest finds nothing: %s", res.out);
    cr_assert_not_null(strstr(res.out, "lapic: absent\n"), "%s", res.out);
}

/* A file of n bytes starting with cpio's "070701" (an initramfs as the loader checks it), for --initrd (static
   storage: one per test). */
static const char *initrd_file(size_t n)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/vcpuctx-initrd-%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite("070701", 1, 6, f);
    if (n > 6)
        cr_assert_eq(ftruncate(fileno(f), (off_t)n), 0);
    fclose(f);
    return path;
}

/* The Linux boot protocol: probe-linux.bzImage reports what it found in its zero page. */
Test(loader, a_bzimage_gets_its_zero_page_command_line_and_initrd)
{
    const char *rd = initrd_file(5000);
    cli_run_vmm((const char *[]){"--serial=none", "--initrd", rd, "--append=console=ttyS0 marker=42",
                                 "--kernel=" GUEST("probe-linux.bzImage"), NULL},
                &res);
    unlink(rd);
    cr_assert_eq(res.status, 1, "status %d, out: %s err: %s", res.status, res.out, res.err);
    cr_assert_eq(shown("magic"), 0x53726448, "the setup header copied into the zero page");
    cr_assert_eq(shown("loader"), 0xff, "type_of_loader: no assigned ID");
    cr_assert_eq(shown("e820"), 7, "the PC map, as SeaBIOS gives QEMU's -kernel");
    cr_assert_eq(shown("e820_3_len"), (64u << 20) - (1u << 20) - (128u << 10), "RAM above 1 MiB");
    cr_assert_eq(shown("entry"), 0x1000200, "pref_address (16 MiB) + 0x200, the 64-bit entry");
    cr_assert_eq(shown("zero_page"), 0x7000, "RSI: the zero page where Firecracker puts it");
    cr_assert_eq(shown("cs"), 0x10, "__BOOT_CS");
    cr_assert_eq(shown("ds"), 0x18, "__BOOT_DS");
    uint64_t at = shown("initrd");
    cr_assert_eq(shown("initrd_size"), 5000);
    cr_assert(at % 4096 == 0 && at >= 0x1200000 && at + 5000 <= (64u << 20) - (128u << 10),
              "the initrd page-aligned, past the kernel, inside usable RAM: 0x%llx", (unsigned long long)at);
    cr_assert_eq(shown("initrd_word"), 0x37303730, "its bytes: \"0707\"");
    cr_assert_not_null(strstr(res.out, "cmdline: console=ttyS0 marker=42\n"), "%s", res.out);
}

/* Too little RAM at the preferred address: a relocatable kernel moves to the lowest aligned free address. */
Test(loader, a_relocatable_bzimage_moves_where_it_fits)
{
    cli_run_vmm((const char *[]){"--serial=none", "-m", "16M", GUEST("probe-linux.bzImage"), NULL}, &res);
    cr_assert_eq(res.status, 1, "status %d, err: %s", res.status, res.err);
    cr_assert_eq(shown("entry"), 0x200200, "2 MiB (kernel_alignment) + 0x200");
    cr_assert_eq(shown("initrd"), 0, "no initrd given");
    cr_assert_not_null(strstr(res.out, "cmdline: \n"), "an empty command line: %s", res.out);
}

/* Bad Linux input: status 2 and one line each, before the guest runs. */
Test(loader, bad_linux_input_is_one_line_and_status_2)
{
    static uint8_t img[4096];
    FILE *f = fopen(GUEST("probe-linux.bzImage"), "rb");
    cr_assert_not_null(f);
    size_t n = fread(img, 1, sizeof(img), f);
    fclose(f);
    img[0x206] = 0x01; /* protocol 2.01 */
    const char *old = temp_image(3, img, n);
    char longline[300];
    memset(longline, 'x', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    char append[320];
    snprintf(append, sizeof(append), "--append=%s", longline);
    const char *big = initrd_file(20u << 20);
    img[0x206] = 0x0c;
    uint32_t syssize = 0x100000; /* 16 MiB of protected-mode code, in paragraphs: more than the file has */
    memcpy(img + 0x1f4, &syssize, 4);
    const char *truncated = temp_image(4, img, n);
    const char *not_rd = temp_image(5, "\x00\x01\x02\x03 nothing a kernel unpacks", 30);
    const struct {
        const char *args[6];
        const char *says;
    } cases[] = {
        {{"--initrd=/nonexistent/initrd", GUEST("probe-linux.bzImage"), NULL}, "/nonexistent/initrd"},
        {{"--format=linux", old, NULL}, "2.06 or later"},
        {{append, GUEST("probe-linux.bzImage"), NULL}, "more than the kernel's 255"},
        {{"-m", "16M", "--initrd", big, GUEST("probe-linux.bzImage"), NULL}, "no room for it"},
        {{"--format=linux", GUEST("hello.rom"), NULL}, "not a Linux kernel"},
        {{"--kernel=" GUEST("probe-linux.bzImage"), GUEST("hello.rom"), NULL}, "more than one image"},
        {{"--format=linux", truncated, NULL}, "truncated"},
        {{"--initrd", not_rd, GUEST("probe-linux.bzImage"), NULL}, "not an initramfs"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cli_run_vmm(cases[i].args, &res);
        cr_assert_eq(res.status, 2, "case %zu: status %d, err: %s", i, res.status, res.err);
        cr_assert_eq(count_lines(res.err), 1, "case %zu: one line: %s", i, res.err);
        cr_assert_not_null(strstr(res.err, cases[i].says), "case %zu: %s", i, res.err);
    }
    unlink(big);
}
