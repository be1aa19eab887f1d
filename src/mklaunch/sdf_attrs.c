/* sdf_attrs.c: the checks a description's attributes go through, and its refusals: each one line naming the
   file, line, column and element, the first of them kept. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdf_parse.h"

void sdf_error(struct sdf *sdf, int line, int col, const char *element, const char *fmt, ...)
{
    if (sdf->error[0])
        return;
    int n = snprintf(sdf->error, sizeof(sdf->error), "%s:%d:%d: %s: ", sdf->path, line, col, element);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(sdf->error))
        vsnprintf(sdf->error + n, sizeof(sdf->error) - (size_t)n, fmt, ap);
    va_end(ap);
}

void sdf_refuse(struct sdf_ctx *c, const char *element, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    sdf_error(c->sdf, (int)XML_GetCurrentLineNumber(c->parser), (int)XML_GetCurrentColumnNumber(c->parser) + 1, element,
              "%s", why);
    XML_StopParser(c->parser, XML_FALSE);
}

const char *sdf_attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (!strcmp(atts[i], name))
            return atts[i + 1];
    return NULL;
}

/* Every attribute is one of names (a NULL-terminated list); false after refusing the first that is not. */
bool sdf_attrs_known(struct sdf_ctx *c, const char *el, const char **atts, const char *const *names)
{
    for (int i = 0; atts[i]; i += 2) {
        size_t k = 0;
        while (names[k] && strcmp(names[k], atts[i]))
            k++;
        if (!names[k]) {
            sdf_refuse(c, el, "unknown attribute '%s'", atts[i]);
            return false;
        }
    }
    return true;
}

/* Microkit's numbers: decimal or 0x hex, '_' allowed between digits. */
bool sdf_number(struct sdf_ctx *c, const char *el, const char **atts, const char *name, bool required, uint64_t *out)
{
    const char *s = sdf_attr(atts, name);
    if (!s) {
        if (required)
            sdf_refuse(c, el, "missing attribute '%s'", name);
        return !required;
    }
    char digits[80];
    size_t n = 0;
    for (const char *p = s; *p && n < sizeof(digits) - 1; p++)
        if (*p != '_')
            digits[n++] = *p;
    digits[n] = '\0';
    bool hex = !strncmp(digits, "0x", 2);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(hex ? digits + 2 : digits, &end, hex ? 16 : 10);
    if (!digits[hex ? 2 : 0] || *end || errno || digits[0] == '-' || digits[0] == '+') {
        sdf_refuse(c, el, "'%s' is not a number: '%s'", name, s);
        return false;
    }
    *out = v;
    return true;
}

bool sdf_boolean(struct sdf_ctx *c, const char *el, const char **atts, const char *name, bool dflt, bool *out)
{
    const char *s = sdf_attr(atts, name);
    *out = dflt;
    if (!s)
        return true;
    if (strcmp(s, "true") && strcmp(s, "false")) {
        sdf_refuse(c, el, "%s must be 'true' or 'false', not '%s'", name, s);
        return false;
    }
    *out = !strcmp(s, "true");
    return true;
}

bool sdf_name(struct sdf_ctx *c, const char *el, const char **atts, const char *key, char *dst)
{
    const char *s = sdf_attr(atts, key);
    if (!s) {
        sdf_refuse(c, el, "missing attribute '%s'", key);
        return false;
    }
    if (!*s || strlen(s) >= MK_NAME_LEN) {
        sdf_refuse(c, el, "%s must be 1 to %d characters", key, MK_NAME_LEN - 1);
        return false;
    }
    strcpy(dst, s);
    return true;
}

void *sdf_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t cap2 = *cap ? *cap * 2 : 16;
    void *q = realloc(p, cap2 * size);
    if (q)
        *cap = cap2;
    return q;
}
