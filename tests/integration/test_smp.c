/* test_smp.c: vm_run with several vCPUs: a thread each, exits handled one at a time, the first end ends all. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "vmtest.h"

static vm_t *vm;
static vm_vcpu_t *vcpu;

#define NCPUS  4
#define ENOUGH 200 /* accesses each vCPU makes before the handler stops the VM */

struct counts {
    atomic_int inside; /* handlers running now: the lock keeps it at most 1 */
    bool overlapped;
    unsigned by_vcpu[NCPUS];
    unsigned stop_after; /* stop once every vCPU has made this many accesses (0: never) */
};

static ioport_fault_result_t count_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)port, (void)size;
    struct counts *c = cookie;
    if (atomic_fetch_add(&c->inside, 1) != 0)
        c->overlapped = true;
    if (value < NCPUS && value == v->vcpu_id)
        c->by_vcpu[value]++;
    bool all = c->stop_after > 0;
    for (unsigned i = 0; i < v->vm->num_vcpus && all; i++)
        all = c->by_vcpu[i] >= c->stop_after;
    if (all)
        vcpuctx_vm_stop(v->vm, 7);
    atomic_fetch_sub(&c->inside, 1);
    return IO_FAULT_HANDLED;
}

static ioport_fault_result_t refuse_out(vm_vcpu_t *v, void *cookie, unsigned port, unsigned size, unsigned value)
{
    (void)v, (void)cookie, (void)port, (void)size, (void)value;
    return IO_FAULT_ERROR;
}

/* n vCPUs in real mode on tests/guests/smp.S, each sending its index (bad_vcpu to port 0x62, which fails). */
static void boot_n(unsigned n, int bad_vcpu, struct counts *c)
{
    vm = test_vm(TEST_RAM);
    load_guest(vm, "smp");
    for (unsigned i = 0; i < n; i++) {
        vm_vcpu_t *v = test_vcpu(vm);
        setup_real_mode(v);
        cr_assert_eq(vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, i | ((int)i == bad_vcpu ? 0x100u : 0)), 0);
        if (i > 0)
            cr_assert_eq(vcpu_start(v), 0, "without an irqchip, vcpu_start makes a vCPU run");
    }
    vcpu = vm->vcpus[BOOT_VCPU];
    vm_ioport_interface_t iface = {c, NULL, count_out, "count"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x61, 0x61}, iface), 0);
    vm_ioport_interface_t fail = {c, NULL, refuse_out, "refuse"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x62, 0x62}, fail), 0);
}

static bool kick_pending(void)
{
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, vcpuctx_kick_signal()) == 1;
}

static void teardown_smp(void)
{
    vcpuctx_vm_destroy(vm);
    vm = NULL;
}

TestSuite(smp, .fini = teardown_smp);

Test(smp, every_vcpu_runs_and_handlers_never_overlap)
{
    static struct counts c = {.stop_after = ENOUGH};
    boot_n(NCPUS, -1, &c);
    sigset_t before, after;
    pthread_sigmask(SIG_SETMASK, NULL, &before);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_eq(vcpuctx_vm_stop_code(vm), 7);
    for (unsigned i = 0; i < NCPUS; i++) {
        cr_assert_geq(c.by_vcpu[i], ENOUGH, "vCPU %u made %u accesses", i, c.by_vcpu[i]);
        cr_assert(vm->vcpus[i]->vcpu_online);
    }
    cr_assert(!c.overlapped, "two handlers ran at once");
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    cr_assert_eq(sigismember(&after, vcpuctx_kick_signal()), sigismember(&before, vcpuctx_kick_signal()),
                 "the caller's signal mask is as it was");
    cr_assert(!kick_pending(), "no kick is left pending in the caller's thread");
}

/* An application processor's failing exit ends the run for all, and is the one reported (and taken offline). */
Test(smp, one_vcpu_ends_the_run_for_all)
{
    static struct counts c = {.stop_after = 0};
    boot_n(3, 2, &c);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_ERROR);
    cr_assert_eq(vcpuctx_vm_run_vcpu(vm), vm->vcpus[2], "vCPU 2's exit ended it");
    cr_assert(!vm->vcpus[2]->vcpu_online && vm->vcpus[0]->vcpu_online && vm->vcpus[1]->vcpu_online);
    cr_assert_eq(get_field(vm->vcpus[2], VMX_DATA_EXIT_REASON), EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(get_field(vm->vcpus[2], VMX_DATA_EXIT_QUALIFICATION) >> 16, 0x62, "its port");
    cr_assert(!kick_pending());
}

/* A stopped run resumes: every vCPU goes on from where it was. */
Test(smp, a_stopped_run_resumes)
{
    static struct counts c = {.stop_after = ENOUGH};
    boot_n(2, -1, &c);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    unsigned first[2] = {c.by_vcpu[0], c.by_vcpu[1]};
    c.stop_after = 2 * (first[0] > first[1] ? first[0] : first[1]);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    cr_assert_geq(c.by_vcpu[0], c.stop_after);
    cr_assert_geq(c.by_vcpu[1], c.stop_after);
}

static void *stop_later(void *arg)
{
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    vcpuctx_vm_stop(arg, 9);
    return NULL;
}

/* vcpuctx_vm_stop from a thread of the caller's own. */
Test(smp, another_thread_stops_the_run)
{
    static struct counts c = {.stop_after = 0};
    boot_n(2, -1, &c);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, stop_later, vm), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    pthread_join(t, NULL);
    cr_assert_eq(vcpuctx_vm_stop_code(vm), 9);
    cr_assert_gt(c.by_vcpu[0] + c.by_vcpu[1], 0);
}

/* With the irqchip, an application processor waits in KVM for its SIPI: a guest that never sends one runs alone. */
Test(smp, without_a_sipi_only_the_boot_vcpu_runs)
{
    static struct counts c = {.stop_after = 0};
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vcpuctx_vm_enable_irqchip(vm), 0, "%s", strerror(errno));
    load_guest(vm, "smp");
    for (unsigned i = 0; i < 2; i++) {
        vm_vcpu_t *v = test_vcpu(vm);
        setup_real_mode(v);
        cr_assert_eq(vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, i), 0);
    }
    vm_ioport_interface_t iface = {&c, NULL, count_out, "count"};
    cr_assert_eq(vm_io_port_add_handler(vm, (vm_ioport_range_t){0x61, 0x61}, iface), 0);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, stop_later, vm), 0);
    cr_assert_eq(run_status(vm), VCPUCTX_RUN_STOPPED);
    pthread_join(t, NULL);
    cr_assert_gt(c.by_vcpu[0], 0);
    cr_assert_eq(c.by_vcpu[1], 0, "vCPU 1 never left wait-for-SIPI");
}

/* As under QEMU -accel kvm: the hypervisor bit, KVM's signature leaf, and each vCPU's APIC ID in leaf 1. */
Test(smp, cpuid_shows_kvm_and_each_vcpus_own_apic_id)
{
    vm = test_vm(TEST_RAM);
    load_guest(vm, "cpuid");
    for (unsigned i = 0; i < 3; i++) {
        vm_vcpu_t *v = test_vcpu(vm);
        seL4_Word r[4];
        guest_cpuid(v, 1, 0, r);
        cr_assert_eq((r[1] >> 24) & 0xff, i, "vCPU %u: initial APIC ID %lu", i, (unsigned long)(r[1] >> 24) & 0xff);
        cr_assert(r[2] & (1u << 31), "vCPU %u: the hypervisor bit", i);
        guest_cpuid(v, 0x40000000, 0, r);
        char sig[13] = {0};
        memcpy(sig, &(uint32_t){(uint32_t)r[1]}, 4);
        memcpy(sig + 4, &(uint32_t){(uint32_t)r[2]}, 4);
        memcpy(sig + 8, &(uint32_t){(uint32_t)r[3]}, 4);
        cr_assert_str_eq(sig, "KVMKVMKVM", "vCPU %u: KVM's signature", i);
        cr_assert_geq((uint32_t)r[0], 0x40000001u, "the features leaf is there");
    }
}
