/* test_gdb_proto.c: the GDB remote protocol's framing and the target descriptions, over a socketpair, no KVM. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb/stub.h"

static int peer; /* the debugger's end */
static struct rsp conn;
static char pkt[64];

static void open_pair(void)
{
    int sv[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    rsp_init(&conn, sv[0]);
    peer = sv[1];
}

static void close_pair(void)
{
    close(conn.fd);
    if (peer >= 0)
        close(peer);
}

TestSuite(gdb_proto, .init = open_pair, .fini = close_pair);

/* Write a $data#cs frame for data (escaped by the caller when it needs to be). */
static void send_frame(const char *data, size_t len, int delta)
{
    char frame[256];
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)data[i];
    int n = snprintf(frame, sizeof(frame), "$%.*s#%02x", (int)len, data, (sum + (unsigned)delta) & 0xff);
    cr_assert_eq(write(peer, frame, (size_t)n), n);
}

static void expect_peer(const char *want)
{
    char got[256] = {0};
    size_t n = strlen(want), have = 0;
    while (have < n) {
        ssize_t r = read(peer, got + have, n - have);
        cr_assert_gt(r, 0, "peer read");
        have += (size_t)r;
    }
    cr_assert_eq(memcmp(got, want, n), 0, "peer got '%s', want '%s'", got, want);
}

static int read_packet(size_t *len)
{
    return rsp_read_packet(&conn, pkt, sizeof(pkt), len);
}

Test(gdb_proto, a_good_packet_is_acknowledged)
{
    size_t len;
    cr_assert_eq(write(peer, "+noise", 6), 6); /* bytes between packets mean nothing */
    send_frame("qSupported", 10, 0);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_str_eq(pkt, "qSupported");
    cr_assert_eq(len, 10);
    expect_peer("+");
}

Test(gdb_proto, a_bad_checksum_is_refused_and_the_resend_accepted)
{
    size_t len;
    send_frame("g", 1, 1);
    send_frame("g", 1, 0);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_str_eq(pkt, "g");
    expect_peer("-+");
    cr_assert_eq(write(peer, "$g#zz", 5), 5); /* not even hex */
    send_frame("?", 1, 0);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_str_eq(pkt, "?");
    expect_peer("-+");
}

Test(gdb_proto, escaped_bytes_are_restored)
{
    size_t len;
    send_frame("X0,2:}\x03}\x5d", 9, 0); /* '#' and '}' escaped */
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_eq(len, 7);
    cr_assert_eq(memcmp(pkt, "X0,2:#}", 7), 0);
}

Test(gdb_proto, an_oversized_packet_is_reported_and_the_next_one_read)
{
    char big[200];
    size_t len;
    memset(big, 'm', sizeof(big));
    send_frame(big, sizeof(big), 0);
    send_frame("?", 1, 0);
    cr_assert_eq(read_packet(&len), RSP_TOOLONG);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_str_eq(pkt, "?");
}

Test(gdb_proto, interrupt_and_end_of_stream)
{
    size_t len;
    cr_assert_eq(write(peer, "\x03$g", 3), 3);
    cr_assert_eq(read_packet(&len), RSP_INTERRUPT);
    close(peer);
    peer = -1;
    cr_assert_eq(read_packet(&len), RSP_CLOSED, "a packet cut short by the end of the stream");
}

Test(gdb_proto, send_escapes_checksums_and_waits_for_the_ack)
{
    cr_assert_eq(write(peer, "-+", 2), 2); /* one NAK: the frame goes twice */
    cr_assert_eq(rsp_send(&conn, "a$#}*", 5), 0);
    /* a, }\x04 ('$'), }\x03 ('#'), }] ('}'), }\x0a ('*'); the sum covers the bytes as sent */
    const char body[] = "a}\x04}\x03}]}\x0a";
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof(body) - 1; i++)
        sum += (uint8_t)body[i];
    char frame[64];
    snprintf(frame, sizeof(frame), "$%s#%02x", body, sum & 0xff);
    char twice[128];
    snprintf(twice, sizeof(twice), "%s%s", frame, frame);
    expect_peer(twice);
}

Test(gdb_proto, send_gives_up_after_repeated_naks)
{
    char naks[16];
    memset(naks, '-', sizeof(naks));
    cr_assert_eq(write(peer, naks, sizeof(naks)), (ssize_t)sizeof(naks));
    errno = 0;
    cr_assert_eq(rsp_send_str(&conn, "OK"), -1);
    cr_assert_eq(errno, EPROTO);
}

Test(gdb_proto, no_ack_mode_neither_sends_nor_waits)
{
    size_t len;
    conn.noack = true;
    cr_assert_eq(rsp_send_str(&conn, "OK"), 0);
    expect_peer("$OK#9a");
    send_frame("g", 1, 0);
    cr_assert_eq(write(peer, "$?#3f", 5), 5);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_eq(read_packet(&len), RSP_PACKET);
    cr_assert_str_eq(pkt, "?", "no '+' was written before it");
}

Test(gdb_proto, poll_finds_an_interrupt_among_other_bytes)
{
    cr_assert_eq(rsp_poll_interrupt(&conn), 0, "nothing waiting");
    cr_assert_eq(write(peer, "++\x03", 3), 3);
    cr_assert_eq(rsp_poll_interrupt(&conn), 1);
    close(peer);
    peer = -1;
    cr_assert_eq(rsp_poll_interrupt(&conn), RSP_CLOSED);
}

Test(gdb_proto, hex_helpers)
{
    const char *p = "1f,";
    uint64_t v;
    cr_assert_eq(hex_parse(&p, &v), 0);
    cr_assert(v == 0x1f && *p == ',');
    p = "x";
    cr_assert_eq(hex_parse(&p, &v), -1, "no digits");
    p = "10000000000000000";
    cr_assert_eq(hex_parse(&p, &v), -1, "more than 64 bits");
    uint8_t b[2];
    cr_assert_eq(hex_decode(b, "aB01", 2), 0);
    cr_assert(b[0] == 0xab && b[1] == 1);
    cr_assert_eq(hex_decode(b, "g0", 1), -1);
    char out[8];
    hex_encode(out, b, 2);
    cr_assert_str_eq(out, "ab01");
}

/* The description lists every register of the layout, in order, and the g packet has their sizes. */
static void check_arch(const struct gdb_arch *a, const char *name, size_t nregs, size_t gbytes)
{
    size_t len, total = 0, regs = 0;
    const char *xml = gdb_target_xml(a, &len);
    cr_assert_eq(strlen(xml), len);
    char arch[64];
    snprintf(arch, sizeof(arch), "<architecture>%s</architecture>", name);
    cr_assert_not_null(strstr(xml, arch));
    cr_assert_not_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
    cr_assert_not_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.sse\">"));
    cr_assert_eq(strncmp(xml + len - 9, "</target>", 9), 0);
    for (const char *p = xml; (p = strstr(p, "<reg ")) != NULL; p++) {
        char want[32];
        snprintf(want, sizeof(want), "regnum=\"%zu\"", regs++);
        cr_assert_not_null(strstr(p, want), "register %zu out of order", regs - 1);
    }
    for (size_t i = 0; gdb_reg_size(a, i); i++)
        total += gdb_reg_size(a, i);
    cr_assert_eq(regs, nregs);
    cr_assert_eq(a->nregs, nregs);
    cr_assert_eq(total, gbytes);
}

Test(gdb_proto, target_descriptions)
{
    /* i386: 16 x 4 (GPRs, eip, eflags, segments) + 8 x 10 (st) + 8 x 4 (x87 control) + 8 x 16 (xmm)
       + 4 (mxcsr) + 4 x 8 (cr0 cr3 cr4 efer) */
    check_arch(gdb_arch_for(false), "i386", 45, 340);
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    /* x86-64: 17 x 8 + 7 x 4 + 80 + 32 + 16 x 16 + 4 + 2 x 8 (fs_base, gs_base) + 4 x 8 */
    check_arch(gdb_arch_for(true), "i386:x86-64", 63, 136 + 28 + 80 + 32 + 256 + 4 + 16 + 32);
#else
    cr_assert_eq(gdb_arch_for(true), gdb_arch_for(false), "the ia32 ABI presents i386 only");
#endif
}
