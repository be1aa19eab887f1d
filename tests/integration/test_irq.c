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

/* vm_register_irq's ack callback through KVM's resample eventfd: once per EOI, by the next exit. */
struct acks {
    int injected, acked, count;
    unsigned last_irq;
};

static ioport_fault_result_t ask_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    struct acks *a = cookie;
    (void)size;
    if (port == 0x53) {
        a->count = (int)(value & 0xff);
        vcpuctx_vm_stop(v->vm, 1);
        return IO_FAULT_HANDLED;
    }
    a->injected++;
    return vm_inject_irq(v, 5) == 0 ? IO_FAULT_HANDLED : IO_FAULT_ERROR;
}

static void on_ack(vm_vcpu_t *v, int irq, void *cookie)
{
    struct acks *a = cookie;
    cr_assert(v == v->vm->vcpus[BOOT_VCPU], "the boot vCPU, as upstream");
    a->acked++;
    a->last_irq = (unsigned)irq;
}

Test(irq, ack_callbacks_come_once_per_eoi)
{
    struct acks a = {0};
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_create_default_irq_controller(vm), 0);
    vcpu = test_vcpu(vm);
    load_guest(vm, "pic");
    setup_real_mode(vcpu);
    cr_assert_eq(vm_register_irq(vcpu, 5, on_ack, &a), 0, "%s", strerror(errno));
    cr_assert_eq(vm_register_irq(vcpu, 6, on_ack, &a), 0, "a line never raised: no ack");
    vm_ioport_interface_t io = {.cookie = &a, .port_out = ask_out, .desc = "ask"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x52, 0x53}, io), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(a.count, 3, "the guest took %d interrupts", a.count);
    cr_assert_eq(a.acked, a.injected, "one ack per EOI by the exit after it: %d acks, %d injected", a.acked,
                 a.injected);
    cr_assert_eq(a.last_irq, 5);
}

Test(irq, register_irq_refusals_and_removal)
{
    vm = test_vm(TEST_RAM);
    vcpu = test_vcpu(vm);
    errno = 0;
    cr_assert_eq(vm_register_irq(vcpu, 5, NULL, NULL), -1, "no controller installed");
    cr_assert_eq(errno, ENODEV);
    vcpuctx_vm_destroy(vm);
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_create_default_irq_controller(vm), 0);
    vcpu = test_vcpu(vm);
    cr_assert_eq(vm_register_irq(vcpu, VCPUCTX_IRQ_LINES, NULL, NULL), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_register_irq(NULL, 5, NULL, NULL), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_register_irq(vcpu, 5, NULL, NULL), 0, "removing what is not there");
    struct acks a = {0};
    load_guest(vm, "pic");
    setup_real_mode(vcpu);
    cr_assert_eq(vm_register_irq(vcpu, 5, on_ack, &a), 0);
    cr_assert_eq(vm_register_irq(vcpu, 5, NULL, NULL), 0, "removed");
    vm_ioport_interface_t io = {.cookie = &a, .port_out = ask_out, .desc = "ask"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x52, 0x53}, io), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(a.count, 3);
    cr_assert_eq(a.acked, 0, "a removed callback is never called");
}
