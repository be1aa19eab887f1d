/* test_fault.c: libsel4vm's vCPU fault interface on MMIO exits: read, write, widths, masks, refusals. */
#include "vmtest.h"

TestSuite(fault, .fini = teardown);

static void expect_fault(uint64_t gpa, bool read, size_t size, uint64_t ip)
{
    run_expect(vcpu, EXIT_REASON_EPT_VIOLATION);
    cr_assert_eq(get_vcpu_fault_address(vcpu), gpa);
    cr_assert_eq(is_vcpu_read_fault(vcpu), read);
    cr_assert_eq(get_vcpu_fault_size(vcpu), size);
    cr_assert_eq(get_vcpu_fault_ip(vcpu), ip);
}

Test(fault, a_device_emulated_through_the_fault_interface)
{
    boot_mmio();
    expect_fault(TEST_RAM + 0x10, false, 1, AT_MMIO_WRITE);
    cr_assert_eq(get_vcpu_fault_data(vcpu), 0x5a);
    cr_assert_eq(get_vcpu_fault_data_mask(vcpu), 0xff, "offset 0 in its word");
    cr_assert_eq(set_vcpu_fault_data(vcpu, 1), -1, "a write has no data to set");
    cr_assert_eq(errno, EINVAL);
    advance_vcpu_fault(vcpu);
    expect_fault(TEST_RAM + 0x20, true, 1, AT_MMIO_READ);
    cr_assert_eq(set_vcpu_fault_data(vcpu, 0x77), 0);
    cr_assert_eq(get_vcpu_fault_data(vcpu), 0x77);
    advance_vcpu_fault(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu) & 0xff, 0x77, "the guest read what the device gave");
    advance(vcpu);
    expect_fault(TEST_RAM + 0x40, false, 2, AT_MMIO_WRITE_WORD);
    cr_assert_eq(get_vcpu_fault_data(vcpu), 0x1234, "an immediate operand's value");
    cr_assert_eq(get_vcpu_fault_data_mask(vcpu), 0xffff);
    cr_assert_eq(emulate_vcpu_fault(vcpu, 0xaaaaaaaa), 0xaaaa1234, "merged into the device register");
    advance_vcpu_fault(vcpu);
    expect_fault(TEST_RAM + 0x44, true, 2, AT_MMIO_READ_WORD);
    cr_assert_eq(set_vcpu_fault_data(vcpu, 0x1234beef), 0);
    cr_assert_eq(emulate_vcpu_fault(vcpu, 0x55555555), 0x5555beef, "a read's data in the low bytes");
    advance_vcpu_fault(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu) & 0xffff, 0xbeef, "the word read, its size only");
}

/* Not advancing is restarting: the same instruction faults again. */
Test(fault, restart_runs_the_instruction_again)
{
    boot_mmio();
    expect_fault(TEST_RAM + 0x10, false, 1, AT_MMIO_WRITE);
    restart_vcpu_fault(vcpu);
    expect_fault(TEST_RAM + 0x10, false, 1, AT_MMIO_WRITE);
}

Test(fault, other_exits_are_no_memory_fault)
{
    boot("loop");
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    errno = 0;
    cr_assert_eq(get_vcpu_fault_size(vcpu), 0);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(get_vcpu_fault_address(vcpu), 0);
    cr_assert_not(is_vcpu_read_fault(vcpu));
    cr_assert_eq(set_vcpu_fault_data(vcpu, 1), -1);
    seL4_Word rip = get_field(vcpu, VMX_GUEST_RIP);
    advance_vcpu_fault(vcpu);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), rip, "advancing no memory fault changes nothing");
    cr_assert_eq(get_vcpu_fault_size(NULL), 0);
}

/* 8-byte accesses: a seL4_Word holds them whole in the x86_64 ABI. The ia32 ABI's cannot: there they are no
   memory fault the data functions show (EINVAL), their data is the VT-x view's bytes, and advance_vcpu_fault
   still completes them. */
Test(fault, eight_byte_accesses_in_each_abi)
{
    const bool ia32 = sizeof(seL4_Word) == 4;
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    load_guest(vm, "mmio64");
    setup_long_mode(vm, vcpu);
    cr_assert_eq(vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EDI, TEST_RAM + 0x100), 0);
    run_expect(vcpu, EXIT_REASON_EPT_VIOLATION);
    size_t len = 0;
    uint8_t *data = vcpuctx_exit_data(vcpu, &len);
    cr_assert(data && len == 8, "the VT-x view has all 8 bytes");
    if (ia32) {
        errno = 0;
        cr_assert_eq(get_vcpu_fault_size(vcpu), 0, "wider than a seL4_Word");
        cr_assert_eq(errno, EINVAL);
        cr_assert_eq(set_vcpu_fault_data(vcpu, 0), -1);
    } else {
        cr_assert_eq(get_vcpu_fault_size(vcpu), 8);
        cr_assert(!is_vcpu_read_fault(vcpu));
        cr_assert_eq(get_vcpu_fault_data(vcpu), (seL4_Word)0x1122334455667788ULL);
    }
    advance_vcpu_fault(vcpu);
    run_expect(vcpu, EXIT_REASON_EPT_VIOLATION);
    cr_assert_eq(get_field(vcpu, VMX_GUEST_RIP), AT_MMIO64_WRITE_DONE - 3, "mov (%%rdi), %%rbx");
    if (ia32) {
        cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_QUALIFICATION) & 3, 1, "a read");
        data = vcpuctx_exit_data(vcpu, &len);
        cr_assert(data && len == 8);
        memcpy(data, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
    } else {
        cr_assert(is_vcpu_read_fault(vcpu));
        cr_assert_eq(get_vcpu_fault_ip(vcpu), AT_MMIO64_WRITE_DONE - 3);
        cr_assert_eq(set_vcpu_fault_data(vcpu, (seL4_Word)0x8877665544332211ULL), 0);
    }
    advance_vcpu_fault(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu), 0x44332211);
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu), 0x88776655, "the high half");
}
