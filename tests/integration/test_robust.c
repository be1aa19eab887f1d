/* test_robust.c: vcpuctx-run against input that would block, options that do not apply, outputs that fail,
   signals, and multiboot module lists of any size. The refusals come before KVM is opened, so they run anywhere. */
#include <errno.h>
#include <sys/stat.h>

#include "cli.h"
#include "host.h"

#define GUEST(name) DEMO_GUEST_DIR "/" name

static struct cli_result res;

static void run(const char *const *args)
{
    cli_run_vmm(args, &res);
}

/* A FIFO at a fresh path (nobody ever opens its other end). */
static const char *temp_fifo(void)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/vcpuctx-fifo-%d", (int)getpid());
    unlink(path);
    cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo: %s", strerror(errno));
    return path;
}

static void assert_refused(const char *const *args, const char *says)
{
    run(args);
    cr_assert_eq(res.status, 2, "%s: status %d (stderr: %s)", args[0], res.status, res.err);
    cr_assert_eq(count_lines(res.err), 1, "%s: one line, got: %s", args[0], res.err);
    cr_assert_not_null(strstr(res.err, says), "'%s' not in: %s", says, res.err);
    cr_assert_lt(res.seconds, 5, "refused at once, not after %.1f s", res.seconds);
}

/* A FIFO, a socket's kind of file or a device where a file is read whole never blocks start-up: status 2, one line,
   at once (--timeout, which would end it otherwise, is far off). */
Test(robust, special_files_as_inputs_are_refused_at_once)
{
    const char *fifo = temp_fifo();
    char initrd[128], mods[160];
    snprintf(initrd, sizeof(initrd), "--initrd=%s", fifo);
    assert_refused((const char *[]){"--timeout=60", fifo, NULL}, "not a regular file");
    assert_refused((const char *[]){"--timeout=60", "--kernel=/dev/zero", NULL}, "not a regular file");
    assert_refused((const char *[]){"--timeout=60", "/dev/null", NULL}, "not a regular file");
    host_need_kvm(); /* the initrd and the modules are read as the VM is made */
    assert_refused((const char *[]){"--timeout=60", initrd, GUEST("hello-mb.elf"), NULL}, "not a regular file");
    snprintf(mods, sizeof(mods), "--initrd=%s,%s x", GUEST("hello-mb.elf"), fifo);
    assert_refused((const char *[]){"--timeout=60", mods, GUEST("hello-mb.elf"), NULL}, "not a regular file");
    unlink(fifo);
}

/* An output FIFO with no reader is refused rather than waited for. */
Test(robust, an_output_fifo_without_a_reader_is_refused)
{
    const char *fifo = temp_fifo();
    char out[128];
    snprintf(out, sizeof(out), "--debugcon=file:%s", fifo);
    assert_refused((const char *[]){"--timeout=60", out, GUEST("hello.rom"), NULL}, "a FIFO with no reader");
    unlink(fifo);
}

/* Every option that applies to some image formats only, against every format it does not apply to. */
Test(robust, options_that_do_not_apply_to_the_image_are_refused)
{
    const char *raw = temp_image(0, "\xf4", 1);
    const struct {
        const char *opt, *image, *says;
    } cases[] = {
        {"--initrd=/nonexistent", GUEST("hello.rom"),
         "--initrd applies to multiboot and Linux kernels, not to this bios"},
        {"--initrd=/nonexistent", raw, "--initrd applies to multiboot and Linux kernels, not to this raw"},
        {"--append=x", GUEST("hello.rom"), "--append applies to multiboot and Linux kernels, not to this bios"},
        {"--append=x", raw, "--append applies to multiboot and Linux kernels, not to this raw"},
        {"--bios-shadow=all", GUEST("hello-mb.elf"), "--bios-shadow applies to BIOS images, not to this multiboot"},
        {"--bios-shadow=all", raw, "--bios-shadow applies to BIOS images, not to this raw"},
        {"--load=0x1000", GUEST("hello-mb.elf"), "--load applies to raw images, not to this multiboot"},
        {"--load=0x1000", GUEST("hello.rom"), "--load applies to raw images, not to this bios"},
        {"--entry=0x1000", GUEST("hello-mb.elf"), "--entry applies to raw images, not to this multiboot"},
        {"--entry-mode=long", GUEST("hello.rom"), "--entry-mode applies to raw images, not to this bios"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_refused((const char *[]){cases[i].opt, cases[i].image, NULL}, cases[i].says);
}

/* An output that cannot be written (a full disk here) stops the run with status 6 and one line naming it. */
Test(robust, a_full_output_stops_the_run_and_says_so)
{
    host_need_kvm();
    run((const char *[]){"--debugcon=file:/dev/full", "--serial=none", GUEST("hello.rom"), NULL});
    cr_assert_eq(res.status, 6, "status %d, stderr: %s", res.status, res.err);
    cr_assert_not_null(strstr(res.err, "/dev/full: No space left on device: the output of the debug console is lost"),
                       "%s", res.err);
}

/* A reader that closes the pipe (as `| head -c 1` does): status 6 and one line, no death by SIGPIPE. */
Test(robust, a_closed_pipe_stops_the_run_and_says_so)
{
    host_need_kvm();
    int p[2], err = temp_fd();
    cr_assert_eq(pipe(p), 0);
    close(p[0]);
    const char *argv[] = {RUN_BIN, "--serial=none", "--timeout=30", GUEST("hello.rom"), NULL};
    double seconds;
    int status = cli_wait(cli_spawn(argv, p[1], err), 30, "vcpuctx-run", &seconds);
    close(p[1]);
    slurp_fd(err, res.err, sizeof(res.err));
    cr_assert_eq(status, 6, "status %d, stderr: %s", status, res.err);
    cr_assert_not_null(strstr(res.err, "stdout: Broken pipe: the output of the debug console is lost"), "%s", res.err);
}

/* SIGINT, SIGTERM and SIGHUP end a running guest cleanly: status 128 + N and one line. */
Test(robust, signals_end_the_run_with_their_status)
{
    host_need_kvm();
    const char *spin = temp_image(1, "\xeb\xfe", 2); /* jmp . */
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    const char *names[] = {"SIGINT", "SIGTERM", "SIGHUP"};
    for (size_t i = 0; i < 3; i++) {
        int out = temp_fd(), err = temp_fd();
        const char *argv[] = {RUN_BIN, "--format=raw", "--timeout=30", spin, NULL};
        pid_t pid = cli_spawn(argv, out, err);
        usleep(500000);
        kill(pid, sigs[i]);
        double seconds;
        int status = cli_wait(pid, 30, "vcpuctx-run", &seconds);
        slurp_fd(out, res.out, sizeof(res.out));
        slurp_fd(err, res.err, sizeof(res.err));
        cr_assert_eq(status, 128 + sigs[i], "%s: status %d, stderr: %s", names[i], status, res.err);
        cr_assert_lt(seconds, 10, "%s ended the run at once", names[i]);
        char want[64];
        snprintf(want, sizeof(want), "stopped by %s", names[i]);
        cr_assert_not_null(strstr(res.err, want), "%s", res.err);
    }
}

/* A signal ends a suspended machine's run too (it sleeps until an alarm that never comes). */
Test(robust, a_signal_ends_a_suspended_run)
{
    host_need_kvm();
    int out = temp_fd(), err = temp_fd();
    const char *argv[] = {RUN_BIN, "--debugcon=none", "--timeout=30", "--append=w", GUEST("sleep-mb.elf"), NULL};
    pid_t pid = cli_spawn(argv, out, err);
    usleep(1500000);
    kill(pid, SIGTERM);
    double seconds;
    int status = cli_wait(pid, 30, "vcpuctx-run", &seconds);
    slurp_fd(err, res.err, sizeof(res.err));
    cr_assert_eq(status, 128 + SIGTERM, "status %d, stderr: %s", status, res.err);
    cr_assert_lt(seconds, 10);
    cr_assert_not_null(strstr(res.err, "stopped by SIGTERM while suspended"), "%s", res.err);
}

/* Multiboot modules as QEMU loads them, with no limit of ours: 21 modules, a list of over 4 KiB, an empty file
   (its start is its end, and the next module starts there). */
Test(robust, any_number_of_multiboot_modules)
{
    host_need_kvm();
    const char *data = temp_image(2, "MODdata!", 8), *empty = temp_image(3, "", 0);
    static char list[8192], arg[300];
    memset(arg, 'a', 250);
    int n = snprintf(list, sizeof(list), "--initrd=%s", empty);
    for (int i = 1; i < 21; i++)
        n += snprintf(list + n, sizeof(list) - (size_t)n, ",%s %d%s", data, i, arg);
    cr_assert_gt(n, 4096);
    run((const char *[]){"--serial=none", list, GUEST("hello-mb.elf"), NULL});
    cr_assert_eq(res.status, 1, "status %d: %s", res.status, res.err);
    cr_assert_not_null(strstr(res.out, "mods_count=00000015"), "%s", res.out);
    unsigned s0, e0, s1, e1;
    const char *m = strstr(res.out, "module: ");
    cr_assert_not_null(m, "%s", res.out);
    cr_assert_eq(sscanf(m, "module: %x-%x", &s0, &e0), 2);
    cr_assert_eq(s0, e0, "the empty module's start is its end: %s", m);
    m = strstr(m + 1, "module: ");
    cr_assert_not_null(m);
    cr_assert_eq(sscanf(m, "module: %x-%x", &s1, &e1), 2);
    cr_assert_eq(s1, s0, "the next module starts where the empty one is");
    cr_assert_eq(e1 - s1, 8);
}
