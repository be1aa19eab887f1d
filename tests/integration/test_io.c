/* test_io.c: I/O exits in the VT-x view, seL4-style handlers, the port registry and string I/O, on KVM. */
#define _GNU_SOURCE
#include <sys/io.h>

#include "vmtest.h"

struct io_expect {
    unsigned len, port, size;
    bool in, imm;
};

/* tests/guests/io.S from first_exit on: each instruction's length and access. */
static const struct io_expect io_seq[] = {
    {2, 0x80, 1, false, true},   {2, 0x80, 2, false, true},   {3, 0x80, 4, false, true},  {1, 0x3f8, 1, false, false},
    {1, 0x3f8, 2, false, false}, {2, 0x3f8, 4, false, false}, {2, 0x80, 1, true, true},   {2, 0x80, 2, true, true},
    {3, 0x80, 4, true, true},    {1, 0x3f8, 1, true, false},  {1, 0x3f8, 2, true, false}, {2, 0x3f8, 4, true, false},
    {2, 0x3f8, 1, true, false},  {3, 0x3f8, 4, true, false},  {4, 0x80, 4, true, true},
};

TestSuite(io, .fini = teardown);

Test(io, exit_view_of_every_form)
{
    boot("io");
    uint64_t rip = AT_IO_FIRST_EXIT;
    for (size_t i = 0; i < sizeof(io_seq) / sizeof(io_seq[0]); i++) {
        const struct io_expect *e = &io_seq[i];
        run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
        uint64_t qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
        uint64_t want = (e->size - 1) | (e->in ? 8u : 0u) | (e->imm ? 64u : 0u) | ((uint64_t)e->port << 16);
        cr_assert_eq(qual, want, "insn %zu: qualification 0x%llx, want 0x%llx", i, (unsigned long long)qual,
                     (unsigned long long)want);
        cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip, "insn %zu: RIP", i);
        cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH), e->len, "insn %zu: length", i);
        cr_assert_eq(get_field(vcpu, VMX_DATA_IO_RIP), rip, "insn %zu: I/O RIP", i);
        if (e->in)
            cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, 0x1000 + i), 0);
        advance(vcpu);
        rip += e->len;
    }
    run_expect(vcpu, EXIT_REASON_HLT);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH), 1);
    seL4_Word eax;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &eax), 0);
    cr_assert_eq(eax & 0xffffffff, 0x1000 + 14, "last IN's EAX reached the guest");
}

/* Supply an IN value the seL4 way: merge into EAX, then advance. */
static void answer_in(uint32_t value)
{
    seL4_Word eax, qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    cr_assert(qual & 8, "expected IN");
    unsigned size = (unsigned)(qual & 7) + 1;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &eax), 0);
    uint64_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    eax = size == 4 ? value : (seL4_Word)((eax & ~mask) | (value & mask));
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, eax), 0);
    advance(vcpu);
}

static void expect_out(unsigned port, uint32_t value)
{
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    seL4_Word qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    cr_assert_eq(qual >> 16, port, "port 0x%x, expected 0x%x", (unsigned)(qual >> 16), port);
    cr_assert_eq(out_value(vcpu), value, "OUT 0x%x wrote 0x%x, expected 0x%x", port, out_value(vcpu), value);
    advance(vcpu);
}

Test(io, sel4_handler_runs_the_guest_correctly)
{
    boot("echo");
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    seL4_Word rip = get_field(vcpu, VMX_GUEST_RIP);
    /* Not advancing RIP re-executes the IN: the same exit again. */
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, 0x77), 0);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip, "IN re-executed");
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x60);
    answer_in(0x41);
    expect_out(0x61, 0x42);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    answer_in(0x1233);
    expect_out(0x3f8, 0x1234);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    answer_in(0xcafebabd);
    expect_out(0x63, 0xcafebabe);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    answer_in(0x99);
    expect_out(0x65, 0x55667799);
    run_expect(vcpu, EXIT_REASON_HLT);
    rip = get_field(vcpu, VMX_GUEST_RIP);
    run_expect(vcpu, EXIT_REASON_HLT); /* not advanced: HLT again */
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip);
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x66, "advancing past HLT resumes after it");
}

/* Port handlers for the registry tests. */
struct record {
    unsigned ports[32], values[32], n;
    unsigned in_next;
};

static ioport_fault_result_t rec_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)v;
    (void)size;
    struct record *r = cookie;
    if (r->n < 32) {
        r->ports[r->n] = port;
        r->values[r->n++] = value;
    }
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t rec_in(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned *result)
{
    (void)v;
    (void)size;
    (void)port;
    struct record *r = cookie;
    *result = r->in_next++;
    return IO_FAULT_HANDLED;
}

Test(io, port_registry_and_unclaimed_ports)
{
    boot("echo");
    struct record rec = {.in_next = 0x10};
    vm_ioport_interface_t outs = {.cookie = &rec, .port_out = rec_out, .desc = "recorder"};
    vm_ioport_interface_t ins = {.cookie = &rec, .port_in = rec_in, .desc = "counter"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x61, 0x61}, outs), 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x62, 0x62}, ins), 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x60, 0x62}, outs), -1, "overlap refused");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x62, 0x70}, outs), -1, "overlap refused");
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x70, 0x6f}, outs), -1, "start > end refused");
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x63, 0x66}, outs), 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x3f8, 0x3ff}, outs), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    /* 0x60 is unclaimed: reads 0xff, +1 = 0x00. 0x3f8 IN unclaimed (OUT-only handler): 0xffff + 1. */
    unsigned want_ports[] = {0x61, 0x3f8, 0x63, 0x65};
    unsigned want_vals[] = {0x00, 0x0000, 0x11, 0x556677ff};
    cr_assert_eq(rec.n, 4, "recorded %u OUTs", rec.n);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(rec.ports[i], want_ports[i], "OUT %u port", i);
        cr_assert_eq(rec.values[i], want_vals[i], "OUT %u value 0x%x", i, rec.values[i]);
    }
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_REASON), EXIT_REASON_HLT);
}

static ioport_fault_result_t unhandled_cb(vm_vcpu_t *v, unsigned port, bool is_in, unsigned *value, size_t size,
                                          void *cookie)
{
    (void)v;
    (void)size;
    unsigned *count = cookie;
    (*count)++;
    if (is_in)
        *value = port == 0x60 ? 0x7f : 0x0102;
    return IO_FAULT_HANDLED;
}

Test(io, unhandled_port_callback)
{
    boot("echo");
    unsigned count = 0;
    struct record rec = {0};
    vm_ioport_interface_t outs = {.cookie = &rec, .port_out = rec_out};
    cr_assert_eq(vm_register_unhandled_ioport_callback(vm, NULL, NULL), -1);
    cr_assert_eq(vm_register_unhandled_ioport_callback(vm, unhandled_cb, &count), 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x61, 0x61}, outs), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(rec.values[0], 0x80, "callback's IN value reached the guest");
    cr_assert_geq(count, 5);
}

Test(io, string_io_through_the_registry)
{
    boot("string");
    struct record rec = {.in_next = 'x'};
    vm_ioport_interface_t outs = {.cookie = &rec, .port_out = rec_out};
    vm_ioport_interface_t both = {.cookie = &rec, .port_in = rec_in, .port_out = rec_out};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0xe9, 0xe9}, outs), 0);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x70, 0x70}, both), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(rec.n, 4);
    cr_assert_eq(rec.values[0], 'a');
    cr_assert_eq(rec.values[1], 'b');
    cr_assert_eq(rec.values[2], 'c');
    cr_assert_eq(rec.values[3], 0xbeef, "OUTSW");
    const uint8_t *mem = vcpuctx_guest_ram(vm, 0x3000, 0x20);
    cr_assert_eq(memcmp(mem, "xyz", 3), 0, "REP INSB stored %.3s", mem);
    cr_assert_eq(mem[0x10] | mem[0x11] << 8, '{', "INSW stored the next value");
}

Test(io, string_io_exit_view)
{
    boot("string");
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    seL4_Word rip = get_field(vcpu, VMX_GUEST_RIP);
    seL4_Word qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    cr_assert_eq(qual, (0xe9u << 16) | 32 | 16, "REP OUTSB qualification 0x%llx", (unsigned long long)qual);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH), 2);
    const uint8_t *code = vcpuctx_guest_ram(vm, rip, 2);
    cr_assert(code[0] == 0xf3 && code[1] == 0x6e, "RIP at the REP OUTSB");
    const uint8_t *image = vcpuctx_guest_ram(vm, LOAD_ADDR, 0x100);
    const uint8_t *msg = memmem(image, 0x100, "abc", 3);
    cr_assert_not_null(msg);
    cr_assert_eq(get_field(vcpu, VMX_DATA_GUEST_LINEAR_ADDRESS), LOAD_ADDR + (seL4_Word)(msg - image),
                 "linear address of the first element");
    size_t len;
    uint8_t *data = vcpuctx_exit_data(vcpu, &len);
    cr_assert_not_null(data);
    cr_assert_eq(len, 1);
    cr_assert_eq(data[0], 'a');
    uint8_t got[3] = {0};
    unsigned n = 0;
    for (;;) {
        data = vcpuctx_exit_data(vcpu, &len);
        for (size_t i = 0; i < len && n < 3; i++)
            got[n++] = data[i];
        advance(vcpu);
        run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
        if (get_field(vcpu, VMX_GUEST_RIP) != rip)
            break;
    }
    cr_assert_eq(memcmp(got, "abc", 3), 0);
    qual = get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    cr_assert_eq(qual, (0x70u << 16) | 32 | 16 | 8, "REP INSB qualification 0x%llx", (unsigned long long)qual);
    data = vcpuctx_exit_data(vcpu, &len);
    cr_assert_not_null(data);
    cr_assert_geq(len, 1);
    memcpy(data, "pqr", len < 3 ? len : 3);
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION); /* OUTSW, or more of REP INSB */
    cr_assert_eq(*(const uint8_t *)vcpuctx_guest_ram(vm, 0x3000, 1), 'p', "data buffer reached guest memory");
}

/* Passthrough: the guest's port 0x80 is the host's, relayed. Needs ioperm on the host (probed). */
static ioport_fault_result_t keep_value(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)v, (void)port, (void)size;
    *(unsigned *)cookie = value;
    return IO_FAULT_HANDLED;
}

Test(io, passthrough_ports_are_the_hosts)
{
    errno = 0;
    if (ioperm(0x80, 1, 1) < 0)
        cr_skip_test("this host gives no port access (ioperm: %s): passthrough is tried in the tiers", strerror(errno));
    ioperm(0x80, 1, 0); /* the library must ask for it itself */
    boot("port80");
    unsigned echoed = 0x100;
    cr_assert_eq(vm_enable_passthrough_ioport(vcpu, 0x80, 0x80), 0, "%s", strerror(errno));
    cr_assert_eq(vm_enable_passthrough_ioport(vcpu, 0x7f, 0x81), -1, "0x80 has a handler");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x90, 0x90},
                                        (vm_ioport_interface_t){&echoed, NULL, keep_value, "echo"}),
                 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    unsigned host = inb(0x80);
    cr_assert_eq(echoed, host, "the guest read the host's port 0x80: 0x%x, the host reads 0x%x", echoed, host);
}

/* Where the host refuses port access, the refusal registers nothing. */
Test(io, a_refused_passthrough_registers_nothing)
{
    boot("port80");
    cr_assert_eq(vm_enable_passthrough_ioport(vcpu, 0x81, 0x80), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_enable_passthrough_ioport(NULL, 0x80, 0x80), -1);
    errno = 0;
    if (ioperm(0x80, 1, 1) == 0)
        cr_skip_test("this host gives port access: the refusal is tried where it does not (kvm_pvm)");
    int why = errno;
    cr_assert_eq(vm_enable_passthrough_ioport(vcpu, 0x80, 0x80), -1);
    cr_assert_eq(errno, why, "ioperm's errno: %d", errno);
    unsigned echoed = 0;
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x80},
                                        (vm_ioport_interface_t){&echoed, NULL, keep_value, "post"}),
                 0, "the range is free again");
}
