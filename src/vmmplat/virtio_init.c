/* virtio_init.c: upstream's virtio_emul_init: a transport for the device kind asked, and the device's part. */
#include <errno.h>

#include "virtio_blk_emul.h"
#include "virtio_con_emul.h"
#include "virtio_net_emul.h"

/* The device's part on a transport made for it. */
static void *device_init(virtio_emul_t *emul, ps_io_ops_t io_ops, void *driver, void *config,
                         virtio_pci_devices_t device)
{
    if (device == VIRTIO_BLOCK)
        return block_virtio_emul_init(emul, io_ops, (diskif_driver_init)driver, config);
    if (device == VIRTIO_NET)
        return net_virtio_emul_init(emul, io_ops, (ethif_driver_init)driver, config);
    return console_virtio_emul_init(emul, io_ops, (console_driver_init)driver, config);
}

static const struct vio_device *device_of(virtio_pci_devices_t device)
{
    return device == VIRTIO_BLOCK ? &vio_blk_device : device == VIRTIO_NET ? &vio_net_device : &vio_con_device;
}

virtio_emul_t *virtio_emul_init(ps_io_ops_t io_ops, int queue_size, vm_t *vm, void *driver, void *config,
                                virtio_pci_devices_t device)
{
    if (device != VIRTIO_BLOCK && device != VIRTIO_CONSOLE && device != VIRTIO_NET) {
        errno = ENOTSUP; /* no vsock device */
        return NULL;
    }
    struct vio *v = vio_create(vm, device_of(device), queue_size);
    if (!v)
        return NULL;
    if (!device_init(&v->emul, io_ops, driver, config, device)) {
        int e = errno;
        vio_destroy(v);
        errno = e;
        return NULL;
    }
    return &v->emul;
}

int vcpuctx_virtio_intx(virtio_emul_t *emul, vm_vcpu_t *vcpu, int line)
{
    if (!emul || !vcpu || line < 0 || line >= VCPUCTX_IRQ_LINES) {
        errno = EINVAL;
        return -1;
    }
    struct vio *v = vio_of(emul);
    pthread_mutex_lock(&v->lock);
    v->intx_vcpu = vcpu;
    v->intx_line = line;
    pthread_mutex_unlock(&v->lock);
    return 0;
}

int vcpuctx_virtio_add_features(virtio_emul_t *emul, uint32_t features)
{
    if (!emul) {
        errno = EINVAL;
        return -1;
    }
    struct vio *v = vio_of(emul);
    pthread_mutex_lock(&v->lock);
    v->features |= features;
    pthread_mutex_unlock(&v->lock);
    return 0;
}
