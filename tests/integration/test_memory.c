/* test_memory.c: libsel4vm's memory reservations under vm_run: a device behind a fault callback, the results. */
#include "vmtest.h"

TestSuite(memory, .fini = teardown);

/* A device in a reservation: records writes, answers reads; and the echo ports 0x90/0x91 the guest reports to. */
struct device {
    uint32_t writes[4], echoes[4];
    unsigned nwrites, nechoes, unhandled;
    memory_fault_result_t write_result;
};

static memory_fault_result_t device_fault(vm_t *v, vm_vcpu_t *c, uintptr_t addr, size_t len, void *cookie)
{
    struct device *d = cookie;
    (void)v;
    cr_assert_eq(addr, get_vcpu_fault_address(c));
    cr_assert_eq(len, get_vcpu_fault_size(c));
    if (is_vcpu_read_fault(c)) {
        cr_assert_eq(set_vcpu_fault_data(c, addr - TEST_RAM == 0x20 ? 0x77 : 0xbeef), 0);
    } else {
        d->writes[d->nwrites++ & 3] = (uint32_t)get_vcpu_fault_data(c);
        if (d->write_result != FAULT_HANDLED)
            return d->write_result;
    }
    advance_vcpu_fault(c);
    return FAULT_HANDLED;
}

static ioport_fault_result_t echo(vm_vcpu_t *c, void *cookie, unsigned port, unsigned size, unsigned value)
{
    struct device *d = cookie;
    (void)c, (void)port, (void)size;
    d->echoes[d->nechoes++ & 3] = value;
    return IO_FAULT_HANDLED;
}

static memory_fault_result_t count_unhandled(vm_t *v, vm_vcpu_t *c, uintptr_t addr, size_t len, void *cookie)
{
    (void)v, (void)addr, (void)len;
    ((struct device *)cookie)->unhandled++;
    advance_vcpu_fault(c);
    return FAULT_HANDLED;
}

static void boot_device(struct device *d, uintptr_t base, size_t size)
{
    boot_mmio();
    cr_assert_not_null(vm_reserve_memory_at(vm, base, size, device_fault, d), "%s", strerror(errno));
    cr_assert_eq(
        vm_io_port_add_handler(vm, (vm_ioport_range_t){0x90, 0x91}, (vm_ioport_interface_t){d, NULL, echo, "echo"}), 0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
}

Test(memory, a_device_behind_a_reservation_runs_under_vm_run)
{
    struct device d = {.write_result = FAULT_HANDLED};
    boot_device(&d, TEST_RAM, 0x100);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED, "the guest reached its HLT");
    cr_assert_eq(d.nwrites, 2);
    cr_assert(d.writes[0] == 0x5a && d.writes[1] == 0x1234, "writes 0x%x 0x%x", d.writes[0], d.writes[1]);
    cr_assert_eq(d.nechoes, 2);
    cr_assert(d.echoes[0] == 0x77 && (d.echoes[1] & 0xffff) == 0xbeef, "the guest read what the device answered");
}

/* FAULT_IGNORE skips the instruction; a fault outside every reservation reaches the unhandled callback. */
Test(memory, ignore_and_the_unhandled_callback)
{
    struct device d = {.write_result = FAULT_IGNORE};
    boot_device(&d, TEST_RAM + 0x20, 0x40); /* reads at 0x20 and 0x44 inside; the writes at 0x10 and 0x40 not */
    cr_assert_eq(vm_register_unhandled_mem_fault_callback(vm, count_unhandled, &d), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(d.unhandled, 1, "the byte write at 0x10 lies outside");
    cr_assert_eq(d.nwrites, 1, "the word write at 0x40 lies inside and is ignored");
    cr_assert_eq(d.nechoes, 2);
}

Test(memory, errors_end_vm_run_and_refusals_change_nothing)
{
    struct device d = {.write_result = FAULT_ERROR};
    boot_device(&d, TEST_RAM, 0x100);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_ERROR, "FAULT_ERROR ends vm_run");
    cr_assert_eq(get_field(vcpu, VMX_DATA_EXIT_REASON), EXIT_REASON_EPT_VIOLATION, "the exit stays readable");
    cr_assert_null(vm_reserve_memory_at(vm, TEST_RAM + 0x80, 0x100, device_fault, &d), "overlaps");
    cr_assert_eq(errno, EBUSY);
    cr_assert_null(vm_reserve_memory_at(vm, 0x1000, 0x1000, device_fault, &d), "guest RAM never faults");
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(vm_reserve_memory_at(vm, TEST_RAM + 0x1000, 0, device_fault, &d));
    cr_assert_null(vm_reserve_memory_at(vm, TEST_RAM + 0x1000, 16, NULL, &d));
    cr_assert_null(vm_reserve_memory_at(vm, UINTPTR_MAX - 4, 16, device_fault, &d), "wraps");
    int x;
    cr_assert_eq(vm_free_reserved_memory(vm, (vm_memory_reservation_t *)&x), -1, "not one of the VM's");
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(default_error_fault_callback(vm, vcpu, 0, 1, NULL), FAULT_ERROR);
}

/* A fault that runs past its reservation's end is an error; a freed reservation no longer answers. */
Test(memory, a_fault_past_the_end_and_a_freed_reservation)
{
    struct device d = {.write_result = FAULT_HANDLED};
    boot_mmio();
    vm_memory_reservation_t *r = vm_reserve_memory_at(vm, TEST_RAM, 0x11, device_fault, &d);
    cr_assert_not_null(r);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_UNHANDLED, "the read at 0x20 is outside: nothing handles it");
    cr_assert_eq(vm->run.exit_reason, VM_GUEST_MMIO_EXIT, "upstream's class of the exit");
    cr_assert_eq(d.nwrites, 1, "the byte write at 0x10 was inside");
    cr_assert_eq(vm_free_reserved_memory(vm, r), 0);
    cr_assert_not_null(vm_reserve_memory_at(vm, TEST_RAM + 0x3f, 2, device_fault, &d));
    set_field(vcpu, VMX_GUEST_RIP, AT_MMIO_WRITE_WORD); /* the word write at 0x40: one byte in, one past */
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_ERROR, "it starts on the reservation's last byte and runs past it");
    cr_assert_eq(d.nwrites, 1, "the callback was not called for it");
}

/* Anonymous ranges: reservations carved from them in order and aligned, a device in one under vm_run. */
Test(memory, anonymous_ranges_hand_out_aligned_reservations)
{
    struct device d = {.write_result = FAULT_HANDLED};
    boot_mmio();
    cr_assert_eq(vm_memory_init(vm), 0);
    cr_assert_eq(vm_memory_make_anon(vm, TEST_RAM, 0x20000), 0, "%s", strerror(errno));
    uintptr_t a = 0, b = 0, c = 0, addr = 0;
    size_t size = 0;
    vm_memory_reservation_t *dev = vm_reserve_anon_memory(vm, 0x100, 0, device_fault, &d, &a);
    cr_assert(dev && a == TEST_RAM, "the first address: 0x%lx", (unsigned long)a);
    vm_memory_reservation_t *r2 = vm_reserve_anon_memory(vm, 0x1800, 0x10000, default_error_fault_callback, NULL, &b);
    cr_assert(r2 && b == TEST_RAM + 0x10000, "aligned to 64 KiB: 0x%lx", (unsigned long)b);
    vm_get_reservation_memory_region(r2, &addr, &size);
    cr_assert(addr == b && size == 0x1800);
    cr_assert_not_null(vm_reserve_anon_memory(vm, 1, 0, default_error_fault_callback, NULL, &c));
    cr_assert_eq(c, TEST_RAM + 0x12000, "after the last one, in whole pages: 0x%lx", (unsigned long)c);
    errno = 0;
    cr_assert_null(vm_reserve_anon_memory(vm, 0x10000, 0, default_error_fault_callback, NULL, &c), "no room left");
    cr_assert_eq(errno, ENOMEM);
    cr_assert_null(vm_reserve_anon_memory(vm, 1, 3, default_error_fault_callback, NULL, &c), "align 3");
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(vm_reserve_memory_at(vm, TEST_RAM + 0x1f000, 0x10, device_fault, &d), "inside the anonymous range");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(vm_memory_make_anon(vm, TEST_RAM - 0x1000, 0x2000), -1, "over RAM");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(vm_memory_make_anon(vm, TEST_RAM + 0x800, 0x1000), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(
        vm_io_port_add_handler(vm, (vm_ioport_range_t){0x90, 0x91}, (vm_ioport_interface_t){&d, NULL, echo, "echo"}),
        0);
    cr_assert_eq(vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop_on_hlt, NULL), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED, "the guest reached its HLT");
    cr_assert_eq(d.nwrites, 2, "both writes at RAM's end reached the anonymous reservation's device");
    cr_assert_eq(d.echoes[0] & 0xff, 0x77);
}
