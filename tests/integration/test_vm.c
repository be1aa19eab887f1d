/* test_vm.c: struct vm's and struct vm_vcpu's public members, vm_assign_vcpu_target, vcpu_start, guest_vm_util.h. */
#include "vmtest.h"

TestSuite(vm);

Test(vm, public_members_as_upstream_sets_them)
{
    vm_t *v = test_vm(TEST_RAM);
    cr_assert_eq(v->num_vcpus, 0);
    cr_assert(v->vm_initialised, "vcpuctx_vm_create returns an initialised VM");
    cr_assert_eq(v->run.exit_reason, -1, "no vm_run yet");
    vm_vcpu_t *a = test_vcpu(v), *b = test_vcpu(v);
    cr_assert_eq(v->num_vcpus, 2);
    cr_assert(v->vcpus[BOOT_VCPU] == a && v->vcpus[1] == b, "vcpus[] in creation order");
    cr_assert(a->vm == v && b->vm == v);
    cr_assert(a->vcpu_id == 0 && b->vcpu_id == 1);
    cr_assert(a->target_cpu == -1 && b->target_cpu == -1, "unassigned");
    cr_assert(!is_vcpu_online(a) && !is_vcpu_online(b), "offline until started");
    /* The VMM's own members survive the library's use of the VM. */
    v->vm_name = "test";
    v->vm_id = 7;
    cr_assert_not_null(vcpuctx_guest_ram(v, 0, 16));
    cr_assert(v->vm_id == 7 && strcmp(v->vm_name, "test") == 0);
    vcpuctx_vm_destroy(v);
}

Test(vm, target_cpus_are_unique_and_a_refusal_changes_nothing)
{
    vm_t *v = test_vm(TEST_RAM);
    vm_vcpu_t *a = test_vcpu(v), *b = test_vcpu(v);
    cr_assert(vm_find_free_unassigned_vcpu(v) == a);
    cr_assert_eq(vm_assign_vcpu_target(a, 1), 0);
    cr_assert(vm_vcpu_for_target_cpu(v, 1) == a);
    cr_assert(vm_find_free_unassigned_vcpu(v) == b);
    errno = 0;
    cr_assert_eq(vm_assign_vcpu_target(b, 1), -1, "core 1 has a vCPU already");
    cr_assert_eq(errno, EBUSY);
    cr_assert_eq(b->target_cpu, -1, "the refused vCPU keeps its target");
    cr_assert_eq(vm_assign_vcpu_target(b, -1), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_assign_vcpu_target(NULL, 0), -1);
    cr_assert_eq(vm_assign_vcpu_target(b, 0), 0);
    cr_assert_null(vm_find_free_unassigned_vcpu(v), "both assigned");
    cr_assert_null(vm_vcpu_for_target_cpu(v, 5));
    vcpuctx_vm_destroy(v);
}

static int refuse(vm_vcpu_t *v, void *cookie)
{
    (void)v;
    ++*(int *)cookie;
    return VM_EXIT_HANDLE_ERROR;
}

Test(vm, vcpu_start_and_vm_run_take_the_boot_vcpu_online_and_an_error_offline)
{
    vm_t *v = test_vm(TEST_RAM);
    vm_vcpu_t *a = test_vcpu(v), *b = test_vcpu(v);
    cr_assert_eq(vcpu_start(b), 0);
    cr_assert(is_vcpu_online(b) && !is_vcpu_online(a));
    cr_assert_eq(vcpu_start(NULL), -1);
    cr_assert_eq(errno, EINVAL);
    load_guest(v, "triple");
    setup_protected_mode(a);
    set_field(a, VMX_GUEST_IDTR_LIMIT, 0);
    /* b, online, runs in a thread of vm_run's: a "jmp ." that never exits, until a's error ends the run. */
    memcpy(vcpuctx_guest_ram(v, 0x9000, 2), "\xeb\xfe", 2);
    setup_real_mode(b);
    set_field(b, VMX_GUEST_RIP, 0x9000);
    int n = 0;
    cr_assert_eq(vcpuctx_register_exit_handler(v, EXIT_REASON_TRIPLE_FAULT, refuse, &n), 0);
    int r = run_status(v);
    cr_assert_eq(r, VCPUCTX_RUN_ERROR, "the handler's error ends vm_run (status %d)", r);
    cr_assert_eq(n, 1, "the handler ran once");
    cr_assert_eq(v->run.exit_reason, VM_GUEST_ERROR_EXIT);
    cr_assert(!is_vcpu_online(a), "upstream takes the vCPU offline on an error");
    cr_assert(is_vcpu_online(b), "another vCPU is untouched");
    cr_assert_eq(vcpuctx_vm_run_vcpu(v), a, "a's exit ended the run, not b's");
    vcpuctx_vm_destroy(v);
}

static int never_called(vm_vcpu_t *v)
{
    (void)v;
    cr_assert_fail("KVM never passes a VMCALL to the VMM");
    return 0;
}

/* KVM keeps VMCALL to itself on every host (scripts/exit-facts.c measures it): registration refuses, loudly. */
Test(vm, vmcall_handlers_are_refused_not_ignored)
{
    vm_t *v = test_vm(TEST_RAM);
    errno = 0;
    cr_assert_eq(vm_reg_new_vmcall_handler(v, never_called, 1), -1);
    cr_assert_eq(errno, EOPNOTSUPP);
    cr_assert_eq(vm_reg_new_vmcall_handler(NULL, never_called, 1), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vm_reg_new_vmcall_handler(v, NULL, 1), -1);
    cr_assert_eq(errno, EINVAL);
    vcpuctx_vm_destroy(v);
}
