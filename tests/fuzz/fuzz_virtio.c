/* fuzz_virtio.c: a guest that writes anything at all: guest RAM from the input, then register accesses of every
   width at every offset of the legacy and the virtio 1.x interfaces of a block, console or network device, and
   backend deliveries, MSI-X control and table writes, offloads on or off. Invariants: whatever the rings say, every
   buffer a backend is handed lies inside guest RAM (ASan sees any other access), the device answers every access, and a
   request's length never exceeds the chain. */
#include <stdlib.h>
#include <string.h>

#include "vmmplat/virtio_blk_emul.h"
#include "vmmplat/virtio_con_emul.h"
#include "vmmplat/virtio_net_emul.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM (64u << 10)
static uint8_t ram[RAM];

static void *map(void *cookie, uint64_t gpa, size_t len)
{
    (void)cookie;
    return gpa <= RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static void inside(uintptr_t p, size_t len)
{
    if (p < (uintptr_t)ram || len > RAM || p - (uintptr_t)ram > RAM - len)
        abort();
}

static int blk_xfer(struct disk_driver *d, uint8_t type, uint64_t sector, uint32_t len, uintptr_t buf)
{
    (void)d, (void)sector;
    if (type != VIRTIO_BLK_T_FLUSH)
        inside(buf, len);
    return len & 512 ? VIRTIO_BLK_XFER_FAILED : VIRTIO_BLK_XFER_COMPLETE;
}

static void blk_init(struct disk_driver *d, struct virtio_blk_config *cfg)
{
    (void)d;
    cfg->capacity = 1u << 20;
}

static int blk_driver(struct disk_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->i_fn = (raw_diskiface_funcs_t){.raw_xfer = blk_xfer, .low_level_init = blk_init};
    return 0;
}

static void con_put(int port, char c)
{
    (void)c;
    if (port < 0 || port >= VIRTIO_CON_MAX_PORTS)
        abort();
}

static int con_driver(struct virtio_console_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->backend_fn.backend_putchar = con_put;
    return 0;
}

static bool offloads; /* this input's network device passes headers: the first piece is the device's copy */

static int net_tx(struct eth_driver *d, unsigned int num, uintptr_t *phys, unsigned int *len, void *cookie)
{
    (void)d, (void)cookie;
    if (offloads && (num == 0 || len[0] != sizeof(struct virtio_net_hdr_mrg_rxbuf)))
        abort();
    for (unsigned i = offloads ? 1 : 0; i < num; i++)
        inside(phys[i], len[i]);
    return num & 1 ? ETHIF_TX_COMPLETE : ETHIF_TX_ENQUEUED;
}

static int net_driver(struct eth_driver *driver, ps_io_ops_t io_ops, void *config)
{
    (void)io_ops, (void)config;
    driver->i_fn = (struct raw_iface_funcs){.raw_tx = net_tx};
    return 0;
}

static int signal_msi(void *cookie, uint64_t address, uint32_t data)
{
    (void)cookie, (void)address, (void)data;
    return 0;
}

static int accept_offloads(struct eth_driver *d, uint64_t guest_features)
{
    (void)d, (void)guest_features;
    return 0;
}

/* A device of kind (0 block, 1 console, 2 network) with MSI-X; the network one with offloads when asked. */
static struct vio *make(unsigned kind)
{
    static const struct vio_device *const devices[] = {&vio_blk_device, &vio_con_device, &vio_net_device};
    struct vio *v = vio_create((vm_t *)ram, devices[kind], 16);
    v->mem = (struct virtq_mem){NULL, map};
    void *r = kind == 0   ? block_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, blk_driver, NULL)
              : kind == 1 ? console_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, con_driver, NULL)
                          : net_virtio_emul_init(&v->emul, (ps_io_ops_t){0}, net_driver, NULL);
    if (!r || (kind == 2 && offloads && net_emul_offload(r, VCPUCTX_VIRTIO_NET_OFFLOADS, accept_offloads) < 0))
        abort();
    v->features |= 1ull << 32;
    vio_msix_init(&v->msix, v->dev->nqueues + 1, signal_msi, NULL);
    return v;
}

/* A frame for the guest, through the network device's i_cb, as a backend delivers it. */
static void deliver(struct vio *v, unsigned len)
{
    struct net_emul *n = v->emul.internal;
    void *cookie;
    uint8_t *buf = (uint8_t *)n->driver.i_cb.allocate_rx_buf(n->driver.cb_cookie, len, &cookie);
    if (buf) {
        memset(buf, 0x5a, len);
        n->driver.i_cb.rx_complete(n->driver.cb_cookie, 1, &cookie, &len);
    }
}

static void step(struct vio *v, unsigned kind, const uint8_t *op)
{
    unsigned size = 1u << (op[0] & 3), offset = op[1] | (op[2] & 0x7f) << 8;
    uint32_t value;
    memcpy(&value, op + 4, 4);
    unsigned result = 0;
    switch (op[0] >> 2 & 7) {
    case 0: v->emul.io_in(&v->emul, offset & 0x7f, size > 4 ? 4 : size, &result); break;
    case 1:
    case 2: v->emul.io_out(&v->emul, offset & 0x7f, size > 4 ? 4 : size, value); break;
    case 3: vio_modern_read(v, offset, size); break;
    case 4:
    case 5: vio_modern_write(v, offset, size, value); break;
    case 6:
        if (kind == 2 && op[3] & 1)
            deliver(v, value & 0x7ff);
        else
            vio_set_msix_control(v, (uint16_t)value);
        break;
    case 7: vio_modern_write(v, VIO_MODERN_NOTIFY + VIO_NOTIFY_MULT * (op[3] & 15), 2, 0); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned kind = data[0] % 3, ram_bytes = data[1] * 256u;
    offloads = kind == 2 && data[0] & 0x80;
    data += 2, size -= 2;
    if (ram_bytes > size)
        ram_bytes = (unsigned)size;
    memset(ram, 0, sizeof(ram));
    memcpy(ram, data, ram_bytes);
    data += ram_bytes, size -= ram_bytes;
    struct vio *v = make(kind);
    for (; size >= 8; data += 8, size -= 8)
        step(v, kind, data);
    free(v->emul.internal);
    vio_destroy(v);
    return 0;
}
