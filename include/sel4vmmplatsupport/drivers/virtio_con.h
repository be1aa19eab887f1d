/* sel4vmmplatsupport/drivers/virtio_con.h: libsel4vmmplatsupport's virtio console on the PCI bus: a multiport
   console (VIRTIO_CON_MAX_PORTS ports, port 0 the guest's console, hvc0 on Linux) whose I/O BAR the port list
   places. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_CON_H
#define SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_CON_H

#include <stddef.h>

#include <sel4vm/guest_vm.h>
#include <sel4vmmplatsupport/drivers/pci.h>
#include <sel4vmmplatsupport/drivers/virtio_pci_emul.h>
#include <sel4vmmplatsupport/ioports.h>

typedef struct virtio_con {
    unsigned int iobase;
    virtio_emul_t *emul;
    struct virtio_console_driver *emul_driver;
    struct virtio_console_passthrough emul_driver_funcs;
    ps_io_ops_t ioops;
} virtio_con_t;

virtio_con_t *common_make_virtio_con(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                     ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                     unsigned int interrupt_line, struct virtio_console_passthrough backend);

/* vcpuctx: what the guest writes to a port, len bytes at once, with the maker's cb_cookie; given, it is called
   instead of backend_putchar. */
typedef void (*vcpuctx_console_write_fn)(void *cookie, int port, const char *buf, size_t len);

/* vcpuctx: common_make_virtio_con as opts says (NULL: as upstream's), writes to write when not NULL. */
virtio_con_t *vcpuctx_make_virtio_con(vm_t *vm, vmm_pci_space_t *pci, vmm_io_port_list_t *ioport,
                                      ioport_range_t ioport_range, ioport_type_t port_type, unsigned int interrupt_pin,
                                      unsigned int interrupt_line, struct virtio_console_passthrough backend,
                                      const struct vcpuctx_virtio_pci *opts, vcpuctx_console_write_fn write);

/* vcpuctx: free a console made above, as vcpuctx_virtio_blk_free. */
void vcpuctx_virtio_con_free(virtio_con_t *con);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_VIRTIO_CON_H */
