/* virtio_con_emul.c: the virtio console (virtio 1.2, 5.3) behind libsel4vmmplatsupport's transport, multiport as
   upstream's: port 0 on queues 0 and 1, the control queues 2 and 3, port N on 2+2N and 3+2N. The control
   protocol adds every port when the driver is ready, makes port 0 the console and opens each port it readies. */
#include <errno.h>
#include <stdlib.h>

#include "virtio_con_emul.h"

static int tx_port(unsigned q)
{
    return q == 1 ? 0 : (int)(q - 3) / 2;
}

static unsigned rx_queue(int port)
{
    return port == 0 ? 0 : 2 + 2 * (unsigned)port;
}

/* Hand what the guest wrote to the backend. */
static void emit(struct con_emul *c, int port, size_t len)
{
    if (c->write) {
        c->write(c->write_cookie, port, c->out, len);
        return;
    }
    for (size_t i = 0; c->driver.backend_fn.backend_putchar && i < len; i++)
        c->driver.backend_fn.backend_putchar(port, c->out[i]);
}

/* Deliver the control messages waiting, as far as the guest has given buffers. */
static bool send_pending(struct con_emul *c)
{
    struct virtq *q = &c->v->q[CTL_RX_QUEUE];
    bool sent = false;
    while (c->npending) {
        int got = virtq_pop(q, &c->v->mem, &c->chain);
        if (got <= 0) {
            if (got < 0)
                vio_broken(c->v);
            break;
        }
        size_t n = virtq_copy(&c->chain, true, 0, &c->pending[0], sizeof(c->pending[0]));
        if (virtq_push(q, &c->v->mem, c->chain.head, (uint32_t)n) < 0) {
            vio_broken(c->v);
            break;
        }
        memmove(c->pending, c->pending + 1, --c->npending * sizeof(c->pending[0]));
        sent = true;
    }
    return sent;
}

static void queue_ctl(struct con_emul *c, uint32_t id, uint16_t event, uint16_t value)
{
    if (c->npending < CON_PENDING)
        c->pending[c->npending++] = (struct virtio_con_ctl){id, event, value};
}

static void control(struct con_emul *c, const struct virtio_con_ctl *m)
{
    if (m->event == VIRTIO_CON_DEVICE_READY && m->value == 1) {
        for (uint32_t p = 0; p < VIRTIO_CON_MAX_PORTS; p++)
            queue_ctl(c, p, VIRTIO_CON_PORT_ADD, 0);
    } else if (m->event == VIRTIO_CON_PORT_READY && m->value == 1 && m->id < VIRTIO_CON_MAX_PORTS) {
        if (m->id == 0)
            queue_ctl(c, 0, VIRTIO_CON_CON_PORT, 1);
        queue_ctl(c, m->id, VIRTIO_CON_PORT_OPEN, 1);
    }
}

/* Take the chains the guest queued on q: control messages on 3, output on a port's transmit queue. */
static int drain(struct con_emul *c, unsigned q)
{
    int got, done = 0;
    while ((got = virtq_pop(&c->v->q[q], &c->v->mem, &c->chain)) > 0) {
        if (q == CTL_TX_QUEUE) {
            struct virtio_con_ctl m;
            if (virtq_copy(&c->chain, false, 0, &m, sizeof(m)) == sizeof(m))
                control(c, &m);
        } else {
            for (size_t at = 0, n; (n = virtq_copy(&c->chain, false, at, c->out, sizeof(c->out))) > 0; at += n)
                emit(c, tx_port(q), n);
        }
        if (virtq_push(&c->v->q[q], &c->v->mem, c->chain.head, 0) < 0)
            return -1;
        done++;
    }
    return got < 0 ? -1 : done;
}

static void con_kick(struct vio *v, unsigned q)
{
    struct con_emul *c = v->emul.internal;
    int done = q % 2 ? drain(c, q) : 0;
    if (done < 0) {
        vio_broken(v);
        return;
    }
    if (done)
        vio_interrupt(v, q);
    if (send_pending(c))
        vio_interrupt(v, CTL_RX_QUEUE);
}

static void con_raise(struct vio *v)
{
    struct con_emul *c = v->emul.internal;
    if (c->driver.backend_fn.handleIRQ)
        c->driver.backend_fn.handleIRQ(c->driver.backend_fn.console_data);
}

/* Upstream's emul_putchar: the bytes [head, tail) of the backend's ring into one buffer of port's receive
   queue; what does not fit, or finds no buffer, is not taken (upstream's caller moves its head regardless). */
static void emul_putchar(int port, virtio_emul_t *emul, char *buffer, uint32_t head, uint32_t tail)
{
    struct vio *v = vio_of(emul);
    struct con_emul *c = emul->internal;
    if (port < 0 || port >= VIRTIO_CON_MAX_PORTS || head >= VUART_BUFLEN || tail >= VUART_BUFLEN)
        return;
    pthread_mutex_lock(&v->lock);
    struct virtq *q = &v->q[rx_queue(port)];
    int got = virtq_pop(q, &v->mem, &c->chain);
    if (got > 0) {
        size_t len = (tail + VUART_BUFLEN - head) % VUART_BUFLEN,
               first = VUART_BUFLEN - head < len ? VUART_BUFLEN - head : len;
        size_t n = virtq_copy(&c->chain, true, 0, buffer + head, first);
        if (n == first && len > first)
            n += virtq_copy(&c->chain, true, n, buffer, len - first);
        if (virtq_push(q, &v->mem, c->chain.head, (uint32_t)n) == 0)
            vio_interrupt(v, rx_queue(port));
    }
    if (got < 0)
        vio_broken(v);
    pthread_mutex_unlock(&v->lock);
}

static void con_reset(struct vio *v)
{
    struct con_emul *c = v->emul.internal;
    c->npending = 0;
}

const struct vio_device vio_con_device = {
    .features = 1u << VIRTIO_CON_F_MULTIPORT,
    .nqueues = VQUEUE_NUM_VRINGS,
    .config_len = sizeof(struct virtio_con_cfg),
    .kick = con_kick,
    .raise = con_raise,
    .reset = con_reset,
};

void *console_virtio_emul_init(virtio_emul_t *emul, ps_io_ops_t io_ops, console_driver_init driver, void *config)
{
    struct con_emul *c = vio_part_alloc(emul, driver, sizeof(*c));
    if (!c)
        return NULL;
    c->v = vio_of(emul);
    c->driver.emul_cb.emul_putchar = emul_putchar;
    if (driver(&c->driver, io_ops, config) != 0) {
        free(c);
        errno = EIO;
        return NULL;
    }
    c->cfg.max_nr_ports = VIRTIO_CON_MAX_PORTS;
    memcpy(c->v->config, &c->cfg, sizeof(c->cfg));
    emul->internal = c;
    return c;
}
