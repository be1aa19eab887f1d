/* test_irq.c: libsel4vm's IRQ interface on KVM's in-kernel PIC: injected IRQs reach a guest handler; refusals. */
#include "vmtest.h"

TestSuite(irq, .fini = teardown);

static unsigned out_port(vm_vcpu_t *v)
{
    return (unsigned)(get_field(v, VMX_DATA_EXIT_QUALIFICATION) >> 16);
}

Test(irq, injected_irqs_reach_the_guests_pic_handler)
{
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_create_default_irq_controller(vm), 0, "%s", strerror(errno));
    vcpu = test_vcpu(vm);
    load_guest(vm, "pic");
    setup_real_mode(vcpu);
    for (int i = 0; i < 3; i++) {
        run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
        cr_assert_eq(out_port(vcpu), 0x52, "round %d: port 0x%x", i, out_port(vcpu));
        cr_assert_eq(vm_inject_irq(vcpu, 5), 0, "%s", strerror(errno));
        advance(vcpu);
    }
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_port(vcpu), 0x53);
    cr_assert_eq(out_value(vcpu) & 0xff, 3, "the guest's handler ran once per injected IRQ: %u",
                 out_value(vcpu) & 0xff);
}

/* A level held high interrupts once per EOI on an edge-triggered PIC line: the count stays at one a round. */
Test(irq, a_level_is_one_edge_on_the_pic)
{
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_create_default_irq_controller(vm), 0);
    vcpu = test_vcpu(vm);
    load_guest(vm, "pic");
    setup_real_mode(vcpu);
    for (int i = 0; i < 3; i++) {
        run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
        cr_assert_eq(vm_set_irq_level(vcpu, 5, i == 0), 0, "high once, then low");
        advance(vcpu);
    }
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu) & 0xff, 1, "one rising edge, one interrupt");
}

Test(irq, bad_lines_and_a_missing_controller_are_refused)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    cr_assert_eq(vm_set_irq_level(vcpu, 5, 1), -1, "no controller installed");
    cr_assert_eq(errno, ENODEV);
    cr_assert_eq(vm_create_default_irq_controller(vm), -1, "KVM creates it before the vCPUs");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(vm_inject_irq(NULL, 5), -1);
    cr_assert_eq(errno, EINVAL);
    vcpuctx_vm_destroy(vm);
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_create_default_irq_controller(vm), 0);
    vcpu = test_vcpu(vm);
    cr_assert_eq(vm_set_irq_level(vcpu, VCPUCTX_IRQ_LINES, 1), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_inject_irq(vcpu, -1), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_inject_irq(vcpu, VCPUCTX_IRQ_LINES - 1), 0, "the IOAPIC's last pin");
}
