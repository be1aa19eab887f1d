/* test_conformance.c: each guest image under QEMU TCG and under vcpuctx-run: same debugcon and COM1 bytes, same status.
 */
#include "cli.h"
#include "vmtest.h"

#define QEMU     "/usr/bin/qemu-system-x86_64"
#define QEMU_REF SRCDIR "/scripts/qemu-ref.sh"

struct outcome {
    int status;
    char dbg[8192], ser[8192];
};

static void read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    cr_assert_geq(fd, 0, "%s", path);
    slurp_fd(fd, buf, n);
    unlink(path);
}

/* image under qemu-ref.sh and under vcpuctx-run, each with opts (vcpuctx-run's spellings, which qemu-ref.sh
   takes too; NULL-terminated, or NULL); qemu_opt (or NULL) for qemu-ref.sh alone. */
static void run_both(const char *image, const char *const *opts, const char *qemu_opt, struct outcome *q,
                     struct outcome *v)
{
    char qd[64], qs[64], vd[64], vs[64], a1[4096], a2[4096];
    int pid = (int)getpid();
    snprintf(qd, sizeof(qd), "/tmp/conf-%d-q.dbg", pid);
    snprintf(qs, sizeof(qs), "/tmp/conf-%d-q.ser", pid);
    snprintf(vd, sizeof(vd), "/tmp/conf-%d-v.dbg", pid);
    snprintf(vs, sizeof(vs), "/tmp/conf-%d-v.ser", pid);
    struct cli_result r;
    const char *argv[24];
    size_t n = 0, nopts = 0;
    while (opts && opts[nopts])
        nopts++;
    cr_assert_lt(nopts, 16);
    snprintf(a1, sizeof(a1), "--debugcon=%s", qd);
    snprintf(a2, sizeof(a2), "--serial=%s", qs);
    argv[n++] = "/bin/sh", argv[n++] = QEMU_REF, argv[n++] = a1, argv[n++] = a2, argv[n++] = "-m", argv[n++] = "64";
    if (qemu_opt)
        argv[n++] = qemu_opt;
    for (size_t i = 0; i < nopts; i++)
        argv[n++] = opts[i];
    argv[n++] = image, argv[n] = NULL;
    cli_run(argv, 120, &r);
    q->status = r.status;
    read_file(qd, q->dbg, sizeof(q->dbg));
    read_file(qs, q->ser, sizeof(q->ser));
    snprintf(a1, sizeof(a1), "--debugcon=file:%s", vd);
    snprintf(a2, sizeof(a2), "--serial=file:%s", vs);
    n = 0;
    argv[n++] = RUN_BIN, argv[n++] = a1, argv[n++] = a2, argv[n++] = "--timeout=60";
    for (size_t i = 0; i < nopts; i++)
        argv[n++] = opts[i];
    argv[n++] = image, argv[n] = NULL;
    cli_run(argv, 120, &r);
    v->status = r.status;
    read_file(vd, v->dbg, sizeof(v->dbg));
    read_file(vs, v->ser, sizeof(v->ser));
}

/* Skip unless both can run here. */
static void need_both(void)
{
    host_need_kvm();
    if (access(QEMU, X_OK) != 0)
        cr_skip_test("QEMU is not installed (scripts/install-deps.sh installs qemu-system-x86)");
}

static void conform_with(const char *name, const char *const *opts, const char *qemu_opt, bool needs_paging32)
{
    need_both();
    char image[512];
    snprintf(image, sizeof(image), "%s/%s", DEMO_GUEST_DIR, name);
    static struct outcome q, v;
    if (needs_paging32 && !host_runs_32bit_paging()) {
        run_both(image, opts, qemu_opt, &q, &v);
        cr_assert_eq(q.status, 1, "QEMU still runs %s and it passes there", name);
        cr_skip_test("%s needs 32-bit paging, which this host's KVM cannot run (probe: CR0.PG without PAE "
                     "ends in shutdown); it passes under QEMU TCG",
                     name);
    }
    run_both(image, opts, qemu_opt, &q, &v);
    cr_assert_eq(q.status, 1, "%s fails under QEMU (status %d): the guest itself is wrong", name, q.status);
    cr_assert_gt(strlen(q.dbg), 0, "QEMU's debugcon output is empty");
    cr_assert_str_eq(v.dbg, q.dbg, "%s: debugcon differs", name);
    cr_assert_str_eq(v.ser, q.ser, "%s: COM1 differs", name);
    cr_assert_eq(v.status, q.status, "%s: status %d, QEMU %d", name, v.status, q.status);
}

static void conform(const char *name, const char *const *opts, bool needs_paging32)
{
    conform_with(name, opts, NULL, needs_paging32);
}

/* A guest whose status is its result, with no output: QEMU's status is want, and vcpuctx-run's the same. */
static void conform_status(const char *name, const char *const *opts, int want)
{
    need_both();
    char image[512];
    snprintf(image, sizeof(image), "%s/%s", DEMO_GUEST_DIR, name);
    static struct outcome q, v;
    run_both(image, opts, NULL, &q, &v);
    cr_assert_eq(q.status, want, "%s under QEMU: status %d, not %d: the guest itself is wrong", name, q.status, want);
    cr_assert_eq(v.status, q.status, "%s: status %d, QEMU %d", name, v.status, q.status);
}

Test(conformance, hello_rom)
{
    conform("hello.rom", NULL, false);
}
Test(conformance, pmode_rom)
{
    conform("pmode.rom", NULL, false);
}
Test(conformance, longmode_rom)
{
    conform("longmode.rom", NULL, false);
}
Test(conformance, regdump_rom)
{
    conform("regdump.rom", NULL, false);
}
Test(conformance, paging32_rom)
{
    conform("paging32.rom", NULL, true);
}
Test(conformance, multiboot_elf)
{
    conform("hello-mb.elf", NULL, false);
}
Test(conformance, debug_guest_elf)
{
    conform("debug-mb.elf", NULL, false);
}
Test(conformance, multiboot_elf_with_command_line)
{
    conform("hello-mb.elf", (const char *[]){"--append=root=/dev/vda console=ttyS0", NULL}, false);
}
/* Multiboot modules: QEMU's -initrd list, the same addresses, words and strings. */
Test(conformance, multiboot_elf_with_modules)
{
    static char mods[600];
    const char *one = temp_image(0, "MOD1data", 8);
    static char big[5000] = "SECOND";
    const char *two = temp_image(1, big, sizeof(big));
    snprintf(mods, sizeof(mods), "--initrd=%s arg1 arg2,%s", one, two);
    conform("hello-mb.elf", (const char *[]){mods, NULL}, false);
}
/* Two CPUs, the second started through INIT and SIPI, as test kernels start them. */
Test(conformance, multiboot_smp)
{
    conform("smp-mb.elf", (const char *[]){"--smp=2", "--append=2", NULL}, false);
}
/* CPUs that halt with interrupts off while another works on, or wake each other (NMI, INIT and SIPI, the PIT as an
   NMI): each run ends where QEMU's does (halt-mb.elf). */
Test(conformance, halted_cpus_end_a_run_where_qemu_ends_it)
{
    conform_status("halt-mb.elf", (const char *[]){"--smp=2", "--append=a", NULL}, 67);
    conform_status("halt-mb.elf", (const char *[]){"--smp=2", "--append=n", NULL}, 69);
    conform_status("halt-mb.elf", (const char *[]){"--smp=2", "--append=i", NULL}, 73);
    conform_status("halt-mb.elf", (const char *[]){"--smp=2", "--append=p", NULL}, 71);
    conform_status("halt-mb.elf", (const char *[]){"--append=p", NULL}, 71);
}
/* Suspend to RAM woken by the RTC alarm, resumed at the FACS's waking vector (or reset without one), and the
   alarm's interrupt and flag: each run ends where QEMU's does (sleep-mb.elf). */
Test(conformance, s3_and_the_rtc_alarm_end_where_qemu_ends_them)
{
    conform_status("sleep-mb.elf", (const char *[]){"--append=s", NULL}, 99);
    conform_status("sleep-mb.elf", (const char *[]){"--no-reboot", "--append=v", NULL}, 0);
    conform_status("sleep-mb.elf", (const char *[]){"--append=a", NULL}, 101);
    conform_status("sleep-mb.elf", (const char *[]){"--append=f", NULL}, 105);
}
/* ACPI as a test kernel finds it under QEMU: the RSDP by its scan, the FADT, the PM timer at 0x608 counting. */
Test(conformance, multiboot_acpi_tables_and_pm_timer)
{
    conform("acpi-mb.elf", NULL, false);
}
/* The CPU model as QEMU's under KVM (TCG's qemu64 has svm and lacks x2apic): the same CPUID, word for word. */
Test(conformance, multiboot_cpu_qemu64_under_kvm)
{
    conform_with("cpuid-mb.elf", (const char *[]){"--cpu=qemu64", NULL}, "--accel=kvm", false);
}
/* RAM as QEMU's pc lays it out around the 32-bit PCI hole, as a test kernel finds it in its multiboot map and the
   CMOS: all of it below 4 GiB, and with -m 4G 3 GiB below and 1 GiB from 4 GiB up. */
/* MemTotal + SwapTotal in MiB (/proc/meminfo): what the kernel's overcommit heuristic lets one mapping reach. */
static unsigned long long committable_mib(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    unsigned long long kb, total = 0;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %llu kB", &kb) == 1 || sscanf(line, "SwapTotal: %llu kB", &kb) == 1)
            total += kb;
    if (f)
        fclose(f);
    return total / 1024;
}

Test(conformance, multiboot_memory_around_the_pci_hole)
{
    conform("highmem-mb.elf", NULL, false);
    unsigned long long mib = committable_mib();
    if (mib < 4608)
        cr_skip_test("QEMU cannot map -m 4G here: MemTotal + SwapTotal is %llu MiB, and the kernel's overcommit "
                     "heuristic refuses one mapping larger than that (vcpuctx-run maps its RAM MAP_NORESERVE)",
                     mib);
    conform("highmem-mb.elf", (const char *[]){"-m", "4G", NULL}, false);
}
/* The PCI host bridge a test kernel finds through 0xCF8/0xCFC: QEMU's i440FX, word for word. */
Test(conformance, multiboot_pci_host_bridge)
{
    conform("pci-mb.elf", NULL, false);
}
/* QEMU's -kernel gets a PC's LAPIC, IOAPIC and PIC; so does vcpuctx-run's, by default. */
Test(conformance, multiboot_platform_interrupt_controllers)
{
    conform("apic-mb.elf", NULL, false);
}

/* The bootable disk under SeaBIOS: QEMU's IDE disk vs vcpuctx-run's --drive. The guest's debugcon (0xe9)
   output and the status must match; COM1 is not compared, since only vcpuctx-run's SeaBIOS has NOGRAPHIC
   and mirrors its screen there. */
Test(conformance, disk_boot_under_seabios)
{
    const char *bios = "/usr/share/seabios/bios.bin", *disk = DEMO_GUEST_DIR "/disk.img";
    if (access("/dev/kvm", F_OK) != 0 || access(QEMU, X_OK) != 0 || access(bios, R_OK) != 0)
        cr_skip_test("needs /dev/kvm, QEMU and SeaBIOS (scripts/install-deps.sh installs them)");
    char qd[64], vd[64], drive[600], chardev[128], dopt[80];
    snprintf(qd, sizeof(qd), "/tmp/conf-disk-%d-q", (int)getpid());
    snprintf(vd, sizeof(vd), "/tmp/conf-disk-%d-v", (int)getpid());
    snprintf(drive, sizeof(drive), "file=%s,format=raw,if=ide,snapshot=on", disk);
    snprintf(chardev, sizeof(chardev), "file,id=d,path=%s", qd);
    const char *qargv[] = {QEMU,
                           "-accel",
                           "tcg",
                           "-display",
                           "none",
                           "-nodefaults",
                           "-no-reboot",
                           "-m",
                           "64",
                           "-bios",
                           bios,
                           "-drive",
                           drive,
                           "-chardev",
                           chardev,
                           "-device",
                           "isa-debugcon,iobase=0xe9,chardev=d",
                           "-device",
                           "isa-debug-exit,iobase=0xf4,iosize=4",
                           "-serial",
                           "null",
                           "-monitor",
                           "none",
                           NULL};
    struct cli_result r;
    static struct outcome q, v;
    cli_run(qargv, 120, &r);
    q.status = r.status;
    read_file(qd, q.dbg, sizeof(q.dbg));
    char drv[600];
    snprintf(drv, sizeof(drv), "--drive=%s", disk);
    snprintf(dopt, sizeof(dopt), "--debugcon=file:%s", vd);
    const char *vargv[] = {RUN_BIN,         "--no-reboot", "--timeout=60", drv, "--fw-debug=none",
                           "--serial=none", dopt,          bios,           NULL};
    cli_run(vargv, 120, &r);
    v.status = r.status;
    read_file(vd, v.dbg, sizeof(v.dbg));
    cr_assert_eq(q.status, 1, "the disk guest passes under QEMU (status %d)", q.status);
    cr_assert_not_null(strstr(q.dbg, "stage 2 loaded through INT 13h"), "%s", q.dbg);
    cr_assert_str_eq(v.dbg, q.dbg, "guest output differs");
    cr_assert_eq(v.status, q.status);
}
