/* field-table.c: prints the VMCS field table of docs/api.md from libvcpuctx's own table (make field-table). */
#include <stdio.h>

#include <vcpuctx.h>

static const char *class_name(enum vcpuctx_field_class c)
{
    static const char *const names[] = {"guest state", "control (wired)", "stored", "exit info"};
    return names[c];
}

int main(void)
{
    puts("| field | encoding | width | class | access | on KVM |");
    puts("|---|---|---|---|---|---|");
    for (size_t i = 0; vcpuctx_field_at(i); i++) {
        const struct vcpuctx_field_info *f = vcpuctx_field_at(i);
        char width[16];
        snprintf(width, sizeof(width), f->natural ? "natural" : "%u", f->width);
        printf("| `%s` | 0x%04X | %s | %s | %s | %s |\n", f->name, (unsigned)f->encoding, width, class_name(f->cls),
               f->writable ? "read/write" : "read-only", f->backing);
    }
    return 0;
}
