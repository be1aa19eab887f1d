/* sel4vm/arch/ioports.h: I/O port handlers with libsel4vm's names and semantics. */
#ifndef SEL4VM_ARCH_IOPORTS_H
#define SEL4VM_ARCH_IOPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;

/* What a port handler did with an access. */
typedef enum ioport_fault_result {
    IO_FAULT_HANDLED,   /* done: the guest goes on */
    IO_FAULT_UNHANDLED, /* not ours: the unhandled-port callback decides */
    IO_FAULT_ERROR      /* fatal: vm_run returns -1 (VCPUCTX_RUN_ERROR) */
} ioport_fault_result_t;

/** IN handler: store the value read (size 1, 2 or 4 bytes) in *result. */
typedef ioport_fault_result_t (*vm_ioport_in_fn)(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no, unsigned int size,
                                                 unsigned int *result);

/** OUT handler: value holds the size (1, 2 or 4) bytes written. */
typedef ioport_fault_result_t (*vm_ioport_out_fn)(vm_vcpu_t *vcpu, void *cookie, unsigned int port_no,
                                                  unsigned int size, unsigned int value);

/**
 * Called for an access no handler claimed (or one whose handler returned
 * IO_FAULT_UNHANDLED). For IN it stores the value in *value; for OUT *value
 * holds the value written. Returning IO_FAULT_UNHANDLED applies the default:
 * IN reads all ones, OUT is dropped.
 */
typedef ioport_fault_result_t (*unhandled_ioport_callback_fn)(vm_vcpu_t *vcpu, unsigned int port_no, bool is_in,
                                                              unsigned int *value, size_t size, void *cookie);

/* An inclusive range of ports: start..end. */
typedef struct vm_ioport_range {
    uint16_t start;
    uint16_t end;
} vm_ioport_range_t;

/* Handlers for a port range; either function may be NULL (then unhandled). */
typedef struct vm_ioport_interface {
    void *cookie;
    vm_ioport_in_fn port_in;
    vm_ioport_out_fn port_out;
    const char *desc; /* for traces and statistics */
} vm_ioport_interface_t;

/* A registered range and its handlers, and the VM's list of them (upstream's types; vcpuctx keeps the list in its
   private part of struct vm). */
typedef struct vm_ioport_entry {
    vm_ioport_range_t range;
    vm_ioport_interface_t interface;
} vm_ioport_entry_t;

typedef struct vm_io_list {
    int num_ioports;
    vm_ioport_entry_t *ioports; /* sorted by start */
} vm_io_port_list_t;

/**
 * Register handlers for a range of I/O ports, used by vm_run.
 * @param vm               handle to the VM
 * @param ioport_range     ports start..end (inclusive)
 * @param ioport_interface the handlers and their cookie
 * @return 0 on success; -1 with errno EINVAL (NULL vm, start > end), EBUSY
 *         (overlaps a registered range) or ENOMEM
 */
int vm_io_port_add_handler(vm_t *vm, vm_ioport_range_t ioport_range, vm_ioport_interface_t ioport_interface);

/**
 * Register the callback for accesses to ports no handler claims.
 * @param vm              handle to the VM
 * @param ioport_callback the callback (NULL rejected)
 * @param cookie          passed to the callback
 * @return 0 on success; -1 with errno EINVAL for a NULL vm or callback
 */
int vm_register_unhandled_ioport_callback(vm_t *vm, unhandled_ioport_callback_fn ioport_callback, void *cookie);

/**
 * Pass a range of the host's I/O ports through to the guest (upstream's).
 * KVM cannot let a guest at host ports directly, so each guest access still
 * exits, and vm_run performs it on the host port (ioperm, then in/out): the
 * same values, an exit's cost. The permission is the calling thread's: call
 * it from the thread that runs vm_run. It needs CAP_SYS_RAWIO and a kernel
 * with ioperm (CONFIG_X86_IOPL_IOPERM).
 * @param vcpu       a vCPU of the VM
 * @param port_start first port
 * @param port_end   last port (inclusive)
 * @return 0, or -1 with errno, nothing registered: EINVAL (NULL vcpu,
 *         start > end), EBUSY (a handler has one of the ports), ioperm's
 *         (EPERM without the capability, ENOSYS where the kernel has no
 *         ioperm), ENOMEM
 */
int vm_enable_passthrough_ioport(vm_vcpu_t *vcpu, uint16_t port_start, uint16_t port_end);

#endif /* SEL4VM_ARCH_IOPORTS_H */
