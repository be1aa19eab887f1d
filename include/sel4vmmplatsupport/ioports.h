/* sel4vmmplatsupport/ioports.h: libsel4vmmplatsupport's list of emulated port ranges, with upstream's names and
   semantics: ranges placed where asked (IOPORT_ADDR) or handed out upwards from an address (IOPORT_FREE, as a
   device's I/O BAR is placed), sorted, never overlapping; emulate_io_handler dispatches one access. */
#ifndef SEL4VMMPLATSUPPORT_IOPORTS_H
#define SEL4VMMPLATSUPPORT_IOPORTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* 0 handled, non-zero an error. port_no is the absolute port. */
typedef int (*ioport_in_fn)(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result);
typedef int (*ioport_out_fn)(void *cookie, unsigned int port_no, unsigned int size, unsigned int value);

typedef enum ioport_type {
    IOPORT_FREE, /* placed at the list's next free address, size ports */
    IOPORT_ADDR  /* placed at start..end (inclusive) */
} ioport_type_t;

typedef struct ioport_range {
    uint16_t start;
    uint16_t end; /* inclusive */
    uint16_t size;
} ioport_range_t;

typedef struct ioport_interface {
    void *cookie;
    ioport_in_fn port_in;
    ioport_out_fn port_out;
    const char *desc;
} ioport_interface_t;

typedef struct ioport_entry {
    ioport_range_t range;
    ioport_interface_t interface;
} ioport_entry_t;

typedef struct vmm_io_list {
    int num_ioports;
    ioport_entry_t **ioports; /* sorted by start */
    uint16_t alloc_addr;      /* where the next IOPORT_FREE range goes */
    pthread_mutex_t lock;     /* vcpuctx: vCPUs look ranges up while a guest's BAR write moves one */
} vmm_io_port_list_t;

/**
 * Make an empty list whose IOPORT_FREE ranges start at ioport_alloc_addr.
 * @return 0, or -1 with errno (ENOMEM)
 */
int vmm_io_port_init(vmm_io_port_list_t **io_list, uint16_t ioport_alloc_addr);

/**
 * Add a range. IOPORT_FREE: ioport_range.size ports at the next free address (start and end are ignored; port
 * 0xFFFF is never handed out); IOPORT_ADDR: start..end as given.
 * @return the entry (its range says where it went), or NULL with errno (EEXIST: it overlaps a range;
 *         ERANGE: past port 0xFFFF; EINVAL: a bad range or no list; ENOMEM); the list is then unchanged
 */
ioport_entry_t *vmm_io_port_add_handler(vmm_io_port_list_t *io_list, ioport_range_t ioport_range,
                                        ioport_interface_t ioport_interface, ioport_type_t port_type);

/**
 * One access to port_no of size bytes: *data is filled (in) or written (out). Any thread may call it; the
 * handler is called without the list's lock held, so it may itself move a range (a BAR write).
 * @return 0 handled; 1 no range holds the port; -1 the handler failed, or no list
 */
int emulate_io_handler(vmm_io_port_list_t *io_port, unsigned int port_no, bool is_in, size_t size, unsigned int *data);

/* vcpuctx: free a list made by vmm_io_port_init and its entries. */
void vcpuctx_io_port_list_free(vmm_io_port_list_t *io_list);

/* vcpuctx: move entry (of io_list) to start, its size kept, as when a guest moves the BAR it backs. 0, or -1
   with errno (EINVAL: not the list's, or past port 0xFFFF; EEXIST: another range is there), the list as it
   was. */
int vcpuctx_io_port_move(vmm_io_port_list_t *io_list, ioport_entry_t *entry, uint16_t start);

#endif /* SEL4VMMPLATSUPPORT_IOPORTS_H */
