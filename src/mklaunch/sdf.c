/* sdf.c: reading a Microkit system description with libexpat, element by element (sdf_elements.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdf_parse.h"

static void XMLCALL on_start(void *data, const char *el, const char **atts)
{
    struct sdf_ctx *c = data;
    c->depth++;
    sdf_element_start(c, el, atts);
}

static void XMLCALL on_end(void *data, const char *el)
{
    struct sdf_ctx *c = data;
    c->depth--;
    sdf_element_end(c, el);
}

int sdf_read(struct sdf *sdf, const char *path, const char *const *search)
{
    memset(sdf, 0, sizeof(*sdf));
    sdf->path = path;
    sdf->search = search;
    sdf->sys = calloc(1, sizeof(*sdf->sys));
    FILE *f = fopen(path, "r");
    XML_Parser p = XML_ParserCreate(NULL);
    if (!sdf->sys || !p || !f) {
        snprintf(sdf->error, sizeof(sdf->error), "%s: %s", path, strerror(f ? ENOMEM : errno));
        if (p)
            XML_ParserFree(p);
        if (f)
            fclose(f);
        return -1;
    }
    struct sdf_ctx c = {.sdf = sdf, .parser = p, .pd = -1, .channel = -1};
    XML_SetUserData(p, &c);
    XML_SetElementHandler(p, on_start, on_end);
    char buf[8192];
    size_t n;
    int done = 0;
    while (!done && !sdf->error[0]) {
        n = fread(buf, 1, sizeof(buf), f);
        done = n < sizeof(buf);
        if (XML_Parse(p, buf, (int)n, done) == XML_STATUS_ERROR && !sdf->error[0])
            sdf_error(sdf, (int)XML_GetCurrentLineNumber(p), (int)XML_GetCurrentColumnNumber(p) + 1, "XML", "%s",
                      XML_ErrorString(XML_GetErrorCode(p)));
    }
    fclose(f);
    XML_ParserFree(p);
    if (!sdf->error[0] && !c.root_seen)
        sdf_error(sdf, 1, 1, "system", "no <system> element");
    return sdf->error[0] ? -1 : 0;
}

void sdf_free(struct sdf *sdf)
{
    free(sdf->sys);
    free(sdf->maps);
    free(sdf->channels);
    free(sdf->paddrs);
    sdf->sys = NULL;
    sdf->maps = NULL;
    sdf->channels = NULL;
    sdf->paddrs = NULL;
}
