/* sel4vm/guest_vm.h: libsel4vm's VM and vCPU: struct vm's and vm_vcpu's public members, vm_run, vcpu_start. */
#ifndef SEL4VM_GUEST_VM_H
#define SEL4VM_GUEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>
#include <sel4vm/arch/guest_vm_arch.h>
#include <sel4vm/guest_memory.h>

typedef struct vm vm_t;
typedef struct vm_vcpu vm_vcpu_t;
typedef struct vm_arch vm_arch_t; /* opaque: struct vm_arch's members are private to vcpuctx */

/* Most vCPUs a VM has: the length of vm->vcpus[]. Upstream sizes it with CONFIG_MAX_NUM_NODES; code built with a
   larger value would index past the library's array, so it stops here. */
#define VCPUCTX_MAX_VCPUS 8
#if defined(CONFIG_MAX_NUM_NODES) && CONFIG_MAX_NUM_NODES > VCPUCTX_MAX_VCPUS
#error "sel4vm/guest_vm.h: CONFIG_MAX_NUM_NODES is larger than vcpuctx's VCPUCTX_MAX_VCPUS (8)"
#endif

/** One region of guest RAM and whether it is allocated (vm->mem.ram_regions[]). */
struct vm_ram_region {
    uintptr_t start; /* guest-physical */
    size_t size;
    int allocated; /* vm_ram_mark_allocated / vm_ram_allocate: 1; free RAM: 0 */
};
typedef struct vm_ram_region vm_ram_region_t;

/** vm->mem: the guest's RAM as upstream lists it: sorted by start, neighbours of the same state merged
    (upstream's vspace and reservation members are seL4-only or private to vcpuctx). Read it; change it only
    through sel4vm/guest_ram.h. */
struct vm_mem {
    int num_ram_regions;
    struct vm_ram_region *ram_regions;
};
typedef struct vm_mem vm_mem_t;

/** vm->run: how the last vm_run ended (upstream's member; the seL4 notification callback is not here). */
struct vm_run {
    int exit_reason; /* -1 while running; then a vm_exit_codes_t (guest_vm_exits.h) or VM_GUEST_ERROR_EXIT */
};
typedef struct vm_run vm_run_t;

/*
 * struct vm and struct vm_vcpu: upstream's public members, with upstream's names, types and meanings, in
 * upstream's order (its seL4-only members are left out: vka, simple, cspace, the TCB and the kernel vCPU
 * object; arch is private here). vcpuctx's own state follows in vcpuctx_private, which only the library reads,
 * so a vm_t or vm_vcpu_t exists only as vcpuctx_vm_create and vm_create_vcpu allocate it: never declare, copy
 * or size one.
 */
struct vm {
    unsigned int num_vcpus;                       /* vCPUs created, vcpus[0..num_vcpus-1] */
    struct vm_vcpu *vcpus[VCPUCTX_MAX_VCPUS];     /* by vcpu_id; vcpus[BOOT_VCPU] is the one vm_run runs */
    struct vm_mem mem;                            /* guest RAM regions (sel4vm/guest_ram.h) */
    struct vm_run run;                            /* how the last vm_run ended */
    char *vm_name;                                /* the VMM's to set; the library never reads it */
    unsigned int vm_id;                           /* the VMM's to set; the library never reads it */
    bool vm_initialised;                          /* true once vcpuctx_vm_create returned it */
    _Alignas(16) unsigned char vcpuctx_private[]; /* the library's */
};

struct vm_vcpu {
    struct vm *vm;        /* the VM that owns it */
    unsigned int vcpu_id; /* its index in vm->vcpus[], in creation order */
    int target_cpu;       /* host CPU from vm_assign_vcpu_target, -1 while unassigned */
    bool vcpu_online;     /* set by vcpu_start (and by vm_run for BOOT_VCPU); cleared when vm_run ends in error */
    _Alignas(16) unsigned char vcpuctx_private[]; /* the library's */
};

/** Called by vm_run for a memory fault no reservation handled (as a reservation's callback, cookie aside). */
typedef memory_fault_result_t (*unhandled_mem_fault_callback_fn)(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t paddr, size_t len,
                                                                 void *cookie);

/**
 * Register the callback vm_run calls for memory faults outside every
 * reservation, or left FAULT_UNHANDLED by theirs. Without one such a fault
 * ends vm_run as unhandled.
 * @param vm            handle to the VM
 * @param fault_handler the callback (NULL removes it)
 * @param cookie        passed to it
 * @return 0 on success, otherwise -1 with errno EINVAL (NULL vm)
 */
int vm_register_unhandled_mem_fault_callback(vm_t *vm, unhandled_mem_fault_callback_fn fault_handler, void *cookie);

/**
 * The VMM loop (upstream's): run the VM's vCPUs, dispatch each exit
 * (to the exit-handler table of vcpuctx.h; without a handler, I/O through
 * the ioport handlers of sel4vm/arch/ioports.h, string I/O included, and
 * MMIO through the memory reservations of sel4vm/guest_memory.h), resume,
 * until an exit is not handled, a handler fails, or a handler asks to stop
 * (vcpuctx_vm_stop, vcpuctx's addition). The boot vCPU is brought online
 * first if vcpu_start was not called for it.
 * vm->vcpus[BOOT_VCPU] runs in the caller's thread. Every other vCPU runs in
 * a thread of its own: with the in-kernel irqchip all of them (KVM holds an
 * application processor until the guest's INIT and SIPI), without it those
 * vcpu_start made online. Threads then handle their exits one at a time,
 * under the VM's lock, so exit handlers, observers, ioport and memory
 * handlers and device models need no locking of their own; the first exit
 * that ends the loop ends it for all (the others are kicked out of the
 * guest with vcpuctx_kick_signal), and vm_run returns when every thread has
 * stopped. Per vCPU, from its handlers: the register and VMCS calls, the
 * fault calls. Any time, any thread: vcpuctx_vm_stop, vcpuctx_vcpu_kick,
 * vm_set_irq_level, vm_inject_irq. Only while no vm_run runs: creating
 * vCPUs, registering RAM, memory, ioports, handlers and IRQs.
 * As upstream: 0 when the loop ends without an error, -1 on an error, with
 * vm->run.exit_reason VM_GUEST_ERROR_EXIT and the vCPU taken offline
 * (vcpuctx_vm_run_vcpu names the vCPU that ended the loop).
 * vcpuctx_vm_run_status tells which ending it was. The exit that ended the
 * loop stays readable through vm_get_vmcs_field.
 * @param vm the VM
 * @return 0 (an unhandled exit, or a stop), or -1 with errno: a handler
 *         returned an error (ECANCELED), no vCPU (EINVAL), KVM_RUN failed
 *         (its errno)
 */
int vm_run(vm_t *vm);

/**
 * Start a vCPU (upstream's): mark it online, so that vm_run runs it in a
 * thread of its own (from the state set for it) even without the in-kernel
 * irqchip's INIT/SIPI.
 * @param vcpu the vCPU
 * @return 0, or -1 with errno EINVAL for NULL
 */
int vcpu_start(vm_vcpu_t *vcpu);

#endif /* SEL4VM_GUEST_VM_H */
