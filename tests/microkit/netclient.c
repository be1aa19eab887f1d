/* netclient.c: the client of net.system, in the place of sDDF's network virtualisers before the board's network
   driver PD: it gives the driver four receive buffers and sends one frame, an ARP request for the test's tap
   address (10.77.0.1, from 10.77.0.2), then waits for the host's ARP reply among whatever else the host sends,
   returning every buffer. Each step checks one thing; the end is V = 0 (status 1), else V = the failed step. */
#include <microkit.h>

#include "mkdrivers/sddf.h"

#define RX         1
#define TX         2
#define DEBUG_EXIT 3
#define STEPS_PD   "netclient"
#define BUFFERS    4

#include "steps.h"

uint64_t rx_free, rx_active, tx_free, tx_active, rx_data, tx_data, rx_paddr, tx_paddr;
static bool replied, sent_back;

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t my_ip[4] = {10, 77, 0, 2}, host_ip[4] = {10, 77, 0, 1};

static struct sddf_net_queue *q(uint64_t vaddr)
{
    return (struct sddf_net_queue *)vaddr;
}

static void put(struct sddf_net_queue *queue, uint64_t io, uint16_t len)
{
    queue->buffers[queue->tail % BUFFERS] = (struct sddf_net_buff){io, len, 0};
    SDDF_STORE(queue->tail, (uint16_t)(queue->tail + 1));
}

/* The producer's side of sDDF's signalling: notify the consumer only when it asked. */
static void kick(struct sddf_net_queue *queue, microkit_channel ch)
{
    if (!SDDF_LOAD(queue->consumer_signalled)) {
        SDDF_STORE(queue->consumer_signalled, 1);
        microkit_notify(ch);
    }
}

static void copy(uint8_t *to, const uint8_t *from, int n)
{
    for (int i = 0; i < n; i++)
        to[i] = from[i];
}

static int same(const uint8_t *a, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Ethernet broadcast, ARP request: who has host_ip? tell my_ip. */
static uint16_t arp_request(uint8_t *f)
{
    static const uint8_t head[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1};
    for (int i = 0; i < 6; i++)
        f[i] = 0xff;
    copy(f + 6, mac, 6);
    copy(f + 12, head, sizeof(head));
    copy(f + 22, mac, 6);
    copy(f + 28, my_ip, 4);
    for (int i = 32; i < 38; i++)
        f[i] = 0;
    copy(f + 38, host_ip, 4);
    return 42;
}

static int is_reply(const uint8_t *f, uint16_t len)
{
    static const uint8_t head[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 2};
    return len >= 42 && same(f, mac, 6) && same(f + 12, head, sizeof(head)) && same(f + 28, host_ip, 4) &&
           same(f + 32, mac, 6) && same(f + 38, my_ip, 4);
}

void init(void)
{
    check(rx_paddr == 0x50000000 && tx_paddr >= 0x100000000ULL);
    for (int i = 0; i < BUFFERS; i++)
        put(q(rx_free), rx_paddr + (uint64_t)i * SDDF_NET_BUFFER_SIZE, 0);
    kick(q(rx_free), RX);
    put(q(tx_active), tx_paddr, arp_request((uint8_t *)tx_data));
    kick(q(tx_active), TX);
}

static void received(void)
{
    struct sddf_net_queue *active = q(rx_active);
    while (active->head != SDDF_LOAD(active->tail)) {
        struct sddf_net_buff b = active->buffers[active->head % BUFFERS];
        SDDF_STORE(active->head, (uint16_t)(active->head + 1));
        uint64_t off = b.io_or_offset - rx_paddr;
        check(off < BUFFERS * SDDF_NET_BUFFER_SIZE && off % SDDF_NET_BUFFER_SIZE == 0 && b.len > 0);
        replied = replied || is_reply((const uint8_t *)(rx_data + off), b.len);
        put(q(rx_free), b.io_or_offset, 0);
    }
    SDDF_STORE(active->consumer_signalled, 0);
    kick(q(rx_free), RX);
}

static void sent(void)
{
    struct sddf_net_queue *free = q(tx_free);
    while (free->head != SDDF_LOAD(free->tail)) {
        struct sddf_net_buff b = free->buffers[free->head % BUFFERS];
        SDDF_STORE(free->head, (uint16_t)(free->head + 1));
        check(b.io_or_offset == tx_paddr && !sent_back);
        sent_back = true;
    }
}

void notified(microkit_channel ch)
{
    check(ch == RX || ch == TX);
    if (ch == RX)
        received();
    else
        sent();
    if (replied && sent_back)
        finish(0);
}
