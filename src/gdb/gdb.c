/* gdb.c: the GDB remote stub's session: the stop reply, and the packets, one handler each. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "stub.h"

/* What a packet handler asks of the session. */
enum { SERVE = 0, RESUME, DETACH, KILL };

#define MEM_MAX ((GDB_PACKET_MAX - 16) / 2) /* bytes one m reply can carry */

static int reply(struct gdb *g, const char *s)
{
    rsp_send_str(&g->rsp, s);
    return SERVE;
}

static int reply_errno(struct gdb *g)
{
    return reply(g, errno == EFAULT ? "E0e" : errno == ENOSPC ? "E1c" : "E16");
}

/* g: every register, 'x' for one the vCPU cannot give. */
static int cmd_read_regs(struct gdb *g, const char *a, size_t len)
{
    static char out[GDB_PACKET_MAX];
    struct vcpuctx_fpu fpu;
    bool have = false;
    size_t at = 0;
    (void)a;
    (void)len;
    for (size_t n = 0; n < g->arch->nregs; n++) {
        uint8_t v[16];
        size_t sz = gdb_reg_size(g->arch, n);
        if (gdb_reg_read(g->vcpu, g->arch, n, v, &fpu, &have) == 0)
            hex_encode(out + at, v, sz);
        else
            memset(out + at, 'x', 2 * sz);
        at += 2 * sz;
    }
    out[at] = '\0';
    return reply(g, out);
}

/* G: every register; all or nothing (what was written is put back when one is refused). */
static int cmd_write_regs(struct gdb *g, const char *a, size_t len)
{
    static uint8_t old[GDB_PACKET_MAX / 2], val[GDB_PACKET_MAX / 2];
    struct vcpuctx_fpu fpu;
    bool have = false, dirty = false;
    size_t total = 0;
    for (size_t n = 0; n < g->arch->nregs; n++)
        total += gdb_reg_size(g->arch, n);
    if (len != 2 * total || hex_decode(val, a, total) < 0)
        return reply(g, "E01");
    size_t at = 0, n = 0;
    for (; n < g->arch->nregs; at += gdb_reg_size(g->arch, n), n++)
        if (gdb_reg_read(g->vcpu, g->arch, n, old + at, &fpu, &have) < 0 ||
            gdb_reg_write(g->vcpu, g->arch, n, val + at, &fpu, &have, &dirty) < 0)
            break;
    if (n == g->arch->nregs && (!dirty || vcpuctx_vcpu_set_fpu(g->vcpu, &fpu) == 0))
        return reply(g, "OK");
    int saved = errno;
    for (size_t m = 0, o = 0; m < n; o += gdb_reg_size(g->arch, m), m++)
        gdb_reg_write(g->vcpu, g->arch, m, old + o, &fpu, &have, &dirty);
    errno = saved;
    return reply_errno(g);
}

/* p n: one register. */
static int cmd_read_reg(struct gdb *g, const char *a, size_t len)
{
    uint64_t n;
    uint8_t v[16];
    char out[40];
    struct vcpuctx_fpu fpu;
    bool have = false;
    (void)len;
    if (hex_parse(&a, &n) < 0 || *a || !gdb_reg_size(g->arch, n))
        return reply(g, "E01");
    size_t sz = gdb_reg_size(g->arch, n);
    if (gdb_reg_read(g->vcpu, g->arch, n, v, &fpu, &have) == 0) {
        hex_encode(out, v, sz);
    } else {
        memset(out, 'x', 2 * sz); /* unavailable */
        out[2 * sz] = '\0';
    }
    return reply(g, out);
}

/* P n=value: one register. */
static int cmd_write_reg(struct gdb *g, const char *a, size_t len)
{
    uint64_t n;
    uint8_t v[16];
    struct vcpuctx_fpu fpu;
    bool have = false, dirty = false;
    (void)len;
    if (hex_parse(&a, &n) < 0 || *a++ != '=' || !gdb_reg_size(g->arch, n))
        return reply(g, "E01");
    size_t sz = gdb_reg_size(g->arch, n);
    if (strlen(a) != 2 * sz || hex_decode(v, a, sz) < 0)
        return reply(g, "E01");
    if (gdb_reg_write(g->vcpu, g->arch, n, v, &fpu, &have, &dirty) < 0 ||
        (dirty && vcpuctx_vcpu_set_fpu(g->vcpu, &fpu) < 0))
        return reply_errno(g);
    return reply(g, "OK");
}

/* "addr,len" then the separator: 0, or -1 when malformed. */
static int parse_range(const char **a, uint64_t *addr, uint64_t *n, char sep)
{
    if (hex_parse(a, addr) < 0 || *(*a)++ != ',' || hex_parse(a, n) < 0 || **a != sep)
        return -1;
    if (sep)
        (*a)++;
    return 0;
}

/* m addr,len: memory by linear address; a short read returns what could be read. */
static int cmd_read_mem(struct gdb *g, const char *a, size_t len)
{
    static uint8_t buf[MEM_MAX];
    static char out[2 * MEM_MAX + 1];
    uint64_t addr, n;
    (void)len;
    if (parse_range(&a, &addr, &n, '\0') < 0)
        return reply(g, "E01");
    long got = vcpuctx_vcpu_read_linear(g->vcpu, addr, buf, n < MEM_MAX ? (size_t)n : MEM_MAX);
    if (got < 0 || (got == 0 && n))
        return reply(g, "E0e");
    hex_encode(out, buf, (size_t)got);
    return reply(g, out);
}

/* M addr,len:hex and X addr,len:binary: memory writes, all bytes or an error. */
static int write_mem(struct gdb *g, const char *a, size_t len, bool binary)
{
    static uint8_t buf[GDB_PACKET_MAX];
    const char *start = a;
    uint64_t addr, n;
    if (parse_range(&a, &addr, &n, ':') < 0 || n > sizeof(buf))
        return reply(g, "E01");
    size_t have = len - (size_t)(a - start);
    if (binary ? have != n : (have != 2 * n || hex_decode(buf, a, (size_t)n) < 0))
        return reply(g, "E01");
    if (binary)
        memcpy(buf, a, (size_t)n);
    if (n && vcpuctx_vcpu_write_linear(g->vcpu, addr, buf, (size_t)n) != (long)n)
        return reply(g, "E0e");
    return reply(g, "OK");
}

static int cmd_write_mem(struct gdb *g, const char *a, size_t len)
{
    return write_mem(g, a, len, false);
}

static int cmd_write_bin(struct gdb *g, const char *a, size_t len)
{
    return write_mem(g, a, len, true);
}

/* c/s [addr] and C/S sig[;addr]: resume, or step one instruction; a signal cannot reach a guest and is dropped. */
static int resume(struct gdb *g, const char *a, bool step, bool sig)
{
    uint64_t v;
    if (sig && (hex_parse(&a, &v) < 0 || (*a && *a++ != ';')))
        return reply(g, "E01");
    if (*a) {
        if (hex_parse(&a, &v) < 0 || *a)
            return reply(g, "E01");
        if (vm_set_vmcs_field(g->vcpu, VMX_GUEST_RIP, (seL4_Word)v) < 0)
            return reply_errno(g);
    }
    g->step = step;
    return RESUME;
}

static int cmd_continue(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return resume(g, a, false, false);
}

static int cmd_step(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return resume(g, a, true, false);
}

static int cmd_continue_sig(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return resume(g, a, false, true);
}

static int cmd_step_sig(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return resume(g, a, true, true);
}

/* Z/z type,addr,kind[;cond...]: conditions are gdb's to evaluate, so they are ignored here. */
static int breakpoint(struct gdb *g, const char *a, bool insert)
{
    uint64_t type, addr, kind;
    const char *cond = strchr(a, ';');
    if (hex_parse(&a, &type) < 0 || *a++ != ',' || parse_range(&a, &addr, &kind, cond ? ';' : '\0') < 0)
        return reply(g, "E01");
    int r = insert ? gdb_bp_insert(g, (unsigned)type, addr, kind) : gdb_bp_remove(g, (unsigned)type, addr, kind);
    if (r < 0)
        return errno == ENOTSUP ? reply(g, "") : reply_errno(g);
    return reply(g, "OK");
}

static int cmd_insert(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return breakpoint(g, a, true);
}

static int cmd_remove(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    return breakpoint(g, a, false);
}

static int cmd_stop_reason(struct gdb *g, const char *a, size_t len)
{
    (void)a;
    (void)len;
    return reply(g, g->stop_reply);
}

static int cmd_ok(struct gdb *g, const char *a, size_t len)
{
    (void)a;
    (void)len;
    return reply(g, "OK");
}

static int cmd_detach(struct gdb *g, const char *a, size_t len)
{
    (void)a;
    (void)len;
    reply(g, "OK");
    return DETACH;
}

static int cmd_kill(struct gdb *g, const char *a, size_t len)
{
    (void)g;
    (void)a;
    (void)len;
    return KILL; /* k has no reply */
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* qXfer:features:read:target.xml:offset,length: the description, m (more) or l (last) and a slice. */
static int xfer_features(struct gdb *g, const char *a)
{
    static char out[GDB_PACKET_MAX];
    uint64_t off, n;
    if (!starts(a, "target.xml:"))
        return reply(g, "E00");
    a += strlen("target.xml:");
    if (parse_range(&a, &off, &n, '\0') < 0)
        return reply(g, "E01");
    size_t total;
    const char *xml = gdb_target_xml(g->arch, &total);
    if (off > total)
        return reply(g, "E01");
    size_t k = total - off < n ? total - (size_t)off : (size_t)n;
    if (k > sizeof(out) - 2)
        k = sizeof(out) - 2;
    out[0] = off + k < total ? 'm' : 'l';
    memcpy(out + 1, xml + off, k);
    rsp_send(&g->rsp, out, k + 1);
    return SERVE;
}

/* qSupported: what we offer; the debugger's swbreak+/hwbreak+ say which stop reasons it reads. */
static int supported(struct gdb *g, const char *a)
{
    g->swbreak = strstr(a, "swbreak+") != NULL;
    g->hwbreak = strstr(a, "hwbreak+") != NULL;
    char out[128];
    snprintf(out, sizeof(out), "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+", GDB_PACKET_MAX);
    return reply(g, out);
}

static int cmd_query(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    if (starts(a, "Supported"))
        return supported(g, a);
    if (starts(a, "Xfer:features:read:"))
        return xfer_features(g, a + strlen("Xfer:features:read:"));
    if (starts(a, "Rcmd,")) {
        gdb_monitor(g, a + strlen("Rcmd,"));
        return SERVE;
    }
    static const char *const answers[][2] = {
        {"Attached", "1"}, {"C", "QC1"}, {"fThreadInfo", "m1"}, {"sThreadInfo", "l"}, {"Symbol:", "OK"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(answers); i++)
        if (strcmp(a, answers[i][0]) == 0 ||
            (answers[i][0][strlen(answers[i][0]) - 1] == ':' && starts(a, answers[i][0])))
            return reply(g, answers[i][1]);
    return reply(g, ""); /* unknown: the empty reply */
}

static int cmd_set(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    if (strcmp(a, "StartNoAckMode") != 0)
        return reply(g, "");
    reply(g, "OK");
    g->rsp.noack = true;
    return SERVE;
}

static int cmd_v(struct gdb *g, const char *a, size_t len)
{
    (void)len;
    if (strcmp(a, "Kill") == 0 || starts(a, "Kill;")) {
        reply(g, "OK");
        return KILL;
    }
    return reply(g, ""); /* vCont and the rest: gdb falls back to c, s and k */
}

/* The packets, by their first character. */
static const struct {
    char c;
    int (*fn)(struct gdb *g, const char *args, size_t len);
} commands[] = {
    {'?', cmd_stop_reason}, {'g', cmd_read_regs}, {'G', cmd_write_regs},   {'p', cmd_read_reg},
    {'P', cmd_write_reg},   {'m', cmd_read_mem},  {'M', cmd_write_mem},    {'X', cmd_write_bin},
    {'c', cmd_continue},    {'s', cmd_step},      {'C', cmd_continue_sig}, {'S', cmd_step_sig},
    {'Z', cmd_insert},      {'z', cmd_remove},    {'D', cmd_detach},       {'k', cmd_kill},
    {'H', cmd_ok},          {'T', cmd_ok},        {'q', cmd_query},        {'Q', cmd_set},
    {'v', cmd_v},
};

/* Serve packets until one resumes, detaches or kills; a vanished debugger counts as a detach. */
static int serve(struct gdb *g)
{
    if (!g->arch) /* fixed for the connection: gdb reads it once */
        g->arch = gdb_arch_for((gdb_field(g->vcpu, VMX_GUEST_EFER) & EFER_LMA) != 0);
    for (;;) {
        size_t len = 0;
        int ev = rsp_read_packet(&g->rsp, g->pkt, sizeof(g->pkt), &len);
        if (ev == RSP_CLOSED)
            return DETACH;
        if (ev == RSP_TOOLONG)
            reply(g, "E07");
        if (ev != RSP_PACKET || len == 0)
            continue; /* an interrupt while stopped, or "$#00", means nothing */
        size_t i = 0;
        while (i < ARRAY_SIZE(commands) && commands[i].c != g->pkt[0])
            i++;
        int r = i < ARRAY_SIZE(commands) ? commands[i].fn(g, g->pkt + 1, len - 1) : reply(g, "");
        if (r != SERVE)
            return r;
    }
}

/* CLOCK_MONOTONIC seconds. */
static double gdb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void gdb_hang_up(struct gdb *g)
{
    if (g->rsp.fd >= 0)
        close(g->rsp.fd);
    g->rsp.fd = -1;
}

int gdb_stop(struct gdb *g, int signal, const char *extra, bool announce)
{
    if (!gdb_connected(g))
        return VM_EXIT_HANDLED;
    snprintf(g->stop_reply, sizeof(g->stop_reply), "T%02xthread:01;%s", signal & 0xff, extra);
    double t0 = gdb_now();
    int r = announce && rsp_send_str(&g->rsp, g->stop_reply) < 0 ? DETACH : serve(g);
    g->stopped_seconds += gdb_now() - t0;
    if (r == RESUME)
        return gdb_arm(g) < 0 ? VM_EXIT_HANDLE_ERROR : VM_EXIT_HANDLED;
    gdb_hang_up(g);
    if (r == KILL)
        return VCPUCTX_EXIT_STOP;
    gdb_disarm(g);
    return VM_EXIT_HANDLED;
}
