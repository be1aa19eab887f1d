/* gdb_proto.c: the GDB remote serial protocol's framing: $data#cs packets, acks, escapes, Ctrl-C. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "stub.h"

#define RESENDS 8 /* a packet NAKed this often is given up (the link is broken) */

void rsp_init(struct rsp *c, int fd)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
}

/* Next byte from the socket, blocking; -1 when it is closed or fails. */
static int next_byte(struct rsp *c)
{
    while (c->head == c->tail) {
        ssize_t n = read(c->fd, c->in, sizeof(c->in));
        if (n > 0) {
            c->head = 0;
            c->tail = (size_t)n;
        } else if (n == 0 || errno != EINTR) {
            return -1;
        }
    }
    return c->in[c->head++];
}

static int write_all(struct rsp *c, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(c->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* The body of a packet after '$': unescaped into out (up to cap-1 bytes), checksum checked. */
static int read_body(struct rsp *c, char *out, size_t cap, size_t *len)
{
    size_t n = 0;
    bool overflow = false, esc = false;
    uint8_t sum = 0;
    for (;;) {
        int ch = next_byte(c);
        if (ch < 0)
            return RSP_CLOSED;
        if (ch == '#' && !esc)
            break;
        sum = (uint8_t)(sum + ch);
        if (ch == '}' && !esc) {
            esc = true;
            continue;
        }
        if (n + 1 < cap)
            out[n++] = (char)(esc ? ch ^ 0x20 : ch);
        else
            overflow = true;
        esc = false;
    }
    int h = next_byte(c), l = h < 0 ? -1 : next_byte(c);
    if (l < 0)
        return RSP_CLOSED;
    int want = hex_digit(h) < 0 || hex_digit(l) < 0 ? -1 : hex_digit(h) * 16 + hex_digit(l);
    out[n] = '\0';
    *len = n;
    if (want != sum)
        return 3; /* bad checksum: the caller NAKs */
    return overflow ? RSP_TOOLONG : RSP_PACKET;
}

int rsp_read_packet(struct rsp *c, char *out, size_t cap, size_t *len)
{
    if (c->pending_interrupt) {
        c->pending_interrupt = false;
        return RSP_INTERRUPT;
    }
    for (;;) {
        int ch = next_byte(c);
        if (ch < 0)
            return RSP_CLOSED;
        if (ch == 0x03)
            return RSP_INTERRUPT;
        if (ch != '$')
            continue; /* acks and noise between packets */
        int r = read_body(c, out, cap, len);
        if (r == RSP_CLOSED)
            return r;
        if (!c->noack && write_all(c, r == 3 ? "-" : "+", 1) < 0)
            return RSP_CLOSED;
        if (r != 3)
            return r;
    }
}

/* Wait for the ack of a packet just sent: 1 acked, 0 NAKed, -1 closed. */
static int wait_ack(struct rsp *c)
{
    for (;;) {
        int ch = next_byte(c);
        if (ch < 0)
            return -1;
        if (ch == '+')
            return 1;
        if (ch == '-')
            return 0;
        if (ch == 0x03)
            c->pending_interrupt = true;
        if (ch == '$') { /* a new packet: the ack was lost; keep the '$' for the reader */
            c->head--;
            return 1;
        }
    }
}

int rsp_send(struct rsp *c, const char *data, size_t len)
{
    static char frame[2 * GDB_PACKET_MAX + 8];
    size_t n = 0;
    uint8_t sum = 0;
    frame[n++] = '$';
    for (size_t i = 0; i < len && n + 6 < sizeof(frame); i++) {
        uint8_t b = (uint8_t)data[i];
        if (b == '$' || b == '#' || b == '}' || b == '*') {
            frame[n++] = '}';
            sum = (uint8_t)(sum + '}');
            b ^= 0x20;
        }
        frame[n++] = (char)b;
        sum = (uint8_t)(sum + b);
    }
    static const char digits[] = "0123456789abcdef";
    frame[n++] = '#';
    frame[n++] = digits[sum >> 4];
    frame[n++] = digits[sum & 15];
    for (int tries = 0; tries < RESENDS; tries++) {
        if (write_all(c, frame, n) < 0)
            return -1;
        if (c->noack)
            return 0;
        int a = wait_ack(c);
        if (a != 0)
            return a > 0 ? 0 : -1;
    }
    errno = EPROTO;
    return -1;
}

int rsp_send_str(struct rsp *c, const char *s)
{
    return rsp_send(c, s, strlen(s));
}

int rsp_poll_interrupt(struct rsp *c)
{
    if (c->pending_interrupt) {
        c->pending_interrupt = false;
        return 1;
    }
    while (c->head < c->tail) { /* bytes read earlier: only an interrupt means anything while running */
        if (c->in[c->head++] == 0x03)
            return 1;
    }
    struct pollfd p = {c->fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    uint8_t buf[64];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        return RSP_CLOSED;
    return n > 0 && memchr(buf, 0x03, (size_t)n) ? 1 : 0;
}

void hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int hex_decode(uint8_t *out, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = hex_digit((unsigned char)in[2 * i]), l = h < 0 ? -1 : hex_digit((unsigned char)in[2 * i + 1]);
        if (l < 0)
            return -1;
        out[i] = (uint8_t)(h * 16 + l);
    }
    return 0;
}

int hex_parse(const char **p, uint64_t *v)
{
    uint64_t x = 0;
    const char *s = *p;
    int d, digits = 0;
    while ((d = hex_digit((unsigned char)*s)) >= 0) {
        if (++digits > 16)
            return -1;
        x = x << 4 | (uint64_t)d;
        s++;
    }
    if (!digits)
        return -1;
    *p = s;
    *v = x;
    return 0;
}
