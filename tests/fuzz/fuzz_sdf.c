/* fuzz_sdf.c: random system descriptions through vcpuctx-microkit's reader and checker (libexpat, then the
   resolution of names, maps, channels and setvar symbols against real PD images). Each must return, never
   crash or leak, and agree with itself: a refusal always says why, and an accepted system has PDs, each with an
   image, and channel ends that point back at each other. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mklaunch/sdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No two regions share a physical address (what a driver PD's DMA finds must be one region). */
static void apart(const struct mk_system *s)
{
    for (uint32_t i = 0; i < s->nmrs; i++)
        for (uint32_t j = 0; j < i; j++) {
            const struct mk_mr *a = &s->mrs[i], *b = &s->mrs[j];
            if (a->phys_addr < b->phys_addr + b->size && b->phys_addr < a->phys_addr + a->size)
                __builtin_trap();
        }
}

static void consistent(const struct mk_system *s)
{
    if (s->npds == 0 || s->magic != MK_MAGIC)
        __builtin_trap();
    apart(s);
    for (uint32_t i = 0; i < s->npds; i++) {
        if (!s->pds[i].image[0])
            __builtin_trap();
        for (unsigned int id = 0; id < MK_MAX_IDS; id++) {
            const struct mk_end *e = &s->pds[i].ends[id];
            if (e->used && (e->peer >= s->npds || !s->pds[e->peer].ends[e->peer_id].used ||
                            s->pds[e->peer].ends[e->peer_id].peer != i))
                __builtin_trap();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const search[] = {FUZZ_PD_DIR, NULL};
    int fd = memfd_create("fuzz.system", 0);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct sdf sdf;
    int r = sdf_read(&sdf, path, search);
    if (r == 0)
        r = sdf_check(&sdf);
    if (r < 0 && !sdf.error[0])
        __builtin_trap();
    if (r == 0)
        consistent(sdf.sys);
    sdf_free(&sdf);
    close(fd);
    return 0;
}
