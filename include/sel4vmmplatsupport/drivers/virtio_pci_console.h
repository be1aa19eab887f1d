/* sel4vmmplatsupport/drivers/virtio_pci_console.h: the backend of libsel4vmmplatsupport's virtio console: the
   VMM's putchar for what the guest writes to a port, and its way to interrupt the guest; and the device's call
   for what the VMM has for the guest (emul_putchar: the bytes [head, tail) of a ring of VUART_BUFLEN). */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_CONSOLE_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_CONSOLE_H

#include <stdint.h>

#include <platsupport/io.h>

typedef struct virtio_emul virtio_emul_t;

typedef void (*console_putchar_fn_t)(int port, char c);

typedef struct virtio_console_callbacks {
    void (*emul_putchar)(int port, virtio_emul_t *con, char *buffer, uint32_t head, uint32_t tail);
} virtio_console_callbacks_t;

typedef struct virtio_console_passthrough {
    void (*handleIRQ)(void *cookie);
    console_putchar_fn_t backend_putchar;
    void *console_data;
} virtio_console_passthrough_t;

struct virtio_console_driver {
    virtio_console_passthrough_t backend_fn;
    virtio_console_callbacks_t emul_cb;
};

typedef int (*console_driver_init)(struct virtio_console_driver *driver, ps_io_ops_t io_ops, void *config);

/* The length of the ring emul_putchar's head and tail index (upstream's camkes-vm dataport, less two words). */
#define VUART_BUFLEN (0x1000 - 2 * sizeof(uint32_t))

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_PCI_CONSOLE_H */
