/* gdb_exits.c: the guest's debug exits as the debugger sees them: which breakpoint, watchpoint or step stopped it,
   told in the stop reply; the exit handlers a new boot registers. */
#include <stdio.h>
#include <string.h>

#include "stub.h"

/* A software-emulated write watchpoint whose value changed: its index, or -1. */
static int changed_watch(struct gdb *g)
{
    for (size_t i = 0; i < g->nbps; i++) {
        struct gdb_bp *b = &g->bps[i];
        uint8_t now[8];
        if (b->type != Z_WRITE || g->data_bps || vcpuctx_vcpu_read_linear(g->vcpu, b->addr, now, b->len) != b->len)
            continue;
        if (memcmp(now, b->old, b->len) != 0) {
            memcpy(b->old, now, b->len);
            return (int)i;
        }
    }
    return -1;
}

static int exec_bp_at(const struct gdb *g, uint64_t pc)
{
    for (size_t i = 0; i < g->nbps; i++)
        if (gdb_bp_is_exec(&g->bps[i]) && g->bps[i].addr == pc)
            return (int)i;
    return -1;
}

/* Stop for breakpoint i: the stop reply names what was hit, in the forms the debugger asked for. */
static int stop_at(struct gdb *g, int i)
{
    const struct gdb_bp *b = &g->bps[i];
    static const char *const watch[] = {"watch", "rwatch", "awatch"};
    char why[48] = "";
    if (!gdb_bp_is_exec(b))
        snprintf(why, sizeof(why), "%s:%llx;", watch[b->type - Z_WRITE], (unsigned long long)b->addr);
    else if (b->type == Z_SW ? g->swbreak : g->hwbreak)
        snprintf(why, sizeof(why), "%s:;", b->type == Z_SW ? "swbreak" : "hwbreak");
    return gdb_stop(g, GDB_SIGTRAP, why, true);
}

/* A #DB or monitor-trap exit: a breakpoint, the end of a step, or a step of our own. */
static int on_debug_exit(vm_vcpu_t *vcpu, void *cookie)
{
    struct gdb *g = cookie;
    seL4_Word reason = gdb_field(vcpu, VMX_DATA_EXIT_REASON) & 0xffff, qual = 0;
    if (reason == EXIT_REASON_EXCEPTION_NMI) {
        if ((gdb_field(vcpu, VMX_DATA_EXIT_INTERRUPT_INFO) & 0xff) != VEC_DB)
            return VM_EXIT_UNHANDLED; /* not a debug exception: not ours */
        qual = gdb_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    }
    if (!gdb_connected(g)) {
        gdb_disarm(g);
        return VM_EXIT_HANDLED;
    }
    for (int s = 0; s < VCPUCTX_MAX_BREAKPOINTS; s++)
        if (qual & (1u << s))
            return stop_at(g, g->slot[s]);
    int w = changed_watch(g);
    if (w >= 0)
        return stop_at(g, w);
    if (g->step)
        return gdb_stop(g, GDB_SIGTRAP, "", true);
    int b = g->soft || g->stepping_over ? exec_bp_at(g, gdb_pc_linear(vcpu)) : -1;
    if (b >= 0)
        return stop_at(g, b);
    if (g->stepping_over && gdb_arm(g) < 0)
        return VM_EXIT_HANDLE_ERROR;
    return VM_EXIT_HANDLED;
}

int gdb_attach(struct gdb *g, vm_t *vm, vm_vcpu_t *vcpu)
{
    g->vcpu = vcpu;
    if (vcpuctx_register_exit_handler(vm, EXIT_REASON_EXCEPTION_NMI, on_debug_exit, g) < 0 ||
        vcpuctx_register_exit_handler(vm, EXIT_REASON_MONITOR_TRAP_FLAG, on_debug_exit, g) < 0)
        return -1;
    return gdb_arm(g);
}
