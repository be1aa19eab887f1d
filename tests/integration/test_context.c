/* test_context.c: registers and VMCS fields both ways on KVM: guest loads/API reads, API writes/guest sees, raw ioctls.
 */
#include "vmtest.h"

TestSuite(context, .fini = teardown);

static void make_vm(void)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
}

Test(context, new_vcpu_is_in_the_reset_state)
{
    make_vm();
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_SELECTOR), 0xf000);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_BASE), 0xffff0000);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), 0xfff0);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CR0), 0x60000010);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RFLAGS), 0x2);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_ACCESS_RIGHTS) & 0xff, 0x9b);
    seL4_VCPUContext ctx;
    cr_assert_eq(vm_get_thread_context(vcpu, &ctx), 0, "readable before the first run");
}

static uint64_t guest_value(unsigned i)
{
    static const uint64_t v[15] = {
        0x1111111111111101, 0x2222222222222202, 0x3333333333333303, 0x4444444444444404, 0x5555555555555505,
        0x6666666666666606, 0x7777777777777707, 0x8888888888888808, 0x9999999999999909, 0xaaaaaaaaaaaaaa0a,
        0xbbbbbbbbbbbbbb0b, 0xcccccccccccccc0c, 0xdddddddddddddd0d, 0xeeeeeeeeeeeeee0e, 0xffffffffffffff0f,
    };
    return v[i];
}

static seL4_Word api_value(unsigned i)
{
    return (seL4_Word)(0x0102030405060000ULL + 0x100 * i + 0x0a);
}

/* A real-mode far jump reloads CS; its access rights read as a code segment on every host (Bochs's VT-x and KVM's
   emulator load the data type 3 there; the library shows the code type, as a processor keeps it). */
Test(context, real_mode_far_jump_leaves_cs_a_code_segment)
{
    boot("farjmp");
    run_expect(vcpu, EXIT_REASON_HLT);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_SELECTOR), 0x100);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_BASE), 0x1000);
    seL4_Word ar = get_field(vcpu, VMX_GUEST_CS_ACCESS_RIGHTS);
    cr_assert_eq(ar & 0x1f, 0x1b, "CS type 0xB with S set, as at reset: AR 0x%llx", (unsigned long long)ar);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), AT_FARJMP_NEXT - LOAD_ADDR, "IP at the HLT after the jump");
}

Test(context, every_gpr_both_ways_in_long_mode)
{
    make_vm();
    load_guest(vm, "gpr64");
    setup_long_mode(vm, vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x10);
    seL4_VCPUContext ctx;
    cr_assert_eq(vm_get_thread_context(vcpu, &ctx), 0);
    const seL4_Word *words = (const seL4_Word *)&ctx;
    for (unsigned i = 0; i < TEST_NREGS; i++) {
        seL4_Word one;
        cr_assert_eq(words[i], (seL4_Word)guest_value(i), "context word %u: 0x%llx", i, (unsigned long long)words[i]);
        cr_assert_eq(vm_get_thread_context_reg(vcpu, (vcpu_context_reg_t)i, &one), 0);
        cr_assert_eq(one, (seL4_Word)guest_value(i), "register %u", i);
    }
    seL4_VCPUContext set;
    seL4_Word *sw = (seL4_Word *)&set;
    for (unsigned i = 0; i < TEST_NREGS; i++)
        sw[i] = api_value(i);
    cr_assert_eq(vm_set_thread_context(vcpu, set), 0);
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EBP, api_value(6) ^ 0xff), 0);
    seL4_Word back;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EBP, &back), 0);
    cr_assert_eq(back, api_value(6) ^ 0xff, "a get after a set returns the set value");
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x11);
    const uint64_t *mem = vcpuctx_guest_ram(vm, 0x3000, 0xa0);
    for (unsigned i = 0; i < 15; i++) {
        uint64_t want = i < TEST_NREGS ? (uint64_t)api_value(i) : guest_value(i);
        if (i == 6)
            want = (uint64_t)(api_value(6) ^ 0xff);
        if (i == 0)
            want = (want & ~0xffULL) | (mem[0] & 0xff); /* AL was the OUT's operand: unchanged */
        cr_assert_eq(mem[i], want, "guest stored register %u as 0x%llx, want 0x%llx", i, (unsigned long long)mem[i],
                     (unsigned long long)want);
    }
    cr_assert_eq(mem[0x80 / 8] & 0x80000001ULL, 0x80000001ULL, "CR0.PG|PE in the guest");
    cr_assert_eq(mem[0x88 / 8] & 0x20, 0x20, "CR4.PAE in the guest");
    cr_assert_eq(mem[0x90 / 8] & 0x500, 0x500, "EFER.LME|LMA in the guest");
    cr_assert_eq(mem[0x98 / 8] & 0xffff, 0x08, "CS selector in the guest");
    cr_assert_eq(get_field(vcpu, VMX_GUEST_CS_ACCESS_RIGHTS) & VMX_AR_L, VMX_AR_L);
}

/* State set through fields, then reported by the guest (tests/guests/observe.S). */
Test(context, guest_observes_fields_set_through_the_api)
{
    make_vm();
    load_guest(vm, "observe");
    setup_real_mode(vcpu);
    *(uint8_t *)vcpuctx_guest_ram(vm, 0x20000, 1) = 0xa5;
    set_field(vcpu, VMX_GUEST_RFLAGS, 0x46);
    set_field(vcpu, VMX_GUEST_RSP, 0x7ff0);
    set_field(vcpu, VMX_GUEST_GDTR_LIMIT, 0x1f);
    set_field(vcpu, VMX_GUEST_GDTR_BASE, 0x12340);
    set_field(vcpu, VMX_GUEST_CR3, 0x5000);
    set_field(vcpu, VMX_GUEST_SYSENTER_CS, 0x1234);
    set_field(vcpu, VMX_GUEST_PAT, 0x0007040600070106ULL & (seL4_Word)-1);
    set_field(vcpu, VMX_GUEST_DR7, 0x401);
    set_field(vcpu, VMX_GUEST_FS_BASE, 0x20000);
    set_field(vcpu, VMX_GUEST_ES_SELECTOR, 0x1234);
    const struct {
        unsigned port;
        uint32_t value, mask;
    } want[] = {
        {0x20, 0x46, 0xffff},           {0x21, 0x7ff0, 0xffff},     {0x22, 0x1f, 0xffff},
        {0x23, 0x12340, 0xffffffff},    {0x24, 0x5000, 0xffffffff}, {0x25, 0x1234, 0xffffffff},
        {0x26, 0x00070106, 0xffffffff}, {0x27, 0x401, 0xffffffff},  {0x28, 0xa5, 0xff},
        {0x29, 0x1234, 0xffff},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
        cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) >> 16, want[i].port);
        cr_assert_eq(out_value(vcpu) & want[i].mask, want[i].value, "port 0x%x: guest saw 0x%x, want 0x%x",
                     want[i].port, out_value(vcpu), want[i].value);
        advance(vcpu);
    }
    run_expect(vcpu, EXIT_REASON_HLT);
}
