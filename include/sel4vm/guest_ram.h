/* sel4vm/guest_ram.h: libsel4vm's guest RAM: registering, allocating and touching RAM, on KVM memory slots. */
#ifndef SEL4VM_GUEST_RAM_H
#define SEL4VM_GUEST_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4vm/guest_vm.h>

/*
 * vcpuctx_vm_create's RAM at guest-physical 0 is registered RAM from the start: vm->mem lists it as one free
 * region. More RAM is registered with vm_ram_register(_at), each range a KVM memory slot of anonymous memory (at
 * most 8). Allocation is bookkeeping over vm->mem's regions, as upstream's: it says which RAM the VMM has used.
 */

/**
 * A vm_ram_touch callback: called once per 4 KiB page (or part of one) of
 * the range touched.
 * @param vm         the VM
 * @param guest_addr guest-physical address of this piece
 * @param vmm_vaddr  the VMM's pointer to it
 * @param size       its size in bytes (at most to the page's end)
 * @param offset     its offset from the address given to vm_ram_touch
 * @param cookie     the cookie given to vm_ram_touch
 * @return 0 to go on, anything else to stop (vm_ram_touch returns it)
 */
typedef int (*ram_touch_callback_fn)(vm_t *vm, uintptr_t guest_addr, void *vmm_vaddr, size_t size, size_t offset,
                                     void *cookie);

/**
 * vm_ram_touch callback: copy guest RAM into buf + offset. Upstream's copies
 * every page's piece to buf itself, ignoring offset, so its multi-page reads
 * overwrite the buffer's start; this one fills the buffer in order.
 * @param vm         the VM (unused)
 * @param guest_addr the piece's guest-physical address (unused)
 * @param vaddr      the VMM's pointer to the piece
 * @param size       the piece's size
 * @param offset     where in buf it goes
 * @param buf        the buffer, as vm_ram_touch's cookie
 * @return 0
 */
int vm_guest_ram_read_callback(vm_t *vm, uintptr_t guest_addr, void *vaddr, size_t size, size_t offset, void *buf);

/**
 * vm_ram_touch callback: copy buf + offset into guest RAM (upstream ignores
 * offset, as for reads).
 * @param vm         the VM (unused)
 * @param guest_addr the piece's guest-physical address (unused)
 * @param vaddr      the VMM's pointer to the piece
 * @param size       the piece's size
 * @param offset     where in buf it comes from
 * @param buf        the buffer, as vm_ram_touch's cookie
 * @return 0
 */
int vm_guest_ram_write_callback(vm_t *vm, uintptr_t guest_addr, void *vaddr, size_t size, size_t offset, void *buf);

/**
 * Call touch_callback for each page of [addr, addr + size) in turn, with the
 * VMM's pointer to it.
 * @param vm             the VM
 * @param addr           guest-physical address
 * @param size           bytes
 * @param touch_callback the callback
 * @param cookie         passed to it
 * @return 0, the callback's first non-zero result, or -1 with errno: EINVAL
 *         (NULL vm or callback, a range that wraps), EFAULT (the range is not
 *         inside one RAM region of vm->mem; nothing is called)
 */
int vm_ram_touch(vm_t *vm, uintptr_t addr, size_t size, ram_touch_callback_fn touch_callback, void *cookie);

/**
 * Find the largest free RAM region that ends below 4 GiB (as upstream does
 * for 64-bit guests).
 * @param vm   the VM
 * @param addr set to its start
 * @param size set to its size
 * @return 0, or -1 with errno (EINVAL for NULL arguments, ENOMEM for none)
 */
int vm_ram_find_largest_free_region(vm_t *vm, uintptr_t *addr, size_t *size);

/**
 * Register bytes of new RAM where nothing is: above all RAM so far, past any
 * ROM or reservation, below VCPUCTX_RAM_MAX (3 GiB).
 * @param vm    the VM
 * @param bytes a multiple of 4 KiB
 * @return its guest-physical address, or 0 with errno (EINVAL, ENOMEM for
 *         no room, ENOSPC for all 8 slots used, or KVM's)
 */
uintptr_t vm_ram_register(vm_t *vm, size_t bytes);

/**
 * Register RAM at a guest-physical address: a new memory slot of zeroed
 * anonymous memory, listed in vm->mem as free. A range inside
 * vcpuctx_vm_create's RAM is registered already: 0, nothing changes.
 * @param vm      the VM
 * @param start   guest-physical address, 4 KiB aligned
 * @param bytes   a multiple of 4 KiB
 * @param untyped seL4's choice of untyped memory: ignored
 * @return 0, or -1 with errno, nothing changed: EINVAL (alignment, NULL,
 *         wrap), EBUSY (it overlaps RAM, a ROM or a reservation), ENOSPC (8
 *         slots used), ENOMEM, or KVM's
 */
int vm_ram_register_at(vm_t *vm, uintptr_t start, size_t bytes, bool untyped);

/**
 * Mark RAM allocated. The range must lie inside one free region; otherwise
 * (or for a NULL vm) nothing happens, as upstream.
 * @param vm    the VM
 * @param start guest-physical address
 * @param bytes size
 */
void vm_ram_mark_allocated(vm_t *vm, uintptr_t start, size_t bytes);

/**
 * Allocate RAM: the start of the first free region large enough, marked
 * allocated.
 * @param vm    the VM
 * @param bytes size
 * @return its guest-physical address, or 0 with errno (EINVAL, ENOMEM)
 */
uintptr_t vm_ram_allocate(vm_t *vm, size_t bytes);

/**
 * Free allocated RAM: the range, inside one allocated region, becomes free
 * again (upstream's does nothing). Anything else is ignored.
 * @param vm    the VM
 * @param start guest-physical address
 * @param bytes size
 */
void vm_ram_free(vm_t *vm, uintptr_t start, size_t bytes);

#endif /* SEL4VM_GUEST_RAM_H */
