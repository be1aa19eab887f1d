/* platsupport/io.h: the part of util_libs' libplatsupport I/O interface that libsel4vmmplatsupport's virtio
   headers name. Upstream's ps_io_ops_t bundles a VMM's mappers, DMA and allocators; vcpuctx's devices take
   guest buffers straight from guest RAM and use none of them, so here it is a struct a VMM may fill or leave
   zeroed, and is passed along untouched. */
#ifndef PLATSUPPORT_IO_H
#define PLATSUPPORT_IO_H

typedef struct ps_io_ops {
    void *cookie; /* not read by vcpuctx */
} ps_io_ops_t;

#endif /* PLATSUPPORT_IO_H */
