/* sdf.h: sdf.c (with sdf_elements.c and sdf_attrs.c) and sdf_check.c, a Microkit system description (.system XML,
   read with libexpat) turned into the system file's layout (src/microkit/system.h), with every refusal one line
   naming the element. */
#ifndef VCPUCTX_MKL_SDF_H
#define VCPUCTX_MKL_SDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "microkit/system.h"

/* A map or channel end as written, resolved once the whole description is read (names may come later). */
struct sdf_map {
    char mr[MK_NAME_LEN];
    uint64_t vaddr;
    uint32_t perms;
    bool cached;
    char setvar_vaddr[MK_NAME_LEN], setvar_size[MK_NAME_LEN];
    int pd;  /* owner */
    bool vm; /* in the PD's virtual machine */
    int line, col;
};

struct sdf_end {
    char pd[MK_NAME_LEN];
    uint32_t id;
    bool notify, pp;
    int line, col;
};

/* A <setvar symbol= region_paddr=>: the symbol gets the region's physical address. */
struct sdf_paddr {
    char symbol[MK_NAME_LEN], mr[MK_NAME_LEN];
    int pd;
    int line, col;
};

struct sdf_channel {
    struct sdf_end end[2];
    int nends;
    int line, col;
};

struct sdf {
    const char *path;          /* the description, for messages */
    const char *const *search; /* where program images are looked for, in order (NULL-terminated), or NULL */
    struct mk_system *sys;
    struct sdf_map *maps;
    size_t nmaps, maps_cap;
    struct sdf_channel *channels;
    size_t nchannels, channels_cap;
    struct sdf_paddr *paddrs;
    size_t npaddrs, paddrs_cap;
    int pd_line[MK_MAX_PDS], pd_col[MK_MAX_PDS];
    int mr_line[MK_MAX_MRS], mr_col[MK_MAX_MRS];
    uint64_t ram_limit; /* regions may take this much in all (0: the machine's RAM) */
    char error[512];    /* the first refusal, "FILE:LINE:COL: element: why" */
};

/* Read the description at path into a new system (sdf_check then resolves it): 0, or -1 with sdf->error set.
   search: the directories of program images, in order, NULL-terminated (NULL: the description's own). Free
   with sdf_free in any case. */
int sdf_read(struct sdf *sdf, const char *path, const char *const *search);
void sdf_free(struct sdf *sdf);

/* sdf_check.c: resolve names and check what XML alone cannot say; 0, or -1 with sdf->error set. */
int sdf_check(struct sdf *sdf);
/* Set the refusal (the first one stays). */
void sdf_error(struct sdf *sdf, int line, int col, const char *element, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* elfsym.c: a symbol of an ELF64 image: its value and size; 0, or -1 (no such symbol, not ELF64). */
int elf_symbol(const char *path, const char *name, uint64_t *value, uint64_t *size);
/* Whether path is an ELF64 x86-64 executable; NULL, or why not. */
const char *elf_check(const char *path);

#endif /* VCPUCTX_MKL_SDF_H */
