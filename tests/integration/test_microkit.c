/* test_microkit.c: Microkit systems under vcpuctx-microkit: PDs without a VM (any machine), the example VMM with
   its guest (KVM), and descriptions the launcher refuses with one line and status 2. x86_64 only, as Microkit. */
#ifndef VCPUCTX_ABI_IA32
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include "cli.h"

#define MK_BIN BUILD_DIR "/vcpuctx-microkit"
#define MKT    BUILD_DIR "/tests/microkit"
#define MKX    BUILD_DIR "/examples/microkit"

TestSuite(microkit);

static void need_kvm(void)
{
    int fd = open("/dev/kvm", O_RDWR);
    if (fd < 0 && errno == ENOENT)
        cr_skip_test("/dev/kvm does not exist on this machine");
    if (fd >= 0)
        close(fd);
}

/* The launcher on a description, its images in search, then in the board's drivers' directory, with a board
   option (--disk=, --net=; NULL: none); stdin from the file in (NULL: /dev/null). */
static void run_system_with(const char *search, const char *system, const char *timeout, const char *board,
                            const char *in, struct cli_result *r)
{
    char s[600];
    snprintf(s, sizeof(s), "--search=%s", search);
    const char *argv[] = {
        MK_BIN, s, "--search=" BUILD_DIR "/microkit", timeout, board ? board : system, board ? system : NULL, NULL};
    cli_run_from(argv, in, 60, r);
}

static void run_system(const char *search, const char *system, const char *timeout, struct cli_result *r)
{
    run_system_with(search, system, timeout, NULL, NULL, r);
}

/* A test system (tests/microkit/NAME.system) whose PDs check each step and end with V = 0 (status 1), or V = the
   step that failed: it passes, silently on stderr. board: a board option, or NULL. */
static void system_passes_on(const char *name, const char *board, struct cli_result *r)
{
    char path[512];
    snprintf(path, sizeof(path), SRCDIR "/tests/microkit/%s.system", name);
    run_system_with(MKT, path, "--timeout=30", board, NULL, r);
    cr_assert_eq(r->status, 1, "%s: status %d (2V+1: V is the step that failed); stderr: %s", name, r->status, r->err);
    cr_assert_str_eq(r->err, "");
}

static void system_passes(const char *name, struct cli_result *r)
{
    system_passes_on(name, NULL, r);
}

Test(microkit, pds_notify_call_and_share_a_region_without_kvm)
{
    struct cli_result r;
    system_passes("ping", &r);
    cr_assert_str_eq(r.out, "ping: init\nping: done\n", "the board's COM1 output");
}

Test(microkit, the_example_vmm_runs_its_guest)
{
    need_kvm();
    struct cli_result r;
    run_system(MKX, SRCDIR "/examples/microkit/hello.system", "--timeout=30", &r);
    cr_assert_eq(r.status, 1, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "hello from the guest\nthe guest's MMIO write and call went through\n");
    cr_assert_str_eq(r.err, "vmm: starting the guest\nvmm: the guest wrote 0x1234abcd to its MMIO page\n");
}

/* Each exit kind's VMEnter message, field by field as seL4's kernel fills it (tests/microkit/exits.c). */
Test(microkit, vmenter_messages_are_sel4s_for_each_exit_kind)
{
    need_kvm();
    struct cli_result r;
    system_passes("exits", &r);
}

/* A guest state KVM refuses: the first VMEnter ends as seL4's entry failure, and one line names the state. */
Test(microkit, a_refused_guest_state_is_an_entry_failure_and_one_line)
{
    need_kvm();
    const char *xml = "<system><memory_region name=\"ram\" size=\"0x10000\"/><protection_domain name=\"bad\">"
                      "<program_image path=\"badentry.elf\"/><virtual_machine name=\"g\"><vcpu id=\"0\"/>"
                      "<map mr=\"ram\" vaddr=\"0\" perms=\"rwx\"/></virtual_machine>"
                      "<ioport id=\"1\" addr=\"0xf4\" size=\"1\"/></protection_domain></system>";
    struct cli_result r;
    run_system(MKT, temp_image(0, xml, strlen(xml)), "--timeout=30", &r);
    cr_assert_eq(r.status, 1, "status %d (3: not seL4's entry failure message); stderr: %s", r.status, r.err);
    cr_assert_eq(count_lines(r.err), 1, "one line: %s", r.err);
    cr_assert(strstr(r.err, "vcpuctx-microkit: PD 'bad': KVM refused the guest's state at VMEnter (") == r.err &&
                  strstr(r.err, "CR0 0x80000030 ") != NULL,
              "%s", r.err);
}

/* The board's COM1 reads the system's standard input, a byte per received-data interrupt, none lost. */
Test(microkit, com1_reads_standard_input)
{
    static const char text[] = "!tupni s'draob eht morf olleh";
    char in[sizeof(text) + 1];
    snprintf(in, sizeof(in), "%s\n", text);
    struct cli_result r;
    run_system_with(MKT, SRCDIR "/tests/microkit/echo.system", "--timeout=30", NULL, temp_image(0, in, strlen(in)), &r);
    cr_assert_eq(r.status, 1, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "echo: hello from the board's input!\n");
}

/* The board's timer driver PD, called as sDDF's timer driver is (tests/microkit/ticker.c). */
Test(microkit, the_board_timer_answers_sddf_timer_calls)
{
    struct cli_result r;
    system_passes("ticker", &r);
}

/* The board's block driver PD on an image whose block b holds bytes (b * 7 + i) & 0xff (tests/microkit/blkclient.c
   reads, writes, flushes and is refused out of range); the write is checked in the image afterwards. */
Test(microkit, the_board_block_driver_serves_sddf_block_requests)
{
    enum { BLOCK = 4096, BLOCKS = 16 };
    static uint8_t image[BLOCK * BLOCKS];
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)((i / BLOCK) * 7 + i % BLOCK);
    char disk[128];
    snprintf(disk, sizeof(disk), "--disk=%s", temp_image(1, image, sizeof(image)));
    struct cli_result r;
    system_passes_on("blk", disk, &r);
    FILE *f = fopen(disk + strlen("--disk="), "rb");
    cr_assert_not_null(f);
    char got[64] = {0};
    cr_assert(fseek(f, 9 * BLOCK, SEEK_SET) == 0 && fread(got, 1, sizeof(got) - 1, f) == sizeof(got) - 1);
    fclose(f);
    cr_assert_str_eq(got, "written by blkclient through the board's disk", "block 9 of the image");
}

/* A tap at 10.77.0.1 in a network namespace of the test's own (util-linux's unshare, iproute2's ip), then argv
   from argv[0] run in that namespace. */
#define NETNS_TAP                                                                                                      \
    "ip=/usr/sbin/ip; $ip tuntap add vcmk0 mode tap && $ip addr add 10.77.0.1/24 dev vcmk0 && $ip link set vcmk0 up "  \
    "&& "                                                                                                              \
    "exec \"$0\" \"$@\""

/* The board's network driver PD on a tap: the client's ARP request reaches the host's stack, whose reply comes
   back through the tap's IRQ (tests/microkit/netclient.c). Skipped where this machine cannot make a tap in a
   network namespace of the test's own (the probe's line says why). */
Test(microkit, the_board_network_driver_carries_frames_both_ways)
{
    const char *probe[] = {"/usr/bin/unshare", "-n", "sh", "-c", NETNS_TAP, "/bin/true", NULL};
    struct cli_result r;
    cli_run(probe, 30, &r);
    if (r.status != 0)
        cr_skip_test("no tap in a network namespace of the test's own (status %d): %s", r.status, r.err);
    const char *argv[] = {"/usr/bin/unshare",
                          "-n",
                          "sh",
                          "-c",
                          NETNS_TAP,
                          MK_BIN,
                          "--search=" MKT,
                          "--search=" BUILD_DIR "/microkit",
                          "--net=vcmk0",
                          "--timeout=30",
                          SRCDIR "/tests/microkit/net.system",
                          NULL};
    cli_run(argv, 60, &r);
    cr_assert_eq(r.status, 1, "status %d (2V+1: V is the step that failed); stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.err, "");
}

/* Board options the launcher refuses before any PD starts: status 2 and one line. */
Test(microkit, a_missing_disk_or_tap_is_refused_with_status_2)
{
    static const struct {
        const char *option, *want;
    } bad[] = {
        {"--disk=/nonexistent/disk.img", "vcpuctx-microkit: --disk: /nonexistent/disk.img: No such file"},
        {"--net=vcmk-none0", "vcpuctx-microkit: --net: tap vcmk-none0: no such network interface"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cli_result r;
        run_system_with(MKT, SRCDIR "/tests/microkit/ping.system", "--timeout=30", bad[i].option, NULL, &r);
        cr_expect_eq(r.status, 2, "%s: status %d", bad[i].option, r.status);
        cr_expect_eq(count_lines(r.err), 1, "%s: one line, not: %s", bad[i].option, r.err);
        cr_expect(strstr(r.err, bad[i].want) == r.err, "%s: wanted '%s' in: %s", bad[i].option, bad[i].want, r.err);
        cr_expect_str_eq(r.out, "", "%s: nothing ran", bad[i].option);
    }
}

Test(microkit, a_pd_seL4_would_fault_ends_the_system_with_status_4)
{
    const char *xml = "<system><protection_domain name=\"crash\"><program_image path=\"crash.elf\"/>"
                      "<ioport id=\"0\" addr=\"0x3f8\" size=\"8\"/></protection_domain></system>";
    struct cli_result r;
    run_system(MKT, temp_image(0, xml, strlen(xml)), "--timeout=30", &r);
    cr_assert_eq(r.status, 4, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.err, "crash microkit_notify: invalid channel given '9'\n"
                            "microkit_x86_ioport_write: error writing data\n"
                            "vcpuctx-microkit: PD 'crash' crashed (seL4 error 3)\n");
}

Test(microkit, a_system_that_runs_on_ends_at_the_timeout)
{
    const char *xml = "<system><protection_domain name=\"pong\" passive=\"true\"><program_image path=\"pong.elf\"/>"
                      "</protection_domain></system>";
    struct cli_result r;
    run_system(MKT, temp_image(0, xml, strlen(xml)), "--timeout=1", &r);
    cr_assert_eq(r.status, 124, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.err, "vcpuctx-microkit: timeout after 1 s\n");
}

/* Each bad description: status 2 and one line naming the element, nothing started. */
Test(microkit, bad_descriptions_are_one_line_and_status_2)
{
    static const struct {
        const char *xml, *want;
    } bad[] = {
        {"<system><protection_domain name=\"a\"><program_image path=\"nope.elf\"/></protection_domain></system>",
         "program_image: PD 'a': '" MKT "/nope.elf': cannot be executed"},
        {"<system><memory_region name=\"m\" size=\"0x2000\"/><protection_domain name=\"a\">"
         "<program_image path=\"pong.elf\"/><map mr=\"m\" vaddr=\"0x40000000\"/><map mr=\"m\" vaddr=\"0x40001000\"/>"
         "</protection_domain></system>",
         "map: 'm' at 0x40001000 overlaps 'm' at 0x40000000"},
        {"<system><protection_domain name=\"a\"><program_image path=\"pong.elf\"/></protection_domain>"
         "<channel><end pd=\"a\" id=\"1\"/><end pd=\"b\" id=\"1\"/></channel></system>",
         "end: no PD 'b'"},
        {"<system><memory_region name=\"huge\" size=\"0x1000000000000\"/><protection_domain name=\"a\">"
         "<program_image path=\"pong.elf\"/></protection_domain></system>",
         "memory_region: 'huge' (0x1000000000000 bytes) takes the regions past this machine's RAM"},
        {"<system><protection_domain name=\"a\"><program_image path=\"pong.elf\"/></protection_domain>", "XML: "},
        {"<system><protection_domain name=\"a\" priority=\"10\"><program_image path=\"ping.elf\"/></protection_domain>"
         "<protection_domain name=\"b\" priority=\"10\"><program_image path=\"pong.elf\"/></protection_domain>"
         "<channel><end pd=\"a\" id=\"1\" pp=\"true\"/><end pd=\"b\" id=\"1\"/></channel></system>",
         "end: 'a' (priority 10) may call only a PD of higher priority, not 'b' (10)"},
        {"<system><protection_domain name=\"a\" colour=\"red\"><program_image path=\"pong.elf\"/>"
         "</protection_domain></system>",
         "protection_domain: unknown attribute 'colour'"},
        {"<system><memory_region name=\"m\" size=\"0x1000\"/><protection_domain name=\"a\">"
         "<program_image path=\"pong.elf\"/><map mr=\"m\" vaddr=\"0x40000000\" setvar_vaddr=\"no_such_symbol\"/>"
         "</protection_domain></system>",
         "map: setvar 'no_such_symbol': no such symbol in PD 'a''s image"},
        {"<system><protection_domain name=\"a\"><program_image path=\"pong.elf\"/><irq id=\"1\" pin=\"4\" "
         "vector=\"36\"/></protection_domain><protection_domain name=\"b\" priority=\"1\"><program_image "
         "path=\"ping.elf\"/></protection_domain><channel><end pd=\"a\" id=\"1\"/><end pd=\"b\" id=\"1\"/>"
         "</channel></system>",
         "end: id 1 is taken twice in PD 'a'"},
        {"<system><memory_region name=\"m\" size=\"0x1800\"/></system>",
         "memory_region: 'm': size 0x1800 is not a multiple of its page size 0x1000"},
        {"<system><protection_domain name=\"a\"><program_image path=\"pong.elf\"/><ioport id=\"0\" addr=\"0x3f8\" "
         "size=\"8\"/></protection_domain><protection_domain name=\"b\"><program_image path=\"pong.elf\"/>"
         "<ioport id=\"0\" addr=\"0x3fc\" size=\"1\"/></protection_domain></system>",
         "protection_domain: 'b''s I/O ports 0x3fc+1 overlap 'a''s 0x3f8+8"},
        {"<system><memory_region name=\"a\" size=\"0x2000\" phys_addr=\"0x80000000\"/><memory_region name=\"b\" "
         "size=\"0x1000\" phys_addr=\"0x80001000\"/><protection_domain name=\"p\"><program_image "
         "path=\"pong.elf\"/></protection_domain></system>",
         "memory_region: 'b' at physical 0x80001000 overlaps 'a' at 0x80000000"},
        {"<system><protection_domain name=\"a\"><program_image path=\"blkclient.elf\"/><setvar symbol=\"data_paddr\" "
         "region_paddr=\"nowhere\"/></protection_domain></system>",
         "setvar: no memory region 'nowhere'"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cli_result r;
        run_system(MKT, temp_image(0, bad[i].xml, strlen(bad[i].xml)), "--timeout=30", &r);
        cr_expect_eq(r.status, 2, "case %zu: status %d", i, r.status);
        cr_expect_eq(count_lines(r.err), 1, "case %zu: one line, not: %s", i, r.err);
        cr_expect(strstr(r.err, bad[i].want) != NULL, "case %zu: wanted '%s' in: %s", i, bad[i].want, r.err);
        cr_expect_str_eq(r.out, "", "case %zu: nothing ran", i);
    }
}
#endif /* VCPUCTX_ABI_IA32 */
