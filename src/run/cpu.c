/* cpu.c: --cpu as vcpuctx-run gives it to the library: a feature KVM cannot give is left out with a warning, as
   QEMU's -cpu does, unless the list says "enforce"; --cpu=help; one-line refusals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

/* --cpu=help: the models and the feature names, as QEMU's -cpu help lists its own. */
void cpu_help(void)
{
    const char *name;
    printf("CPU models (--cpu=MODEL): ");
    for (size_t i = 0; (name = vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, i)); i++)
        printf("%s%s", i ? ", " : "", name);
    printf("\nFeatures (+FEAT, -FEAT, FEAT=on|off; '_' reads as '-'):");
    size_t col = 80;
    for (size_t i = 0; (name = vcpuctx_cpu_name(VCPUCTX_CPU_FEATURES, i)); i++) {
        if (col + strlen(name) + 1 > 78) {
            printf("\n ");
            col = 1;
        }
        col += (size_t)printf(" %s", name);
    }
    printf("\n");
}

/* Why a feature KVM cannot give is missing, when the cause is the missing irqchip (x2apic, tsc-deadline). */
static const char *cpu_irqchip_hint(const char *name, bool irqchip)
{
    return !irqchip && (strstr(name, "x2apic") || strstr(name, "deadline")) ? " without the in-kernel irqchip" : "";
}

void cpu_error(const char *spec, size_t at, int err, bool irqchip)
{
    const char *item = spec + at;
    int len = (int)strcspn(item, ",");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", len, item);
    if (err == EINVAL && at == 0)
        fprintf(stderr, "vcpuctx-run: --cpu: unknown CPU model '%s' (see --cpu=help)\n", name);
    else if (err == EINVAL)
        fprintf(stderr, "vcpuctx-run: --cpu: unknown feature or bad item '%s' (see --cpu=help)\n", name);
    else if (err == ENOTSUP)
        fprintf(stderr, "vcpuctx-run: --cpu: this KVM cannot give '%s'%s\n", name, cpu_irqchip_hint(name, irqchip));
    else
        fprintf(stderr, "vcpuctx-run: --cpu: %s\n", strerror(err));
}

/* Whether spec's feature list has the item "enforce". */
static bool cpu_enforced(const char *spec)
{
    for (const char *p = strchr(spec, ','); p; p = strchr(p + 1, ','))
        if (strncmp(p + 1, "enforce", 7) == 0 && (p[8] == ',' || p[8] == '\0'))
            return true;
    return false;
}

int cpu_choose(vm_t *vm, const char *spec, bool irqchip, bool warn)
{
    char *s = strdup(spec);
    size_t at = 0;
    if (!s) {
        fprintf(stderr, "vcpuctx-run: --cpu: %s\n", strerror(errno));
        return -1;
    }
    int r;
    while ((r = vcpuctx_vm_set_cpu(vm, s, &at)) < 0 && errno == ENOTSUP && at > 0 && !cpu_enforced(s)) {
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(s + at, ","), s + at);
        if (warn)
            fprintf(stderr,
                    "vcpuctx-run: warning: --cpu: this KVM cannot give '%s'%s: left out, as QEMU does "
                    "(',enforce' refuses)\n",
                    name, cpu_irqchip_hint(name, irqchip));
        size_t len = strcspn(s + at, ",");
        memmove(s + at - 1, s + at + len, strlen(s + at + len) + 1); /* the item and the comma before it */
    }
    if (r < 0)
        cpu_error(s, at, errno, irqchip);
    free(s);
    return r;
}
