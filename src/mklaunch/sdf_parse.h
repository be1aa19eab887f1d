/* sdf_parse.h: sdf.c, sdf_elements.c and sdf_attrs.c, the reading of a description: where the parser is, and
   the checks every element's attributes go through (each refusal one line naming the element). */
#ifndef VCPUCTX_MKL_SDF_PARSE_H
#define VCPUCTX_MKL_SDF_PARSE_H

#include <expat.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdf.h"

#define MICROKIT_MAX_ID        61
#define MICROKIT_MAX_IOPORT_ID 62

/* Where the parser is: the PD and VM whose children come next. */
struct sdf_ctx {
    struct sdf *sdf;
    XML_Parser parser;
    int depth;
    int pd;      /* the open protection_domain, -1: none */
    bool in_vm;  /* inside its virtual_machine */
    int channel; /* the open channel, -1: none */
    bool root_seen;
};

/* sdf_attrs.c: refuse (the first refusal stays; the parser stops), and read attributes. */
void sdf_refuse(struct sdf_ctx *c, const char *element, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *sdf_attr(const char **atts, const char *name);
/* Every attribute is one of names (NULL-terminated); false after refusing the first that is not. */
bool sdf_attrs_known(struct sdf_ctx *c, const char *el, const char **atts, const char *const *names);
/* Microkit's numbers: decimal or 0x hex, '_' between digits; required ones refused when missing. */
bool sdf_number(struct sdf_ctx *c, const char *el, const char **atts, const char *name, bool required, uint64_t *out);
bool sdf_boolean(struct sdf_ctx *c, const char *el, const char **atts, const char *name, bool dflt, bool *out);
/* A name attribute (required, 1..MK_NAME_LEN-1 characters) copied into dst. */
bool sdf_name(struct sdf_ctx *c, const char *el, const char **atts, const char *key, char *dst);
/* Room for need elements of size in *p (capacity *cap): the array, or NULL (out of memory). */
void *sdf_grow(void *p, size_t *cap, size_t need, size_t size);

/* sdf_elements.c: an element opens or closes, in its place. */
void sdf_element_start(struct sdf_ctx *c, const char *el, const char **atts);
void sdf_element_end(struct sdf_ctx *c, const char *el);

#endif /* VCPUCTX_MKL_SDF_PARSE_H */
