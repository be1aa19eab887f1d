/* vcpuctx_microkit.h: what a protection domain run by vcpuctx-microkit may use beyond libmicrokit: the board's
   host-backed devices and the physical (I/O) addresses of memory regions. It is for driver PDs that stand, on
   Linux, where a device and its sDDF driver stand on seL4 (the board's blk.elf and net.elf); a PD that uses it
   does not build for seL4. */
#ifndef VCPUCTX_MICROKIT_H
#define VCPUCTX_MICROKIT_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a device's DMA reaches at physical address io_addr: a pointer to size bytes within one memory region of
   the system (every region has a physical address: its phys_addr, or one the launcher gave it, which
   setvar region_paddr hands a PD). NULL (errno EFAULT) when no region holds all of [io_addr, io_addr + size).
   The PD need not map the region. From the PD's thread. */
void *vcpuctx_mk_dma(uint64_t io_addr, uint64_t size);

/* The board's disk (the launcher's --disk): a file descriptor open on the raw image (locked for the run), its
   size in bytes and whether it is read-only. -1 (errno ENODEV) when the system was started without one. */
int vcpuctx_mk_board_disk(uint64_t *bytes, bool *read_only);

/* The board's network device (the launcher's --net): a non-blocking file descriptor on the tap, each frame read
   or written behind a 12-byte virtio-net header (struct virtio_net_hdr_mrg_rxbuf). Its interrupt is I/O APIC
   pin VCPUCTX_MK_NET_PIN: raised while a frame waits, to the PD whose description has an irq on that pin.
   -1 (errno ENODEV) when the system was started without one. */
#define VCPUCTX_MK_NET_PIN 11
int vcpuctx_mk_board_tap(void);

#ifdef __cplusplus
}
#endif

#endif /* VCPUCTX_MICROKIT_H */
