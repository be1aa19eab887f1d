/* gdb_monitor.c: gdb's "monitor" commands (qRcmd): the VMCS view of the stopped vCPU, by field name or encoding. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub.h"

/* One line of console output for gdb: an O packet carrying the text in hex. */
__attribute__((format(printf, 2, 3))) static void say(struct gdb *g, const char *fmt, ...)
{
    char text[512], pkt[2 * sizeof(text) + 2];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
    pkt[0] = 'O';
    hex_encode(pkt + 1, (const uint8_t *)text, len);
    rsp_send(&g->rsp, pkt, 1 + 2 * len);
}

/* A field by its upstream name ("VMX_GUEST_RIP", or "GUEST_RIP") or its encoding ("0x681e"). */
static const struct vcpuctx_field_info *find_field(const char *name)
{
    char *end;
    unsigned long enc = strtoul(name, &end, 0);
    if (end != name && *end == '\0')
        return vcpuctx_field_lookup((uint32_t)enc);
    for (size_t i = 0; vcpuctx_field_at(i); i++) {
        const struct vcpuctx_field_info *f = vcpuctx_field_at(i);
        if (strcasecmp(f->name, name) == 0 || strcasecmp(f->name + 4, name) == 0)
            return f;
    }
    return NULL;
}

static void show_field(struct gdb *g, const struct vcpuctx_field_info *f)
{
    seL4_Word v = 0;
    if (vm_get_vmcs_field(g->vcpu, f->encoding, &v) < 0)
        say(g, "%-44s 0x%04x  (%s)\n", f->name, (unsigned)f->encoding, strerror(errno));
    else
        say(g, "%-44s 0x%04x  0x%llx\n", f->name, (unsigned)f->encoding, (unsigned long long)v);
}

/* vmcs [FIELD[=VALUE]]: every field, one field, or a write through vm_set_vmcs_field. */
static void cmd_vmcs(struct gdb *g, char *arg)
{
    if (!*arg) {
        for (size_t i = 0; vcpuctx_field_at(i); i++)
            show_field(g, vcpuctx_field_at(i));
        return;
    }
    char *eq = strchr(arg, '=');
    if (eq)
        *eq = '\0';
    const struct vcpuctx_field_info *f = find_field(arg);
    if (!f) {
        say(g, "no VMCS field '%s' (names as in vmcs_fields.h, or an encoding)\n", arg);
        return;
    }
    if (eq) {
        char *end;
        unsigned long long v = strtoull(eq + 1, &end, 0);
        if (end == eq + 1 || *end) {
            say(g, "not a number: '%s'\n", eq + 1);
            return;
        }
        if (vm_set_vmcs_field(g->vcpu, f->encoding, (seL4_Word)v) < 0) {
            say(g, "vm_set_vmcs_field(%s, 0x%llx): %s\n", f->name, v, strerror(errno));
            return;
        }
    }
    show_field(g, f);
}

/* exit: the exit the vCPU stopped at, as a seL4 VMM reads it. */
static void cmd_exit(struct gdb *g)
{
    static const seL4_Word fields[] = {VMX_DATA_EXIT_REASON, VMX_DATA_EXIT_QUALIFICATION,
                                       VMX_DATA_EXIT_INSTRUCTION_LENGTH, VMX_DATA_EXIT_INTERRUPT_INFO,
                                       VMX_DATA_GUEST_PHYSICAL};
    seL4_Word reason = 0;
    vm_get_vmcs_field(g->vcpu, VMX_DATA_EXIT_REASON, &reason);
    say(g, "exit reason %u (%s)\n", (unsigned)reason & 0xffff, vcpuctx_exit_reason_name((unsigned)reason));
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        show_field(g, vcpuctx_field_lookup((uint32_t)fields[i]));
}

int gdb_monitor(struct gdb *g, const char *hex)
{
    char cmd[256];
    size_t n = strlen(hex) / 2;
    if (strlen(hex) % 2 || n >= sizeof(cmd) || hex_decode((uint8_t *)cmd, hex, n) < 0)
        return rsp_send_str(&g->rsp, "E01");
    cmd[n] = '\0';
    char *arg = cmd + strcspn(cmd, " ");
    if (*arg)
        *arg++ = '\0';
    arg += strspn(arg, " ");
    if (strcmp(cmd, "vmcs") == 0)
        cmd_vmcs(g, arg);
    else if (strcmp(cmd, "exit") == 0)
        cmd_exit(g);
    else
        say(g, "%s%s%s", strcmp(cmd, "help") == 0 ? "" : "unknown monitor command; ",
            "monitor vmcs                  every VMCS field of the stopped vCPU (vm_get_vmcs_field)\n"
            "monitor vmcs FIELD[=VALUE]    one field by name (VMX_GUEST_RIP, GUEST_RIP) or encoding; =VALUE writes "
            "it\n",
            "monitor exit                  the exit the vCPU stopped at: reason, qualification, length\n");
    return rsp_send_str(&g->rsp, "OK");
}
