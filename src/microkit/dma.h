/* dma.h: dma.c, the system's memory regions by physical address, as a device's DMA reaches them: each region
   mapped into the PD on first use and kept. */
#ifndef VCPUCTX_MK_DMA_H
#define VCPUCTX_MK_DMA_H

#include <stdint.h>

#include "system.h"

struct mk_dma {
    void *at[MK_MAX_MRS]; /* region i mapped here, NULL until first used */
};

/* size bytes at physical io_addr within one region of sys: a pointer, or NULL (errno EFAULT: no region holds
   them; or mmap's errno). */
void *mk_dma_find(struct mk_dma *d, const struct mk_system *sys, uint64_t io_addr, uint64_t size);

#endif /* VCPUCTX_MK_DMA_H */
