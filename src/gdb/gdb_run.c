/* gdb_run.c: the stub's run control: breakpoints in debug registers or by stepping, single-step, and the probe of
   what this host delivers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stub.h"

int gdb_bp_insert(struct gdb *g, unsigned type, uint64_t addr, uint64_t kind)
{
    bool data = type >= Z_WRITE;
    if (type > Z_ACCESS || (data && !g->data_bps && type != Z_WRITE)) {
        errno = ENOTSUP; /* read/access watchpoints need data breakpoints, which this host does not deliver */
        return -1;
    }
    if (data && kind != 1 && kind != 2 && kind != 4 && kind != 8) {
        errno = EINVAL;
        return -1;
    }
    if (g->nbps == GDB_MAX_BPS) {
        errno = ENOSPC;
        return -1;
    }
    struct gdb_bp b = {addr, (uint8_t)type, (uint8_t)(data ? kind : 1), {0}};
    if (data && vcpuctx_vcpu_read_linear(g->vcpu, addr, b.old, b.len) != b.len) {
        errno = EFAULT;
        return -1;
    }
    for (size_t i = 0; i < g->nbps; i++)
        if (g->bps[i].type == b.type && g->bps[i].addr == addr && g->bps[i].len == b.len)
            return 0; /* inserting twice is one breakpoint, as the protocol asks */
    g->bps[g->nbps++] = b;
    return 0;
}

int gdb_bp_remove(struct gdb *g, unsigned type, uint64_t addr, uint64_t kind)
{
    for (size_t i = 0; i < g->nbps; i++) {
        const struct gdb_bp *b = &g->bps[i];
        if (b->type == type && b->addr == addr && (type < Z_WRITE || b->len == kind)) {
            g->bps[i] = g->bps[--g->nbps];
            return 0;
        }
    }
    return 0; /* removing one that is not there succeeds (gdb may remove after a reboot) */
}

/* Does breakpoint b go into a debug register for this resume? Each kind only where the host delivers it. */
static bool wants_register(const struct gdb *g, const struct gdb_bp *b, int pass)
{
    if (pass == 0)
        return !gdb_bp_is_exec(b) && g->data_bps;
    return g->exec_bps && (pass == 1 ? b->type == Z_HW : b->type == Z_SW);
}

int gdb_arm(struct gdb *g)
{
    struct vcpuctx_breakpoint hw[VCPUCTX_MAX_BREAKPOINTS];
    size_t n = 0;
    uint64_t pc = gdb_pc_linear(g->vcpu);
    g->soft = g->stepping_over = false;
    for (size_t i = 0; i < g->nbps; i++) { /* a breakpoint at RIP would hit at once: step past it first */
        g->stepping_over |= gdb_bp_is_exec(&g->bps[i]) && g->bps[i].addr == pc && !g->step;
        g->soft |= (g->bps[i].type == Z_WRITE && !g->data_bps) || (gdb_bp_is_exec(&g->bps[i]) && !g->exec_bps);
    }
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < g->nbps; i++) {
            const struct gdb_bp *b = &g->bps[i];
            if (!wants_register(g, b, pass) || (gdb_bp_is_exec(b) && (g->stepping_over || g->step)))
                continue;
            if (n == VCPUCTX_MAX_BREAKPOINTS) {
                g->soft = true; /* more than the hardware has: the rest are checked at every step */
                continue;
            }
            g->slot[n] = (int)i;
            hw[n++] = (struct vcpuctx_breakpoint){b->addr,
                                                  gdb_bp_is_exec(b)    ? VCPUCTX_BP_EXEC
                                                  : b->type == Z_WRITE ? VCPUCTX_BP_WRITE
                                                                       : VCPUCTX_BP_ACCESS,
                                                  b->len};
        }
    seL4_Word ctl =
        gdb_field(g->vcpu, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS) & ~(seL4_Word)VMX_PRIMARY_MONITOR_TRAP_FLAG;
    if (g->step || g->stepping_over || g->soft)
        ctl |= VMX_PRIMARY_MONITOR_TRAP_FLAG;
    if (vm_set_vmcs_field(g->vcpu, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, ctl) < 0)
        return -1;
    return vcpuctx_vcpu_set_breakpoints(g->vcpu, hw, n);
}

void gdb_disarm(struct gdb *g)
{
    g->nbps = 0;
    g->step = false;
    if (g->vcpu)
        gdb_arm(g);
}

/* A new vCPU (real mode, at the reset vector) moved to 0000:ip. */
static int at_real_mode_address(vm_vcpu_t *vcpu, seL4_Word ip)
{
    return vm_set_vmcs_field(vcpu, VMX_GUEST_CS_SELECTOR, 0) || vm_set_vmcs_field(vcpu, VMX_GUEST_CS_BASE, 0) ||
                   vm_set_vmcs_field(vcpu, VMX_GUEST_RIP, ip)
               ? -1
               : 0;
}

/* Does the host deliver a debug-register breakpoint of this type? A real-mode store of AL to 0x2000 at 0x1000
   under it: an execute breakpoint at 0x1000, or a write breakpoint on 0x2000; it must exit as #DB in slot 0. */
bool gdb_probe_breakpoints(enum vcpuctx_bp_type type)
{
    static const uint8_t code[] = {0xa2, 0x00, 0x20, 0xf4}; /* mov %al, 0x2000; hlt */
    vm_t *vm = vcpuctx_vm_create(0x4000);
    vm_vcpu_t *vcpu = vm ? vm_create_vcpu(vm, 0) : NULL;
    uint8_t *ram = vm ? vcpuctx_guest_ram(vm, 0x1000, sizeof(code)) : NULL;
    struct vcpuctx_breakpoint bp = {type == VCPUCTX_BP_EXEC ? 0x1000 : 0x2000, type, 1};
    bool ok = false;
    if (vcpu && ram && at_real_mode_address(vcpu, 0x1000) == 0 && vcpuctx_vcpu_set_breakpoints(vcpu, &bp, 1) == 0) {
        memcpy(ram, code, sizeof(code));
        int r = vcpuctx_vcpu_run(vcpu);
        ok = r == EXIT_REASON_EXCEPTION_NMI && (gdb_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) & 1);
    }
    vcpuctx_vm_destroy(vm);
    return ok;
}
