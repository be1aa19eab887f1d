/* test_gdb.c: vcpuctx-run --gdb driven by Debian's gdb in batch mode, and by a scripted protocol client. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include <sel4/sel4.h>
#include <vcpuctx.h>

#include "../../src/gdb/gdb.h"
#include "cli.h"
#include "host.h"

#define GUEST(name) DEMO_GUEST_DIR "/" name
#define GDB         "/usr/bin/gdb"

/* A vcpuctx-run waiting for a debugger on a port the kernel chose (read from its stderr). */
struct stub {
    pid_t pid;
    int out, err;
    unsigned port;
    char output[8192];
};

static void need_gdb(void)
{
    if (access(GDB, X_OK) != 0)
        cr_skip_test("gdb is not installed (scripts/install-deps.sh installs it)");
}

static void stub_start(struct stub *s, const char *const *args)
{
    host_need_kvm(); /* the stub listens before it opens KVM: without it, each test would wait for nothing */
    const char *argv[24] = {RUN_BIN, "--gdb=0", "--serial=none", "--timeout=60"}; /* a later --timeout wins */
    int n = 4;
    for (int i = 0; args[i] && n < 22; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    s->out = temp_fd();
    s->err = temp_fd();
    s->pid = cli_spawn(argv, s->out, s->err);
    for (int tries = 0; tries < 1000 && !s->port; tries++) { /* up to 10 s */
        char buf[512] = {0};
        const char *p;
        if (pread(s->err, buf, sizeof(buf) - 1, 0) > 0 && (p = strstr(buf, "127.0.0.1:")) != NULL)
            s->port = (unsigned)atoi(p + 10);
        else
            usleep(10000);
    }
    cr_assert_gt(s->port, 0, "vcpuctx-run did not say where it listens");
}

/* Wait for the stub to end (killed after limit seconds); its status, its stdout in s->output. */
static int stub_wait(struct stub *s, double limit)
{
    double seconds;
    int status = cli_wait(s->pid, limit, "vcpuctx-run", &seconds);
    slurp_fd(s->out, s->output, sizeof(s->output));
    close(s->err);
    return status;
}

/* gdb -batch with a symbol file (or none) and commands after connecting. */
static void gdb_batch(const struct stub *s, const char *file, const char *const *cmds, struct cli_result *r)
{
    static char target[64];
    const char *argv[64] = {GDB, "-batch", "-nx"};
    int n = 3;
    if (file)
        argv[n++] = file;
#ifndef CONFIG_X86_64_VTX_64BIT_GUESTS
    if (file && strstr(file, "debug64")) { /* the ia32 ABI presents i386 only: say so to gdb for a 64-bit ELF */
        argv[n++] = "-ex";
        argv[n++] = "set architecture i386";
    }
#endif
    snprintf(target, sizeof(target), "target remote 127.0.0.1:%u", s->port);
    argv[n++] = "-ex";
    argv[n++] = target;
    for (int i = 0; cmds[i] && n < 62; i++) {
        argv[n++] = "-ex";
        argv[n++] = cmds[i];
    }
    argv[n] = NULL;
    cli_run(argv, 60, r);
}

/* The value gdb printed for register name ("eax            0x11111111 ..."). */
static unsigned long long gdb_reg(const char *out, const char *name)
{
    char key[16];
    snprintf(key, sizeof(key), "\n%s ", name);
    const char *p = strstr(out, key);
    cr_assert_not_null(p, "gdb printed no %s:\n%s", name, out);
    return strtoull(strchr(p + 1, 'x') + 1, NULL, 16);
}

/* The value the guest printed as NAME=hex. */
static unsigned long long guest_reg(const char *out, const char *name)
{
    char key[16];
    snprintf(key, sizeof(key), "%s=", name);
    const char *p = strstr(out, key);
    cr_assert_not_null(p, "the guest printed no %s:\n%s", name, out);
    return strtoull(p + strlen(key), NULL, 16);
}

/* gdb's name for a register and the guest's (its dump prints 64-bit names in long mode). */
struct reg_pair {
    const char *gdb, *guest;
};

static void registers_match(const char *file, const char *const *args, const struct reg_pair *regs, size_t n)
{
    need_gdb();
    struct stub s = {0};
    stub_start(&s, args);
    char info[160] = "info registers";
    for (size_t i = 0; i < n; i++)
        snprintf(info + strlen(info), sizeof(info) - strlen(info), " %s", regs[i].gdb);
    struct cli_result r;
    gdb_batch(&s, file, (const char *[]){"break regs_set", "continue", info, "continue", NULL}, &r);
    cr_assert_eq(stub_wait(&s, 30), 1, "the guest passes: %s", s.output);
    cr_assert_not_null(strstr(r.out, "Breakpoint 1, "), "stopped at the breakpoint:\n%s", r.out);
    cr_assert_not_null(strstr(r.out, "in regs_set ()"), "%s", r.out);
    for (size_t i = 0; i < n; i++) {
        unsigned long long want = guest_reg(s.output, regs[i].guest);
        if (regs[i].gdb[0] == 'e')
            want &= 0xffffffffULL;
        cr_assert_eq(gdb_reg(r.out, regs[i].gdb), want, "%s differs", regs[i].gdb);
    }
    cr_assert_not_null(strstr(r.out, "exited with code 01"), "gdb saw the exit (W packet):\n%s", r.out);
}

static const char *const debug64[] = {"--format=raw", "--load=0x100000", "--entry-mode=long", GUEST("debug64.bin"),
                                      NULL};

Test(gdb, registers_at_a_breakpoint_match_the_guests_own_dump_32)
{
    static const struct reg_pair regs[] = {{"eax", "EAX"}, {"ebx", "EBX"}, {"ecx", "ECX"}, {"edx", "EDX"},
                                           {"esi", "ESI"}, {"edi", "EDI"}, {"ebp", "EBP"}, {"esp", "ESP"}};
    registers_match(GUEST("debug-mb.elf"), (const char *[]){GUEST("debug-mb.elf"), NULL}, regs, 8);
}

Test(gdb, registers_at_a_breakpoint_match_the_guests_own_dump_64)
{
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    static const struct reg_pair regs[] = {{"rax", "RAX"}, {"rbx", "RBX"}, {"rcx", "RCX"}, {"rdx", "RDX"},
                                           {"rsi", "RSI"}, {"rdi", "RDI"}, {"rbp", "RBP"}, {"r8", "R8"},
                                           {"r15", "R15"}, {"rsp", "RSP"}};
#else
    /* The ia32 ABI sees 32-bit registers only: a long-mode guest is presented as i386. */
    static const struct reg_pair regs[] = {{"eax", "RAX"}, {"ebx", "RBX"}, {"ecx", "RCX"}, {"edx", "RDX"},
                                           {"esi", "RSI"}, {"edi", "RDI"}, {"ebp", "RBP"}, {"esp", "RSP"}};
#endif
    registers_match(GUEST("debug64.sym"), debug64, regs, sizeof(regs) / sizeof(regs[0]));
}

static const char *const debug32[] = {GUEST("debug-mb.elf"), NULL};

/* Run gdb with cmds against a stub on args; returns the stub's status, gdb's output in r. */
static int session(const char *file, const char *const *args, const char *const *cmds, struct cli_result *r,
                   struct stub *s)
{
    need_gdb();
    stub_start(s, args);
    gdb_batch(s, file, cmds, r);
    return stub_wait(s, 30);
}

Test(gdb, stepi_advances_the_pc_by_the_instruction_length)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(GUEST("debug-mb.elf"), debug32,
                     (const char *[]){"break step_insn", "continue", "stepi", "print $pc == &after_step",
                                      "print after_step - step_insn", "continue", NULL},
                     &r, &s);
    cr_assert_eq(st, 1);
    cr_assert_not_null(strstr(r.out, "$1 = 1\n$2 = 3\n"), "one 3-byte instruction:\n%s", r.out);
}

Test(gdb, stepi_in_real_mode)
{
    static const uint8_t code[] = {0xb8, 0x01, 0x00, 0x40, 0xf4}; /* mov $1,%ax; inc %ax; hlt */
    struct cli_result r;
    struct stub s = {0};
    const char *img = temp_image(0, code, sizeof(code));
    int st = session(NULL, (const char *[]){"--format=raw", img, NULL},
                     (const char *[]){"print/x $pc", "stepi", "print/x $pc", "stepi", "print/x $eax", "continue", NULL},
                     &r, &s);
    cr_assert_eq(st, 0, "HLT: status 0");
    cr_assert_not_null(strstr(r.out, "$1 = 0x7c00\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "$2 = 0x7c03\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "$3 = 0x2\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "exited normally"), "W00:\n%s", r.out);
}

Test(gdb, writing_a_register_changes_what_the_guest_does)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(GUEST("debug-mb.elf"), debug32,
                     (const char *[]){"break do_exit", "continue", "set $eax = 7", "continue", NULL}, &r, &s);
    cr_assert_eq(st, 15, "isa-debug-exit 7: status 15");
    cr_assert_not_null(strstr(r.out, "exited with code 017"), "%s", r.out);
}

Test(gdb, writing_memory_changes_what_the_guest_does)
{
    struct cli_result r;
    struct stub s = {0};
    int st =
        session(GUEST("debug-mb.elf"), debug32,
                (const char *[]){"set var *(int *)&exit_value = 3", "x/1dw &exit_value", "continue", NULL}, &r, &s);
    cr_assert_eq(st, 7, "isa-debug-exit 3: status 7");
    cr_assert_not_null(strstr(r.out, ":\t3\n"), "read back:\n%s", r.out);
}

Test(gdb, a_watchpoint_catches_the_store)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(
        GUEST("debug-mb.elf"), debug32,
        (const char *[]){"watch *(int *)&counter", "continue", "print $pc == &after_store", "delete", "continue", NULL},
        &r, &s);
    cr_assert_eq(st, 1);
    cr_assert_not_null(strstr(r.out, "Old value = 0\nNew value = 5\n"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "$1 = 1\n"), "stopped right after the store:\n%s", r.out);
}

Test(gdb, more_breakpoints_than_debug_registers)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(GUEST("debug64.sym"), debug64,
                     (const char *[]){"break regs_set", "break step_insn", "break after_step", "break store",
                                      "break after_store", "break do_exit", "continue", "continue", "continue",
                                      "continue", "continue", "continue", "continue", NULL},
                     &r, &s);
    cr_assert_eq(st, 1);
    const char *order[] = {"regs_set", "step_insn", "after_step", "store ", "after_store", "do_exit"};
    const char *p = r.out;
    for (int i = 0; i < 6; i++) {
        char want[48];
        snprintf(want, sizeof(want), "Breakpoint %d, ", i + 1);
        p = strstr(p, want);
        cr_assert_not_null(p, "breakpoint %d (%s) not hit in order:\n%s", i + 1, order[i], r.out);
        cr_assert_not_null(strstr(p, order[i]), "%s", r.out);
    }
    cr_assert_not_null(strstr(r.out, "exited with code 01"), "%s", r.out);
}

Test(gdb, detach_lets_the_guest_run_to_its_end)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(NULL, debug32, (const char *[]){"break *0x100000", "detach", NULL}, &r, &s);
    cr_assert_eq(st, 1, "the breakpoint left with gdb");
    cr_assert_not_null(strstr(s.output, "counter=00000005"), "%s", s.output);
}

Test(gdb, a_crash_stops_with_sigsegv_and_then_exits_4)
{
    struct cli_result r;
    struct stub s = {0};
    const char *img = temp_image(1, "\x0f\x0b", 2); /* ud2 with no IDT: triple fault */
    int st = session(NULL, (const char *[]){"--format=raw", "--entry-mode=protected", img, NULL},
                     (const char *[]){"continue", "print/x $pc", "continue", NULL}, &r, &s);
    cr_assert_eq(st, 4);
    cr_assert_not_null(strstr(r.out, "SIGSEGV"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "exited with code 04"), "%s", r.out);
}

Test(gdb, ctrl_c_interrupts_a_running_guest_and_kill_ends_it)
{
    need_gdb();
    struct stub s = {0};
    /* mov al, '!'; out 0xe9, al; jmp . : the byte on the debug console says gdb has continued the guest. */
    stub_start(&s, (const char *[]){"--format=raw", temp_image(2, "\xb0\x21\xe6\xe9\xeb\xfe", 6), NULL});
    char target[64];
    snprintf(target, sizeof(target), "target remote 127.0.0.1:%u", s.port);
    const char *argv[] = {GDB,        "-batch", "-nx",         "-ex", target, "-ex",
                          "continue", "-ex",    "print/x $pc", "-ex", "kill", NULL};
    int out = temp_fd(), err = temp_fd();
    pid_t pid = cli_spawn(argv, out, err);
    /* Only a continued guest writes it (gdb may start slowly, and under QEMU TCG the stub's own start-up work
       can look like a running guest to any measure of its CPU time). */
    char seen = 0;
    for (int i = 0; i < 3000 && seen != '!'; i++)
        if (pread(s.out, &seen, 1, 0) != 1)
            usleep(10000);
    cr_assert_eq(seen, '!', "the guest never ran: gdb did not continue it within 30 s");
    usleep(100000); /* the guest is in its jmp . */
    kill(pid, SIGINT);
    char text[4096] = "";
    double seconds;
    cli_wait(pid, 30, "gdb", &seconds);
    slurp_fd(out, text, sizeof(text));
    close(err);
    bool stopped = strstr(text, "Program received signal SIGINT") && strstr(text, "$1 = 0x7c04\n");
    if (!stopped)
        kill(s.pid, SIGKILL); /* gdb's output says why; the stub is not left running */
    cr_assert(stopped, "gdb's output:\n%s", text);
    cr_assert_eq(stub_wait(&s, 30), 137, "killed from gdb");
}

/* A scripted client: exact bytes in, exact replies out. */
static int tcp_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    struct timeval tv = {10, 0}; /* a missing reply fails the test instead of hanging it */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

static void send_packet(int fd, const char *data, size_t len)
{
    static char frame[0x6000];
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)data[i];
    int n = snprintf(frame, sizeof(frame), "$%.*s#%02x", (int)len, data, sum & 0xff);
    cr_assert_eq(write(fd, frame, (size_t)n), n);
}

static char read_byte(int fd)
{
    char c;
    cr_assert_eq(read(fd, &c, 1), 1, "no reply from the stub");
    return c;
}

/* The ack of our packet, then the reply packet (checksum verified, acknowledged); returns its body. */
static const char *exchange(int fd, const char *data)
{
    static char body[0x4000];
    send_packet(fd, data, strlen(data));
    cr_assert_eq(read_byte(fd), '+', "packet '%.40s' not acknowledged", data);
    cr_assert_eq(read_byte(fd), '$');
    size_t n = 0;
    unsigned sum = 0;
    for (char c; (c = read_byte(fd)) != '#' && n < sizeof(body) - 1; sum += (uint8_t)c)
        body[n++] = c;
    body[n] = '\0';
    char cs[3] = {read_byte(fd), read_byte(fd), 0};
    cr_assert_eq(strtoul(cs, NULL, 16), sum & 0xff, "reply checksum");
    cr_assert_eq(write(fd, "+", 1), 1);
    return body;
}

Test(gdb, scripted_client_bad_input_gets_clear_replies)
{
    struct stub s = {0};
    stub_start(&s, (const char *[]){"--format=raw", temp_image(3, "\xeb\xfe", 2), NULL}); /* jmp . */
    int fd = tcp_connect(s.port);
    cr_assert_str_eq(exchange(fd, "?"), "T05thread:01;", "stopped before the first instruction");
    cr_assert_eq(write(fd, "$g#00", 5), 5);
    cr_assert_eq(read_byte(fd), '-', "a bad checksum is refused");
    cr_assert_str_eq(exchange(fd, "vFooBar"), "", "unknown packet: empty reply");
    cr_assert_str_eq(exchange(fd, "mzz"), "E01", "malformed");
    cr_assert_str_eq(exchange(fd, "m12345678"), "E01", "no length");
    cr_assert_str_eq(exchange(fd, "mfffff000,4"), "E0e", "no memory there");
    cr_assert_str_eq(exchange(fd, "G00"), "E01", "short G");
    cr_assert_str_eq(exchange(fd, "P1000=00"), "E01", "no such register");
    cr_assert_str_eq(exchange(fd, "Z9,100000,1"), "", "no such breakpoint type");
    cr_assert_str_eq(exchange(fd, "Z2,100000,3"), "E16", "no such watch length");
    cr_assert_str_eq(exchange(fd, "qRcmd,7"), "E01", "monitor command: odd hex");
    cr_assert_str_eq(exchange(fd, "Z0,7c00,1;X3,0a0b0c"), "OK", "a condition after the kind is gdb's business");
    cr_assert_str_eq(exchange(fd, "z0,7c00,1"), "OK");
    cr_assert_str_eq(exchange(fd, "Z0,7c00,1x"), "E01", "junk after the kind");
    static char big[0x5001]; /* NUL-terminated: exchange() takes a string */
    memset(big, 'a', sizeof(big) - 1);
    cr_assert_str_eq(exchange(fd, big), "E07", "longer than PacketSize");
    uint8_t noise[512];
    for (size_t i = 0; i < sizeof(noise); i++)
        noise[i] = (uint8_t)(i * 37 + 11) == '$' ? 0 : (uint8_t)(i * 37 + 11);
    cr_assert_eq(write(fd, noise, sizeof(noise)), (ssize_t)sizeof(noise));
    cr_assert_str_eq(exchange(fd, "?"), "T05thread:01;", "noise between packets changed nothing");
    close(fd);
    usleep(200000);
    fd = tcp_connect(s.port); /* the guest ran on after the first client left; a new one stops it */
    cr_assert_eq(exchange(fd, "?")[0], 'T');
    send_packet(fd, "k", 1);
    cr_assert_eq(stub_wait(&s, 30), 137);
    close(fd);
}

Test(gdb, scripted_client_registers_memory_and_description)
{
    struct stub s = {0};
    stub_start(&s, debug32);
    int fd = tcp_connect(s.port);
    cr_assert_not_null(strstr(exchange(fd, "qSupported:swbreak+;hwbreak+"), "PacketSize=4000"));
    const char *xml = exchange(fd, "qXfer:features:read:target.xml:0,3fff");
    cr_assert_eq(strncmp(xml, "l<?xml", 6), 0, "the whole description, last chunk: %.40s", xml);
    cr_assert_not_null(strstr(xml, "<architecture>i386</architecture>"), "protected mode: i386");
    cr_assert_eq(exchange(fd, "qXfer:features:read:target.xml:10,10")[0], 'm', "a middle chunk");
    cr_assert_eq(strlen(exchange(fd, "g")), 2 * 340, "the i386 g packet");
    cr_assert_str_eq(exchange(fd, "p8"), "0c001000", "eip, little-endian: the multiboot entry 0x10000c");
    cr_assert_str_eq(exchange(fd, "P0=78563412"), "OK");
    cr_assert_str_eq(exchange(fd, "p0"), "78563412");
    /* X: binary, with '}' (0x7d) and '#' (0x23) escaped */
    const char xpkt[] = "X200000,3:}\x5d}\x03\x01";
    send_packet(fd, xpkt, sizeof(xpkt) - 1);
    cr_assert_eq(read_byte(fd), '+');
    char ok[8] = {0};
    for (int i = 0; i < 6; i++)
        ok[i] = read_byte(fd);
    cr_assert_str_eq(ok, "$OK#9a");
    cr_assert_eq(write(fd, "+", 1), 1);
    cr_assert_str_eq(exchange(fd, "m200000,3"), "7d2301");
    cr_assert_str_eq(exchange(fd, "M200000,2:beef"), "OK");
    cr_assert_str_eq(exchange(fd, "m200000,3"), "beef01");
    cr_assert_str_eq(exchange(fd, "D"), "OK");
    cr_assert_eq(stub_wait(&s, 30), 1, "detached: the guest ran to its end");
    close(fd);
}

Test(gdb, a_port_in_use_is_one_line_and_status_2)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(fd, 1), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    char opt[32];
    snprintf(opt, sizeof(opt), "--gdb=%u", ntohs(a.sin_port));
    struct cli_result r;
    cli_run((const char *[]){RUN_BIN, opt, GUEST("debug-mb.elf"), NULL}, 30, &r);
    close(fd);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "cannot listen on 127.0.0.1:"), "%s", r.err);
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
}

Test(gdb, time_stopped_in_gdb_does_not_count_toward_timeout)
{
    need_gdb();
    struct stub s = {0};
    const char *img = temp_image(4, "\xeb\xfe", 2); /* jmp . */
    stub_start(&s, (const char *[]){"--timeout=1", "--format=raw", img, NULL});
    struct cli_result r;
    gdb_batch(&s, NULL, (const char *[]){"shell sleep 1.5", "continue", NULL}, &r);
    cr_assert_eq(stub_wait(&s, 30), 124);
    cr_assert_not_null(strstr(r.out, "exited with code 0174"), "W7c:\n%s", r.out);
    cr_assert_geq(r.seconds, 2.4, "1.5 s stopped, then 1 s of guest time (took %.2f s)", r.seconds);
}

/* gdb prints what the stub sends for "monitor" on stdout or stderr, depending on its version. */
static bool said(const struct cli_result *r, const char *text)
{
    return strstr(r->out, text) || strstr(r->err, text);
}

Test(gdb, monitor_reads_and_writes_vmcs_fields)
{
    struct cli_result r;
    struct stub s = {0};
    int st = session(GUEST("debug-mb.elf"), debug32,
                     (const char *[]){"monitor vmcs GUEST_CS_ACCESS_RIGHTS", "monitor vmcs bogus", "monitor help",
                                      "break regs_set", "continue", "monitor exit",
                                      "eval \"monitor vmcs VMX_GUEST_RIP=%u\", &do_exit",
                                      "maintenance flush register-cache", "print $pc == &do_exit", "continue", NULL},
                     &r, &s);
    cr_assert_eq(st, (0x11111111 << 1 | 1) & 0xff, "the guest jumped to do_exit with EAX = 0x11111111");
    cr_assert_null(strstr(s.output, "counter="), "the dump was skipped: %s", s.output);
    cr_assert(said(&r, "VMX_GUEST_CS_ACCESS_RIGHTS"), "%s", r.err);
    cr_assert(said(&r, "0xc09b\n"), "flat 32-bit code segment:\n%s", r.err);
    cr_assert(said(&r, "no VMCS field 'bogus'"), "%s", r.err);
    const char *emu = host_emulator();
    if (emu && strcmp(emu, "QEMU TCG") == 0) { /* the stub's probe found no debug-register breakpoints there */
        cr_assert(said(&r, "exit reason 37 (MONITOR_TRAP_FLAG)"), "found by stepping under QEMU TCG:\n%s", r.err);
    } else {
        cr_assert(said(&r, "exit reason 0 (EXCEPTION_NMI)"), "a breakpoint is a #DB exit:\n%s", r.err);
        cr_assert(said(&r, "0x80000301\n"), "#DB interruption info:\n%s", r.err);
    }
    cr_assert_not_null(strstr(r.out, "$1 = 1\n"), "%s", r.out);
}

/* The stub as a module: a session started on one end of a socketpair, the VMM's entry, served in a thread. */
struct session {
    struct gdb *g;
    int fd;
    vm_vcpu_t *vcpu;
    int verdict;
};

static void *serve_session(void *arg)
{
    struct session *s = arg;
    s->verdict = gdb_session_start(s->g, s->fd, s->vcpu);
    return NULL;
}

Test(gdb, a_session_starts_on_any_connected_socket)
{
    host_need_kvm();
    vm_t *vm = vcpuctx_vm_create(1u << 20);
    cr_assert_not_null(vm, "vcpuctx_vm_create: %s", strerror(errno));
    vm_vcpu_t *vcpu = vm_create_vcpu(vm, 0);
    cr_assert_not_null(vcpu);
    cr_assert_eq(vm_set_vmcs_field(vcpu, VMX_GUEST_CS_SELECTOR, 0) || vm_set_vmcs_field(vcpu, VMX_GUEST_CS_BASE, 0) ||
                     vm_set_vmcs_field(vcpu, VMX_GUEST_RIP, 0x1234),
                 0);
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct timeval tv = {10, 0};
    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct session s = {gdb_create(), sv[0], vcpu, 0};
    cr_assert_not_null(s.g);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, serve_session, &s), 0);
    cr_assert_str_eq(exchange(sv[1], "?"), "T05thread:01;", "stopped before the first instruction");
    const char *regs = exchange(sv[1], "g");
    cr_assert_eq(strncmp(regs + 8 * 8, "34120000", 8), 0, "EIP (register 8) is the vCPU's: %.80s", regs);
    send_packet(sv[1], "k", 1);
    cr_assert_eq(read_byte(sv[1]), '+');
    pthread_join(t, NULL);
    cr_assert_eq(s.verdict, VCPUCTX_EXIT_STOP, "killed: the VMM is told to stop");
    cr_assert_not(gdb_session_active(s.g), "the session is over");
    gdb_destroy(s.g);
    close(sv[1]);
    vcpuctx_vm_destroy(vm);
}
