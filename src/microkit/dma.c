/* dma.c: physical addresses to the PD's pointers, through the regions' memory files every PD inherits. */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

#include "dma.h"

static int region_of(const struct mk_system *sys, uint64_t io_addr, uint64_t size)
{
    for (uint32_t i = 0; i < sys->nmrs; i++) {
        const struct mk_mr *mr = &sys->mrs[i];
        if (io_addr >= mr->phys_addr && size <= mr->size && io_addr - mr->phys_addr <= mr->size - size)
            return (int)i;
    }
    return -1;
}

void *mk_dma_find(struct mk_dma *d, const struct mk_system *sys, uint64_t io_addr, uint64_t size)
{
    int i = region_of(sys, io_addr, size);
    if (i < 0) {
        errno = EFAULT;
        return NULL;
    }
    const struct mk_mr *mr = &sys->mrs[i];
    if (!d->at[i]) {
        void *at = mmap(NULL, mr->size, PROT_READ | PROT_WRITE, MAP_SHARED, mr->fd, 0);
        if (at == MAP_FAILED)
            return NULL;
        d->at[i] = at;
    }
    return (char *)d->at[i] + (io_addr - mr->phys_addr);
}
