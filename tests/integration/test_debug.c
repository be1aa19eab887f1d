/* test_debug.c: host breakpoints as #DB exits, memory by linear address, x87/SSE state, each checked on KVM. */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "vmtest.h"

TestSuite(debug, .fini = teardown);

#define DB_INFO 0x80000301u /* valid, hardware exception, vector 1 */

static void set_bps(const struct vcpuctx_breakpoint *bp, size_t n)
{
    cr_assert_eq(vcpuctx_vcpu_set_breakpoints(vcpu, bp, n), 0, "set_breakpoints: %s", strerror(errno));
}

/* RIP as KVM itself holds it, after writing everything the API holds. */
static uint64_t raw_rip(void)
{
    struct kvm_regs r;
    cr_assert_eq(vcpuctx_vcpu_flush(vcpu), 0);
    cr_assert_eq(ioctl(vcpuctx_vcpu_fd(vcpu), KVM_GET_REGS, &r), 0);
    return r.rip;
}

/*
 * A breakpoint KVM took but the guest ran past to its HLT: under QEMU TCG's nested SVM that is the emulator (its
 * VMRUN loads DR7 without arming its own breakpoint checks), so skip there; anywhere else it fails.
 */
static void skip_if_emulator_drops_breakpoints(int reason)
{
    const char *emu = host_emulator();
    if (reason == EXIT_REASON_HLT && emu && strcmp(emu, "QEMU TCG") == 0)
        cr_skip_test("QEMU TCG's nested SVM never fires debug-register breakpoints (measured: the guest ran to "
                     "its HLT); KVM puts them in the VMCB, and they fire under Bochs's VT-x and on kvm_pvm");
}

static void expect_db(unsigned slots, uint64_t rip)
{
    int r = vcpuctx_vcpu_run(vcpu);
    skip_if_emulator_drops_breakpoints(r);
    cr_assert_eq(r, EXIT_REASON_EXCEPTION_NMI, "exit %d", r);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_INTERRUPT_INFO), DB_INFO);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) & 0xf, slots);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip, "RIP 0x%llx", (unsigned long long)get_field(vcpu, VMX_GUEST_RIP));
    cr_assert_eq(raw_rip(), rip);
}

Test(debug, exec_breakpoint_exits_as_db_before_the_instruction)
{
    boot("debug");
    struct vcpuctx_breakpoint bp[2] = {{AT_DEBUG_LOAD, VCPUCTX_BP_EXEC, 1}, {AT_DEBUG_STORE, VCPUCTX_BP_EXEC, 1}};
    set_bps(bp, 2);
    expect_db(2, AT_DEBUG_STORE); /* slot 1 */
    seL4_Word ax = 0;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &ax), 0);
    cr_assert_eq(ax & 0xffff, 2, "the instructions before ran, the one at the breakpoint did not");
    set_bps(&bp[0], 1); /* resume past the store by dropping its breakpoint */
    expect_db(1, AT_DEBUG_LOAD);
    set_bps(NULL, 0);
    run_expect(vcpu, EXIT_REASON_HLT);
}

Test(debug, bad_breakpoints_fail_and_change_nothing)
{
    boot("debug");
    struct vcpuctx_breakpoint good = {AT_DEBUG_STORE, VCPUCTX_BP_EXEC, 1};
    set_bps(&good, 1);
    struct vcpuctx_breakpoint five[5] = {good, good, good, good, good};
    const struct vcpuctx_breakpoint bad[] = {
        {AT_DEBUG_STORE, VCPUCTX_BP_EXEC, 2}, /* exec is one byte */
        {0x2001, VCPUCTX_BP_WRITE, 2},        /* misaligned */
        {0x2000, VCPUCTX_BP_WRITE, 3},        /* no such length */
        {0x2000, (enum vcpuctx_bp_type)2, 1}, /* I/O breakpoints are not offered */
    };
    errno = 0;
    cr_assert_eq(vcpuctx_vcpu_set_breakpoints(vcpu, five, 5), -1);
    cr_assert_eq(errno, EINVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        cr_assert_eq(vcpuctx_vcpu_set_breakpoints(vcpu, &bad[i], 1), -1, "bad breakpoint %zu accepted", i);
        cr_assert_eq(errno, EINVAL);
    }
    cr_assert_eq(vcpuctx_vcpu_set_breakpoints(NULL, NULL, 0), -1);
    expect_db(1, AT_DEBUG_STORE); /* the good one is still in force */
}

Test(debug, write_breakpoint_stops_after_the_store)
{
    boot("debug");
    struct vcpuctx_breakpoint bp = {0x2000, VCPUCTX_BP_WRITE, 2};
    set_bps(&bp, 1);
    int r = vcpuctx_vcpu_run(vcpu);
    if (r == EXIT_REASON_HLT && host_is_kvm_pvm())
        cr_skip_test("kvm_pvm accepts data breakpoints but never delivers them (measured; the guest ran to HLT)");
    skip_if_emulator_drops_breakpoints(r);
    cr_assert_eq(r, EXIT_REASON_EXCEPTION_NMI, "exit %d", r);
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) & 0xf, 1);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), AT_DEBUG_AFTER_STORE,
                 "a data breakpoint is a trap: RIP past the store");
}

Test(debug, linear_memory_without_paging)
{
    boot("debug");
    uint8_t b[4] = {0};
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, LOAD_ADDR, b, 3), 3);
    cr_assert(b[0] == 0xb8 && b[1] == 1 && b[2] == 0);
    cr_assert_eq(vcpuctx_vcpu_write_linear(vcpu, 0x3000, "\x34\x12", 2), 2);
    cr_assert_eq(*(uint16_t *)vcpuctx_guest_ram(vm, 0x3000, 2), 0x1234);
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, TEST_RAM - 2, b, 4), 2, "a read stops where RAM ends");
    errno = 0;
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, TEST_RAM, b, 1), -1);
    cr_assert_eq(errno, EFAULT);
    run_expect(vcpu, EXIT_REASON_HLT);
    seL4_Word bx = 0;
    cr_assert_eq(vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EBX, &bx), 0);
    cr_assert_eq(bx & 0xffff, 0x1234, "the guest read what the debugger wrote");
}

Test(debug, linear_memory_through_the_guests_page_tables)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    setup_long_mode(vm, vcpu);
    uint64_t *pd = vcpuctx_guest_ram(vm, 0x12000, 4096);
    pd[3] = 0x200000 | 0x83; /* linear 6 MiB -> physical 2 MiB */
    uint8_t *phys = vcpuctx_guest_ram(vm, 0x200010, 4);
    memcpy(phys, "\xde\xad\xbe\xef", 4);
    uint8_t b[4];
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, 0x600010, b, 4), 4);
    cr_assert_eq(memcmp(b, "\xde\xad\xbe\xef", 4), 0);
    cr_assert_eq(vcpuctx_vcpu_write_linear(vcpu, 0x600012, "\x01\x02", 2), 2);
    cr_assert(phys[2] == 1 && phys[3] == 2, "written through the mapping");
    errno = 0;
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, 8u << 20, b, 1), -1, "PD entry 4 is not present");
    cr_assert_eq(errno, EFAULT);
}

Test(debug, rom_is_readable_and_writable_by_linear_address)
{
    vm = test_vm(TEST_RAM);
    static uint8_t rom[4096];
    memset(rom, 0x90, sizeof(rom));
    cr_assert_eq(vcpuctx_vm_map_rom(vm, 0xfffff000, rom, sizeof(rom)), 0);
    vcpu = test_vcpu(vm);
    uint8_t b[2];
    cr_assert_eq(vcpuctx_vcpu_read_linear(vcpu, 0xfffffff0, b, 2), 2, "the reset vector, in ROM");
    cr_assert(b[0] == 0x90 && b[1] == 0x90);
    cr_assert_eq(vcpuctx_vcpu_write_linear(vcpu, 0xfffffff0, "\xf4", 1), 1);
    run_expect(vcpu, EXIT_REASON_HLT); /* the guest runs the byte the debugger wrote */
}

/* Both directions against the raw ioctls, and the guest stores the control word set. (kvm_pvm runs guest
   CPL0 code in its emulator, which cannot execute SSE, so the guest does not read XMM registers.) */
Test(debug, fpu_state_round_trip)
{
    boot("debug");
    set_field(vcpu, VMX_GUEST_RIP, AT_DEBUG_CONTROL_WORD);
    struct vcpuctx_fpu f;
    cr_assert_eq(vcpuctx_vcpu_get_fpu(vcpu, &f), 0);
    cr_assert_eq(f.fcw, 0x037f, "the reset value");
    cr_assert_eq(f.mxcsr, 0x1f80, "the reset value");
    memcpy(f.xmm[0], "\x78\x56\x34\x12\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc", 16);
    memcpy(f.st[0], "\x00\x00\x00\x00\x00\x00\x00\x80\xff\x3f", 10); /* 1.0 */
    f.fcw = 0x027f;
    f.mxcsr = 0x9f80; /* FZ */
    cr_assert_eq(vcpuctx_vcpu_set_fpu(vcpu, &f), 0);
    static struct kvm_xsave raw;
    uint8_t *b = (uint8_t *)raw.region;
    cr_assert_eq(ioctl(vcpuctx_vcpu_fd(vcpu), KVM_GET_XSAVE, &raw), 0);
    cr_assert_eq(*(uint16_t *)b, 0x027f);
    cr_assert_eq(*(uint32_t *)(b + 24), 0x9f80);
    cr_assert_eq(memcmp(b + 32, f.st[0], 10), 0);
    cr_assert_eq(memcmp(b + 160, f.xmm[0], 16), 0);
    b[160 + 15 * 16] = 0x5a; /* XMM15 */
    cr_assert_eq(ioctl(vcpuctx_vcpu_fd(vcpu), KVM_SET_XSAVE, &raw), 0);
    run_expect(vcpu, EXIT_REASON_HLT);
    uint16_t cw = *(uint16_t *)vcpuctx_guest_ram(vm, 0x2100, 2);
    cr_assert_eq(cw, 0x027f, "the guest stored the control word 0x%04x", cw);
    struct vcpuctx_fpu back;
    cr_assert_eq(vcpuctx_vcpu_get_fpu(vcpu, &back), 0);
    cr_assert_eq(back.xmm[15][0], 0x5a, "the raw write is seen");
    cr_assert_eq(memcmp(back.xmm[0], f.xmm[0], 16), 0, "XMM0 survived the run");
    back.mxcsr = 0xffffffff; /* reserved bits: KVM refuses, and nothing changes */
    back.fcw = 0x0123;
    cr_assert_eq(vcpuctx_vcpu_set_fpu(vcpu, &back), -1);
    cr_assert_eq(vcpuctx_vcpu_get_fpu(vcpu, &back), 0);
    cr_assert(back.mxcsr == 0x9f80 && back.fcw == 0x027f, "mxcsr 0x%x fcw 0x%x", back.mxcsr, back.fcw);
    errno = 0;
    cr_assert_eq(vcpuctx_vcpu_get_fpu(vcpu, NULL), -1);
    cr_assert_eq(errno, EINVAL);
}
