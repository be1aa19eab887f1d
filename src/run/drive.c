/* drive.c: --drive as QEMU's -drive: FILE alone (the ATA disk, as before), or key=value pairs: file=IMG,
   if=virtio|ide, format=raw, readonly=on|off. */
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* The value of key in the item [s, end) "key=value", or NULL when the item is another key's. */
static const char *value_of(const char *s, const char *end, const char *key)
{
    size_t k = strlen(key);
    return (size_t)(end - s) > k && strncmp(s, key, k) == 0 && s[k] == '=' ? s + k + 1 : NULL;
}

static bool is(const char *v, const char *end, const char *word)
{
    return (size_t)(end - v) == strlen(word) && strncmp(v, word, (size_t)(end - v)) == 0;
}

/* One item of the list into d; -1 for an unknown key or value. */
static int drive_item(const char *s, const char *end, struct drive_spec *d)
{
    const char *v;
    if ((v = value_of(s, end, "file"))) {
        free(d->file); /* a repeated file= keeps the last, as QEMU does */
        d->file = NULL;
        return v < end && (d->file = strndup(v, (size_t)(end - v))) ? 0 : -1;
    }
    if ((v = value_of(s, end, "if")))
        return is(v, end, "virtio") ? (d->virtio = true, 0) : is(v, end, "ide") ? (d->virtio = false, 0) : -1;
    if ((v = value_of(s, end, "format")))
        return is(v, end, "raw") ? 0 : -1;
    if ((v = value_of(s, end, "readonly")))
        return is(v, end, "on") ? (d->readonly = true, 0) : is(v, end, "off") ? (d->readonly = false, 0) : -1;
    return -1;
}

/* The key=value list into d; -1 (d->file, if read, still set) for a bad item or no file. */
static int drive_items(const char *arg, struct drive_spec *d)
{
    for (const char *s = arg; *s;) {
        const char *end = strchr(s, ',');
        if (!end)
            end = s + strlen(s);
        if (drive_item(s, end, d) < 0)
            return -1;
        s = *end ? end + 1 : end;
    }
    return d->file ? 0 : -1;
}

int drive_parse(const char *arg, struct drive_spec *d)
{
    *d = (struct drive_spec){0};
    int r;
    if (!strchr(arg, '=')) /* --drive=FILE */
        r = *arg && (d->file = strdup(arg)) ? 0 : -1;
    else
        r = drive_items(arg, d);
    if (r < 0)
        drive_free(d);
    return r;
}

void drive_free(struct drive_spec *d)
{
    free(d->file);
    d->file = NULL;
}
