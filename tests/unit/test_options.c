/* test_options.c: vcpuctx-run's option parsing and image-format detection, without KVM. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <getopt.h>
#include <string.h>

#include "run/run.h"

static int parse(struct options *o, const char *const *args)
{
    int argc = 0;
    char *argv[32];
    argv[argc++] = (char *)"vcpuctx-run";
    for (; args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    optind = 0;
    return options_parse(argc, argv, o);
}

static void quiet(void)
{
    cr_redirect_stderr();
    cr_redirect_stdout();
}

TestSuite(options, .init = quiet);

Test(options, defaults)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"img", NULL}), 0);
    cr_assert_str_eq(o.image, "img");
    cr_assert_eq(o.memory, 64u << 20);
    cr_assert_eq(o.load, 0x7c00);
    cr_assert_eq(o.entry, 0x7c00);
    cr_assert_eq(o.format, FMT_AUTO);
    cr_assert_eq(o.debugcon.kind, OUT_STDIO);
    cr_assert_eq(o.serial.kind, OUT_STDIO);
    cr_assert_eq(o.fwdebug.kind, OUT_NONE, "the firmware's log is off in a plain run, as under QEMU");
}

Test(options, the_firmware_log_follows_a_given_debugcon)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"--debugcon=file:/tmp/x", "img", NULL}), 0);
    cr_assert_eq(o.fwdebug.kind, OUT_SAME, "0x402 goes where the given --debugcon goes");
    cr_assert_eq(parse(&o, (const char *[]){"--debugcon=stdio", "--fw-debug=none", "img", NULL}), 0);
    cr_assert_eq(o.fwdebug.kind, OUT_NONE);
    cr_assert_eq(parse(&o, (const char *[]){"--fw-debug=stdio", "img", NULL}), 0);
    cr_assert_eq(o.fwdebug.kind, OUT_STDIO);
}

Test(options, every_option)
{
    struct options o;
    const char *args[] = {"--format=raw",
                          "-m",
                          "2M",
                          "--load=0x1000",
                          "--entry=0x1010",
                          "--entry-mode=long",
                          "--append=a b",
                          "--debugcon=file:/tmp/x",
                          "--serial=none",
                          "--timeout=1.5",
                          "--max-exits=1k",
                          "--no-reboot",
                          "--trace",
                          "--stats",
                          "--dump-regs",
                          "--bios-shadow=all",
                          "--gdb=1234",
                          "img",
                          NULL};
    cr_assert_eq(parse(&o, args), 0);
    cr_assert_eq(o.format, FMT_RAW);
    cr_assert_eq(o.memory, 2u << 20);
    cr_assert_eq(o.load, 0x1000);
    cr_assert_eq(o.entry, 0x1010);
    cr_assert_eq(o.entry_mode, MODE_LONG);
    cr_assert_str_eq(o.append, "a b");
    cr_assert_eq(o.debugcon.kind, OUT_FILE);
    cr_assert_str_eq(o.debugcon.path, "/tmp/x");
    cr_assert_eq(o.serial.kind, OUT_NONE);
    cr_assert_float_eq(o.timeout, 1.5, 1e-9);
    cr_assert_eq(o.max_exits, 1024);
    cr_assert(o.no_reboot && o.trace && o.stats && o.dump_regs && o.bios_shadow == SHADOW_ALL);
    cr_assert(o.gdb && o.gdb_port == 1234);
    cr_assert_eq(parse(&o, (const char *[]){"--gdb=0", "img", NULL}), 0);
    cr_assert(o.gdb && o.gdb_port == 0, "0: any free port");
    cr_assert_eq(parse(&o, (const char *[]){"img", NULL}), 0);
    cr_assert(!o.gdb, "no debugger unless asked");
}

Test(options, refusals)
{
    const char *bad[][3] = {
        {"--format=elf", "img", NULL},
        {"-m", "12X", "img"},
        {"--memory=-1", "img", NULL},
        {"--bogus", "img", NULL},
        {"--timeout=0", "img", NULL},
        {"--timeout=abc", "img", NULL},
        {"--serial=tty", "img", NULL},
        {"--debugcon=file:", "img", NULL},
        {"--entry-mode=smm", "img", NULL},
        {"--max-exits=0", "img", NULL},
        {"img", "img2", NULL},
        {"--load=1Q", "img", NULL},
        {"--gdb=65536", "img", NULL},
        {"--gdb=-1", "img", NULL},
        {"--gdb=12ab", "img", NULL},
        {"--gdb=", "img", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct options o;
        const char *args[4] = {bad[i][0], bad[i][1], bad[i][2], NULL};
        cr_assert_eq(parse(&o, args), -1, "case %zu (%s %s) accepted", i, bad[i][0], bad[i][1]);
    }
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){NULL}), -1, "no image");
    cr_assert_eq(parse(&o, (const char *[]){"--memory", NULL}), -1, "missing value");
}

Test(options, help_and_version)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"--help", NULL}), 1);
    cr_assert_eq(parse(&o, (const char *[]){"--version", NULL}), 1);
}

Test(options, sizes)
{
    uint64_t v;
    cr_assert_eq(parse_size("64M", &v), 0);
    cr_assert_eq(v, 64u << 20);
    cr_assert_eq(parse_size("0x7c00", &v), 0);
    cr_assert_eq(v, 0x7c00);
    cr_assert_eq(parse_size("1g", &v), 0);
    cr_assert_eq(v, 1u << 30);
    cr_assert_eq(parse_size("", &v), -1);
    cr_assert_eq(parse_size("4MB", &v), -1);
    cr_assert_eq(parse_size("99999999999999999999", &v), -1);
    cr_assert_eq(parse_size("18446744073709551615G", &v), -1, "overflow");
}

Test(detect, formats)
{
    static uint8_t rom[65536], odd[65536 + 512], elf[8192];
    rom[65536 - 16] = 0xea;
    cr_assert_eq(image_detect(rom, sizeof(rom)), FMT_BIOS);
    rom[65536 - 16] = 0x90;
    cr_assert_eq(image_detect(rom, sizeof(rom)), FMT_RAW, "no jump at the reset vector");
    odd[sizeof(odd) - 16] = 0xea;
    cr_assert_eq(image_detect(odd, sizeof(odd)), FMT_RAW, "not a power of two");
    memcpy(elf, "\177ELF\001", 5);
    cr_assert_eq(image_detect(elf, sizeof(elf)), FMT_RAW, "ELF without a multiboot header");
    uint32_t hdr[3] = {0x1badb002, 0, -(uint32_t)0x1badb002};
    memcpy(elf + 4096, hdr, sizeof(hdr));
    cr_assert_eq(image_detect(elf, sizeof(elf)), FMT_MULTIBOOT);
    hdr[2] ^= 1;
    memcpy(elf + 4096, hdr, sizeof(hdr));
    cr_assert_eq(image_detect(elf, sizeof(elf)), FMT_RAW, "bad checksum");
    cr_assert_str_eq(format_name(FMT_MULTIBOOT), "multiboot");
}

Test(detect, linux_bzimages_by_their_setup_header)
{
    static uint8_t bz[0x1000];
    memcpy(bz + 0x202, "HdrS", 4);
    cr_assert_eq(image_detect(bz, sizeof(bz)), FMT_LINUX);
    cr_assert_eq(image_detect(bz, 0x267), FMT_RAW, "too short for the header");
    bz[0x203] = 'x';
    cr_assert_eq(image_detect(bz, sizeof(bz)), FMT_RAW, "no magic");
    cr_assert_str_eq(format_name(FMT_LINUX), "linux");
    cr_assert(format_wants_irqchip(FMT_LINUX, sizeof(bz)), "QEMU's -kernel platform");
}

Test(options, linux_kernel_initrd_and_append, .init = quiet)
{
    struct options o;
    cr_assert_eq(
        parse(&o, (const char *[]){"--kernel=vmlinuz", "--initrd", "rd.img", "--append=quiet", "--format=linux", NULL}),
        0);
    cr_assert_str_eq(o.image, "vmlinuz", "--kernel names the image");
    cr_assert_str_eq(o.initrd, "rd.img");
    cr_assert_str_eq(o.append, "quiet");
    cr_assert_eq(o.format, FMT_LINUX);
    cr_assert_eq(parse(&o, (const char *[]){"--kernel=vmlinuz", "other", NULL}), -1, "two images");
    cr_assert_eq(parse(&o, (const char *[]){"--initrd=rd.img", NULL}), -1, "no image");
}

Test(options, drives_as_qemu_writes_them)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"--drive=a.img", "--drive=file=b.img,if=virtio",
                                            "--drive=if=virtio,format=raw,readonly=on,file=c.img", "img", NULL}),
                 0);
    cr_assert_str_eq(o.drive, "a.img", "FILE alone: the ATA disk");
    cr_assert_eq(o.nvdrives, 2);
    cr_assert_str_eq(o.vdrive[0].file, "b.img");
    cr_assert_not(o.vdrive[0].readonly);
    cr_assert_str_eq(o.vdrive[1].file, "c.img");
    cr_assert(o.vdrive[1].readonly);
    options_free(&o);
    cr_assert_null(o.drive, "options_free releases the names and forgets them");
    cr_assert_eq(o.nvdrives, 0);
    cr_assert_eq(parse(&o, (const char *[]){"--drive=file=x.img,file=d.img,if=ide", "img", NULL}), 0);
    cr_assert_str_eq(o.drive, "d.img", "a repeated file= keeps the last, as QEMU does");
    cr_assert_eq(o.nvdrives, 0);
    options_free(&o);
    static const char *const bad[] = {"--drive=if=virtio",           "--drive=file=,if=virtio",
                                      "--drive=file=a,if=scsi",      "--drive=file=a,format=qcow2",
                                      "--drive=file=a,readonly=yes", "--drive=file=a,cache=none",
                                      "--drive=file=a,readonly=on",  "--drive="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(parse(&o, (const char *[]){bad[i], "img", NULL}), -1, "%s refused", bad[i]);
    const char *five[] = {"--drive=file=a,if=virtio",
                          "--drive=file=a,if=virtio",
                          "--drive=file=a,if=virtio",
                          "--drive=file=a,if=virtio",
                          "--drive=file=a,if=virtio",
                          "img",
                          NULL};
    cr_assert_eq(parse(&o, five), -1, "at most 4 virtio disks");
}

Test(options, the_virtio_console)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"img", NULL}), 0);
    cr_assert_eq(o.vcon.kind, OUT_SAME, "none unless asked");
    cr_assert_eq(parse(&o, (const char *[]){"--device=virtio-console", "img", NULL}), 0);
    cr_assert_eq(o.vcon.kind, OUT_STDIO);
    cr_assert_eq(parse(&o, (const char *[]){"--device=virtio-console,out=file:/tmp/x", "img", NULL}), 0);
    cr_assert_eq(o.vcon.kind, OUT_FILE);
    cr_assert_str_eq(o.vcon.path, "/tmp/x");
    cr_assert_eq(parse(&o, (const char *[]){"--device=virtio-consolex", "img", NULL}), -1);
    cr_assert_eq(parse(&o, (const char *[]){"--device=virtio-console,out=tty", "img", NULL}), -1);
}

Test(options, a_nic_as_qemu_writes_it)
{
    struct options o;
    cr_assert_eq(parse(&o, (const char *[]){"--nic=tap,ifname=tap0", "img", NULL}), 0);
    cr_assert(o.nic.given);
    cr_assert_str_eq(o.nic.ifname, "tap0");
    cr_assert(memcmp(o.nic.mac, "\x52\x54\x00\x12\x34\x56", 6) == 0, "QEMU's default MAC");
    cr_assert_eq(parse(&o, (const char *[]){"--nic=tap,mac=02:00:00:00:00:2a,ifname=t1", "img", NULL}), 0);
    cr_assert_eq(o.nic.mac[5], 0x2a);
    static const char *const bad[] = {"--nic=user",
                                      "--nic=tap",
                                      "--nic=tap,ifname=",
                                      "--nic=tap,ifname=t,mac=01:00:00:00:00:00",
                                      "--nic=tap,ifname=t,mac=zz",
                                      "--nic=tap,ifname=t,model=e1000",
                                      "--nic=tap,ifname=a-name-longer-than-fifteen"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(parse(&o, (const char *[]){bad[i], "img", NULL}), -1, "%s refused", bad[i]);
}
