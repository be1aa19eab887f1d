/* fuzz_options.c: random command lines through vcpuctx-run's option parser, then the image-format detection and
   the check of options against the format, on random image bytes. Each must return, never crash, and agree with
   itself: a parse that succeeds names exactly one image, and a detected format is one of the four. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

#define MAX_ARGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input: NUL-separated arguments, then (after a 0xFF byte, if any) the image's bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0xff, size);
    size_t args_len = sep ? (size_t)(sep - data) : size;
    char *text = malloc(args_len + 1);
    if (!text)
        return 0;
    memcpy(text, data, args_len);
    text[args_len] = '\0';
    char *argv[MAX_ARGS + 2] = {"vcpuctx-run"};
    int argc = 1;
    for (char *p = text; argc <= MAX_ARGS && p < text + args_len; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    struct options o;
    optind = 0; /* glibc: a full re-initialisation of getopt for each input */
    int r = options_parse(argc, argv, &o);
    if (r == 0) {
        if (!o.image || o.smp < 1 || o.smp > VCPUCTX_MAX_VCPUS)
            abort();
        const uint8_t *img = sep ? sep + 1 : data;
        size_t n = sep ? size - args_len - 1 : 0;
        enum image_format f = o.format == FMT_AUTO ? image_detect(img, n) : o.format;
        if (f < FMT_BIOS || f > FMT_LINUX)
            abort();
        options_fit_format(&o, f);
        options_free(&o);
    }
    free(text);
    return 0;
}
