/* net.c: a network driver PD on the board's tap (the launcher's --net), to stand where sDDF's network driver
   stands. It speaks sDDF's network protocol to its two virtualisers: its configuration is in the
   .net_driver_config section and its IRQ's id in .device_resources, as sDDF's drivers' (sDDF's tooling fills
   them in); buffers are named by physical (I/O) address, reached as a device's DMA would (vcpuctx_mk_dma).
   The tap's IRQ (pin VCPUCTX_MK_NET_PIN) brings frames into free receive buffers; the transmit
   virtualiser's notification sends its frames. An IRQ that finds no free buffer is acknowledged only when the
   receive virtualiser returns some, so no frame is dropped here (the tap's own queue holds them). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/virtio_net.h>
#include <sys/uio.h>
#include <unistd.h>

#include <microkit.h>
#include <vcpuctx_microkit.h>

#include "sddf.h"

__attribute__((section(".device_resources"))) struct sddf_device_resources device_resources;
__attribute__((section(".net_driver_config"))) struct sddf_net_driver_config config;

struct queues {
    struct sddf_net_queue *free, *active;
    uint32_t capacity;
};

static struct {
    int tap;
    microkit_channel irq;
    bool irq_owed; /* an IRQ not yet acknowledged: it found no free buffer */
    struct queues rx, tx;
} nic;

static void refuse(const char *why)
{
    microkit_dbg_puts("net: ");
    microkit_dbg_puts(why);
    microkit_dbg_puts("\n");
    microkit_internal_crash(seL4_InvalidArgument);
}

static struct queues queues_of(const struct sddf_net_connection *c)
{
    return (struct queues){c->free_queue.vaddr, c->active_queue.vaddr, c->num_buffers};
}

void init(void)
{
    if (!sddf_magic_ok(config.magic, SDDF_NET_MAGIC_V))
        refuse("no configuration in .net_driver_config (sDDF's tooling writes it)");
    if (!sddf_magic_ok(device_resources.magic, SDDF_DEVICE_MAGIC_V) || device_resources.num_irqs != 1)
        refuse("no IRQ in .device_resources (sDDF's tooling writes it)");
    nic.tap = vcpuctx_mk_board_tap();
    if (nic.tap < 0)
        refuse("the board has no network device: start the system with vcpuctx-microkit --net=TAP");
    nic.irq = device_resources.irqs[0].id;
    nic.rx = queues_of(&config.virt_rx);
    nic.tx = queues_of(&config.virt_tx);
}

static bool take(struct sddf_net_queue *q, uint32_t capacity, struct sddf_net_buff *b)
{
    uint16_t head = q->head;
    if (head == SDDF_LOAD(q->tail))
        return false;
    *b = q->buffers[head % capacity];
    SDDF_STORE(q->head, (uint16_t)(head + 1));
    return true;
}

static void give(struct sddf_net_queue *q, uint32_t capacity, struct sddf_net_buff b)
{
    uint16_t tail = q->tail;
    q->buffers[tail % capacity] = b;
    SDDF_STORE(q->tail, (uint16_t)(tail + 1));
}

/* The peer consumes q: notify it unless it said it need not be (sDDF's consumer_signalled). */
static void signal_consumer(struct sddf_net_queue *q, microkit_channel ch)
{
    if (!SDDF_LOAD(q->consumer_signalled)) {
        SDDF_STORE(q->consumer_signalled, 1);
        microkit_notify(ch);
    }
}

/* Frames from the tap into free receive buffers, until either runs out; whether the tap ran out. */
static bool receive(void)
{
    bool moved = false, drained = false;
    struct sddf_net_buff b;
    while (!drained && take(nic.rx.free, nic.rx.capacity, &b)) {
        struct virtio_net_hdr_mrg_rxbuf hdr;
        void *buf = vcpuctx_mk_dma(b.io_or_offset, SDDF_NET_BUFFER_SIZE);
        if (!buf)
            refuse("a receive buffer at a physical address no memory region holds");
        struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {buf, SDDF_NET_BUFFER_SIZE}};
        ssize_t n = readv(nic.tap, iov, 2);
        drained = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (n < 0 && !drained && errno != EINTR) { /* the tap is gone: no frame will come */
            microkit_dbg_puts("net: the board's tap failed; no more frames arrive\n");
            drained = true;
        }
        b.len = n > (ssize_t)sizeof(hdr) ? (uint16_t)(n - (ssize_t)sizeof(hdr)) : 0;
        if (b.len == 0) /* no frame: the buffer goes back to the free queue's end */
            give(nic.rx.free, nic.rx.capacity, b);
        else
            give(nic.rx.active, nic.rx.capacity, b);
        moved = moved || b.len;
    }
    if (moved)
        signal_consumer(nic.rx.active, config.virt_rx.id);
    return drained;
}

/* Whether q is empty after asking its producer to notify this consumer (asked before the last look, so that
   nothing enqueued meanwhile goes unnoticed); when it is not, the request is withdrawn. */
static bool empty_after_request(struct sddf_net_queue *q)
{
    SDDF_STORE(q->consumer_signalled, 0);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (SDDF_LOAD(q->head) == SDDF_LOAD(q->tail))
        return true;
    SDDF_STORE(q->consumer_signalled, 1);
    return false;
}

/* Receive; acknowledge the IRQ once the tap is drained, else wait for the virtualiser's free buffers. */
static void receive_and_ack(void)
{
    for (;;) {
        if (receive()) {
            nic.irq_owed = false;
            microkit_irq_ack(nic.irq);
            return;
        }
        if (empty_after_request(nic.rx.free))
            return;
    }
}

/* One frame to the tap (a full tap drops it, as a wire would), and its buffer back to the virtualiser. */
static void send(struct sddf_net_buff b)
{
    struct virtio_net_hdr_mrg_rxbuf hdr = {0};
    void *buf = b.len ? vcpuctx_mk_dma(b.io_or_offset, b.len) : NULL;
    if (b.len && !buf)
        refuse("a transmit buffer at a physical address no memory region holds");
    struct iovec iov[2] = {{&hdr, sizeof(hdr)}, {buf, b.len}};
    while (b.len && writev(nic.tap, iov, 2) < 0 && errno == EINTR)
        ;
    b.len = 0;
    give(nic.tx.free, nic.tx.capacity, b);
}

static void transmit(void)
{
    bool sent = false;
    struct sddf_net_buff b;
    do {
        for (; take(nic.tx.active, nic.tx.capacity, &b); sent = true)
            send(b);
    } while (!empty_after_request(nic.tx.active));
    if (sent)
        signal_consumer(nic.tx.free, config.virt_tx.id);
}

void notified(microkit_channel ch)
{
    if (ch == nic.irq) {
        nic.irq_owed = true;
        receive_and_ack();
    } else if (ch == config.virt_rx.id && nic.irq_owed) {
        receive_and_ack();
    } else if (ch == config.virt_tx.id) {
        transmit();
    }
}
