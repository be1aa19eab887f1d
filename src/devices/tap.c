/* tap.c: a Linux tap device as the backend of a virtio network device (util_libs' raw_iface_funcs): the guest's
   frames written to the tap as they lie in guest RAM (writev), the tap's frames read by a thread of their own and
   handed to the guest through the driver's i_cb, waiting while the guest has no receive buffer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"

#define TAP_FRAME_MAX (65536 + sizeof(struct virtio_net_hdr_mrg_rxbuf)) /* any frame a tap gives, its header first */

static int refuse(struct tap *t, char *err, size_t errlen, const char *why, const char *detail)
{
    snprintf(err, errlen, "tap %s: %s%s", t->name, why, detail);
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
    return -1;
}

int tap_open(struct tap *t, const char *name, const uint8_t mac[6], char *err, size_t errlen)
{
    *t = (struct tap){.fd = -1, .stop = {-1, -1}};
    snprintf(t->name, sizeof(t->name), "%s", name);
    memcpy(t->mac, mac, 6);
    if (strlen(name) >= IFNAMSIZ || if_nametoindex(name) == 0) /* in this network namespace */
        return refuse(t, err, errlen, "no such network interface (make one: ip tuntap add ", "NAME mode tap)");
    t->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (t->fd < 0)
        return refuse(t, err, errlen, "/dev/net/tun: ", strerror(errno));
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0)
        return refuse(t, err, errlen, "cannot attach: ",
                      errno == EPERM                      ? "not permitted (the tap's owner, or CAP_NET_ADMIN)"
                      : errno == EINVAL || errno == EBUSY ? "not a tap device, or in use"
                                                          : strerror(errno));
    int hdr = sizeof(struct virtio_net_hdr_mrg_rxbuf);
    if (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr) < 0 || ioctl(t->fd, TUNSETOFFLOAD, 0ul) < 0)
        return refuse(t, err, errlen, "no virtio-net headers on this tap: ", strerror(errno));
    return 0;
}

/* What the tap may give the guest: the offloads the guest took, as TUN_F_* bits. */
static unsigned long tun_offloads(uint64_t guest)
{
    static const struct {
        unsigned bit;
        unsigned long tun;
    } map[] = {{VIRTIO_NET_F_GUEST_CSUM, TUN_F_CSUM},
               {VIRTIO_NET_F_GUEST_TSO4, TUN_F_TSO4},
               {VIRTIO_NET_F_GUEST_TSO6, TUN_F_TSO6},
               {VIRTIO_NET_F_GUEST_ECN, TUN_F_TSO_ECN}};
    unsigned long tun = 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        tun |= guest >> map[i].bit & 1 ? map[i].tun : 0;
    return tun & TUN_F_CSUM ? tun : 0; /* segmentation needs the checksum offload: none without it */
}

/* accept: the offloads the guest took (vcpuctx_virtio_net_offload). */
static int tap_accept(struct eth_driver *driver, uint64_t guest_features)
{
    const struct tap *t = driver->eth_data;
    return ioctl(t->fd, TUNSETOFFLOAD, tun_offloads(guest_features));
}

vcpuctx_net_accept_fn tap_accept_fn(void)
{
    return tap_accept;
}

void tap_close(struct tap *t)
{
    tap_stop(t);
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

/* raw_tx: the frame's pieces in one write. */
static int raw_tx(struct eth_driver *driver, unsigned int num, uintptr_t *phys, unsigned int *len, void *cookie)
{
    (void)cookie;
    struct tap *t = driver->eth_data;
    struct iovec iov[64];
    if (num > 64)
        return ETHIF_TX_FAILED;
    size_t total = 0;
    for (unsigned i = 0; i < num; i++) {
        iov[i] = (struct iovec){(void *)phys[i], len[i]};
        total += len[i];
    }
    ssize_t n;
    do
        n = writev(t->fd, iov, (int)num);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)total)
        t->tx_frames++;
    else
        t->tx_dropped++; /* a full queue on the host side: dropped, as on a wire */
    return ETHIF_TX_COMPLETE;
}

static void low_level_init(struct eth_driver *driver, uint8_t *mac, int *mtu)
{
    const struct tap *t = driver->eth_data;
    memcpy(mac, t->mac, 6);
    *mtu = 1500;
}

struct raw_iface_funcs tap_backend(void)
{
    return (struct raw_iface_funcs){.raw_tx = raw_tx, .low_level_init = low_level_init};
}

/* Hand one frame to the guest, waiting (up to the stop) while it has no receive buffer. */
static void to_guest(struct tap *t, const uint8_t *frame, unsigned len)
{
    struct eth_driver *d = t->driver;
    for (;;) {
        void *cookie;
        uint8_t *buf = (uint8_t *)d->i_cb.allocate_rx_buf(d->cb_cookie, len, &cookie);
        if (buf) {
            memcpy(buf, frame, len);
            d->i_cb.rx_complete(d->cb_cookie, 1, &cookie, &len);
            t->rx_frames++;
            return;
        }
        struct pollfd p = {t->stop[0], POLLIN, 0};
        if (poll(&p, 1, 1) > 0) /* 1 ms, then look again */
            return;
    }
}

static void *rx_thread(void *arg)
{
    struct tap *t = arg;
    uint8_t *frame = malloc(TAP_FRAME_MAX);
    for (; frame;) {
        struct pollfd p[2] = {{t->fd, POLLIN, 0}, {t->stop[0], POLLIN, 0}};
        if ((poll(p, 2, -1) < 0 && errno != EINTR) || p[1].revents)
            break;
        ssize_t n = p[0].revents & POLLIN ? read(t->fd, frame, TAP_FRAME_MAX) : 0;
        if (n > 0)
            to_guest(t, frame, (unsigned)n);
    }
    free(frame);
    return NULL;
}

int tap_start(struct tap *t, struct eth_driver *driver)
{
    t->driver = driver;
    if (pipe2(t->stop, O_CLOEXEC) < 0)
        return -1;
    int e = pthread_create(&t->thread, NULL, rx_thread, t);
    if (e) {
        close(t->stop[0]);
        close(t->stop[1]);
        t->stop[0] = t->stop[1] = -1;
        errno = e;
        return -1;
    }
    t->running = true;
    return 0;
}

void tap_stop(struct tap *t)
{
    if (!t->running)
        return;
    (void)!write(t->stop[1], "x", 1);
    pthread_join(t->thread, NULL);
    close(t->stop[0]);
    close(t->stop[1]);
    t->stop[0] = t->stop[1] = -1;
    t->running = false;
}
