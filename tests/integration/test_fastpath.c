/* test_fastpath.c: the per-exit shortcuts keep the semantics: a remembered exit site, the registry's fast path. */
#include "vmtest.h"

TestSuite(fastpath, .fini = teardown);

/*
 * A real-mode loop whose OUT site X the test rewrites between exits: "out %al, $0x80" (e6 80: an immediate port,
 * 2 bytes) or "nop; out %al, %dx" (90 ee: the port in DX, 1 byte). Both end at X + 2, so on a host that leaves RIP
 * past the OUT each exit at X has the same RIP, and only the bytes tell them apart. The rewrite is made at the next
 * OUT (port 0x81), when no exit at X is pending.
 */
static const uint8_t site_guest[] = {
    0xb9, 0x64, 0x00, /* mov $100, %cx */
    0xba, 0x80, 0x00, /* mov $0x80, %dx */
    0xe6, 0x80,       /* X: out %al, $0x80 (or 90 ee) */
    0xe6, 0x81,       /* out %al, $0x81: rewrite X */
    0x49,             /* dec %cx */
    0x75, 0xf9,       /* jnz X */
    0xf4,             /* hlt */
};
#define SITE_X (LOAD_ADDR + 6)

struct site_check {
    unsigned outs;
    bool imm; /* the variant at X now */
};

static ioport_fault_result_t site_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)size, (void)value;
    struct site_check *c = cookie;
    if (port == 0x81) {
        c->imm = c->outs % 3 != 0; /* two of one, one of the other, so that each follows each */
        memcpy(vcpuctx_guest_ram(v->vm, SITE_X, 2), c->imm ? "\xe6\x80" : "\x90\xee", 2);
        return IO_FAULT_HANDLED;
    }
    seL4_Word qual = get_field(v, VMX_DATA_EXIT_QUALIFICATION), len = get_field(v, VMX_DATA_EXIT_INSTRUCTION_LENGTH);
    seL4_Word rip = get_field(v, VMX_GUEST_RIP);
    cr_assert_eq(port, 0x80);
    cr_assert_eq((qual >> 6) & 1, c->imm ? 1 : 0, "OUT %u: operand encoding bit", c->outs);
    cr_assert_eq(len, c->imm ? 2 : 1, "OUT %u: length", c->outs);
    cr_assert_eq(rip, c->imm ? SITE_X : SITE_X + 1, "OUT %u: RIP at the OUT", c->outs);
    c->outs++;
    return IO_FAULT_HANDLED;
}

/* The exit view of a rewritten site is found again: the memo of the last site is checked against the code. */
Test(fastpath, rewritten_code_at_an_exit_site_is_found_again)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    memcpy(vcpuctx_guest_ram(vm, LOAD_ADDR, sizeof(site_guest)), site_guest, sizeof(site_guest));
    setup_real_mode(vcpu);
    struct site_check c = {.imm = true};
    vm_ioport_interface_t io = {.port_out = site_out, .cookie = &c};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x81}, io), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(c.outs, 100);
}

/* What a port handler does at the Nth OUT of tests/guests/loop.S (200 OUTs, then HLT), the others doing nothing. */
enum midway { STOP, STEP, TAKE_OVER };

struct midway_check {
    enum midway what;
    unsigned outs, at, after; /* OUTs through the registry; the one that acts; exits after it */
};

static int count_after(vm_vcpu_t *v, void *cookie)
{
    (void)v;
    ((struct midway_check *)cookie)->after++;
    return VCPUCTX_EXIT_STOP;
}

static ioport_fault_result_t midway_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)port, (void)size, (void)value;
    struct midway_check *c = cookie;
    if (++c->outs != c->at)
        return IO_FAULT_HANDLED;
    if (c->what == STOP) {
        vcpuctx_vm_stop(v->vm, 7);
    } else if (c->what == STEP) {
        seL4_Word primary = get_field(v, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS);
        set_field(v, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, primary | VMX_PRIMARY_MONITOR_TRAP_FLAG);
        cr_assert_eq(vcpuctx_register_exit_handler(v->vm, EXIT_REASON_MONITOR_TRAP_FLAG, count_after, c), 0);
    } else {
        cr_assert_eq(vcpuctx_register_exit_handler(v->vm, EXIT_REASON_IO_INSTRUCTION, count_after, c), 0);
    }
    return IO_FAULT_HANDLED;
}

static struct midway_check run_midway(enum midway what, unsigned at)
{
    boot("loop");
    struct midway_check c = {.what = what, .at = at};
    vm_ioport_interface_t io = {.port_out = midway_out, .cookie = &c};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x80}, io), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    return c;
}

Test(fastpath, a_stop_from_a_port_handler_ends_the_run_at_that_exit)
{
    struct midway_check c = run_midway(STOP, 120);
    cr_assert_eq(c.outs, 120, "no OUT after the stop");
    cr_assert_eq(vcpuctx_vm_stop_code(vm), 7);
}

Test(fastpath, a_control_written_by_a_port_handler_applies_at_the_next_entry)
{
    struct midway_check c = run_midway(STEP, 90);
    cr_assert_eq(c.outs, 90, "the single step came before another OUT");
    cr_assert_eq(c.after, 1, "one monitor-trap-flag exit");
}

Test(fastpath, an_exit_handler_registered_by_a_port_handler_takes_the_next_exit)
{
    struct midway_check c = run_midway(TAKE_OVER, 60);
    cr_assert_eq(c.outs, 60, "the registry saw no OUT after the handler took over");
    cr_assert_eq(c.after, 1, "the exit handler got the next OUT");
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x80);
}

/*
 * A seL4-style exit handler on tests/guests/loop.S: the whole context, RIP, qualification and length read, EAX
 * counted up, RIP moved past the OUT. At OUT `at` it acts: it leaves RIP at the OUT (the guest runs it again), or
 * it sets the monitor trap flag. Its entries take the settled path (no control written since the last whole entry),
 * which must still obey both.
 */
static int sel4_style(vm_vcpu_t *v, void *cookie)
{
    struct midway_check *c = cookie;
    seL4_VCPUContext ctx;
    cr_assert_eq(vm_get_thread_context(v, &ctx), 0);
    seL4_Word rip = get_field(v, VMX_GUEST_RIP), len = get_field(v, VMX_DATA_EXIT_INSTRUCTION_LENGTH);
    cr_assert_eq(get_field(v, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x80);
    cr_assert_eq(len, 2);
    cr_assert_eq(vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, ctx.eax + 1), 0);
    bool act = ++c->outs == c->at;
    if (c->outs > 1000) /* RIP did not move: end the run, and the test fails on the count */
        return VCPUCTX_EXIT_STOP;
    set_field(v, VMX_GUEST_RIP, act && c->what == STOP ? rip : rip + len);
    if (act && c->what == STEP) {
        seL4_Word primary = get_field(v, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS);
        set_field(v, VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, primary | VMX_PRIMARY_MONITOR_TRAP_FLAG);
    }
    return VM_EXIT_HANDLED;
}

static struct midway_check run_sel4_style(enum midway what, unsigned at)
{
    boot("loop");
    struct midway_check c = {.what = what, .at = at};
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, 0), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_IO_INSTRUCTION, sel4_style, &c), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_MONITOR_TRAP_FLAG, count_after, &c), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    return c;
}

Test(fastpath, rip_left_at_the_out_by_an_exit_handler_runs_it_again)
{
    struct midway_check c = run_sel4_style(STOP, 50); /* STOP here: RIP stays at the OUT once */
    cr_assert_eq(c.outs, 201, "200 OUTs and the one run again");
    cr_assert_eq(c.after, 0);
    seL4_Word eax = 0;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &eax), 0);
    cr_assert_eq(eax, 201, "each exit's EAX write reached the guest");
}

Test(fastpath, a_control_written_by_an_exit_handler_applies_at_the_next_entry)
{
    struct midway_check c = run_sel4_style(STEP, 90);
    cr_assert_eq(c.outs, 90, "the single step came before another OUT");
    cr_assert_eq(c.after, 1, "one monitor-trap-flag exit");
}
