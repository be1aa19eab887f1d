/* test_ram.c: libsel4vm's guest RAM: registered regions a guest uses, allocation bookkeeping, vm_ram_touch. */
#include <sys/mman.h>

#include <sel4vm/guest_ram.h>

#include "vmtest.h"

TestSuite(ram, .fini = teardown);

#define HIGH 0x1000000u /* 16 MiB: past TEST_RAM */

static void expect_regions(int n, const struct vm_ram_region *want)
{
    cr_assert_eq(vm->mem.num_ram_regions, n, "%d regions, want %d", vm->mem.num_ram_regions, n);
    for (int i = 0; i < n; i++) {
        const struct vm_ram_region *r = &vm->mem.ram_regions[i];
        cr_assert(r->start == want[i].start && r->size == want[i].size && r->allocated == want[i].allocated,
                  "region %d: 0x%lx+0x%zx %d, want 0x%lx+0x%zx %d", i, (unsigned long)r->start, r->size, r->allocated,
                  (unsigned long)want[i].start, want[i].size, want[i].allocated);
    }
}

Test(ram, a_guest_uses_ram_registered_after_the_vm_was_made)
{
    vm = test_vm(TEST_RAM);
    expect_regions(1, (struct vm_ram_region[]){{0, TEST_RAM, 0}});
    cr_assert_eq(vm_ram_register_at(vm, 0, TEST_RAM, false), 0, "vcpuctx_vm_create's RAM is registered already");
    cr_assert_eq(vm_ram_register_at(vm, HIGH, 0x100000, true), 0, "%s", strerror(errno));
    expect_regions(2, (struct vm_ram_region[]){{0, TEST_RAM, 0}, {HIGH, 0x100000, 0}});
    uint32_t word = 0xc0ffee11, back = 0;
    cr_assert_eq(vm_ram_touch(vm, HIGH, 4, vm_guest_ram_write_callback, &word), 0);
    vcpu = test_vcpu(vm);
    load_guest(vm, "ram");
    setup_protected_mode(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu), word, "the guest read 0x%x", out_value(vcpu));
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_HLT);
    cr_assert_eq(vm_ram_touch(vm, HIGH + 4, 4, vm_guest_ram_read_callback, &back), 0);
    cr_assert_eq(back, ~word, "the guest's write, read back: 0x%x", back);
    uint32_t *p = vcpuctx_guest_ram(vm, HIGH + 4, 4);
    cr_assert(p && *p == ~word, "vcpuctx_guest_ram reaches registered RAM too");
}

Test(ram, refused_registrations_change_nothing)
{
    vm = test_vm(TEST_RAM);
    cr_assert_not_null(vm_reserve_memory_at(vm, HIGH, 0x1000, default_error_fault_callback, NULL));
    struct {
        uintptr_t start;
        size_t bytes;
        int err;
    } bad[] = {
        {TEST_RAM - 0x1000, 0x2000, EBUSY}, /* runs out of the RAM vcpuctx_vm_create made */
        {HIGH, 0x1000, EBUSY},              /* the reservation */
        {HIGH + 0x800, 0x1000, EINVAL},     /* unaligned */
        {HIGH * 2, 0x800, EINVAL},          /* not whole pages */
        {HIGH * 2, 0, EINVAL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        cr_assert_eq(vm_ram_register_at(vm, bad[i].start, bad[i].bytes, false), -1, "case %zu", i);
        cr_assert_eq(errno, bad[i].err, "case %zu: errno %d", i, errno);
    }
    expect_regions(1, (struct vm_ram_region[]){{0, TEST_RAM, 0}});
    cr_assert_null(vcpuctx_guest_ram(vm, HIGH, 1));
    cr_assert_eq(vm_ram_register_at(NULL, HIGH, 0x1000, false), -1);
}

Test(ram, register_finds_room_past_ram_roms_and_reservations)
{
    vm = test_vm(TEST_RAM);
    cr_assert_not_null(vm_reserve_memory_at(vm, TEST_RAM, 0x2000, default_error_fault_callback, NULL));
    uintptr_t at = vm_ram_register(vm, 0x10000);
    cr_assert_eq(at, TEST_RAM + 0x2000, "past the reservation: 0x%lx", (unsigned long)at);
    uintptr_t next = vm_ram_register(vm, 0x1000);
    cr_assert_eq(next, at + 0x10000, "after the last RAM");
    expect_regions(2, (struct vm_ram_region[]){{0, TEST_RAM, 0}, {at, 0x11000, 0}});
    errno = 0;
    cr_assert_eq(vm_ram_register(vm, VCPUCTX_RAM_MAX), 0, "no room below the 32-bit hole");
    cr_assert_eq(errno, ENOMEM);
}

Test(ram, allocation_splits_and_merges_regions_as_upstream)
{
    vm = test_vm(TEST_RAM);
    cr_assert_eq(vm_ram_allocate(vm, 0x3000), 0, "the first free region starts at 0");
    expect_regions(2, (struct vm_ram_region[]){{0, 0x3000, 1}, {0x3000, TEST_RAM - 0x3000, 0}});
    vm_ram_mark_allocated(vm, 0x100000, 0x1000);
    expect_regions(4, (struct vm_ram_region[]){{0, 0x3000, 1},
                                               {0x3000, 0x100000 - 0x3000, 0},
                                               {0x100000, 0x1000, 1},
                                               {0x101000, TEST_RAM - 0x101000, 0}});
    vm_ram_mark_allocated(vm, 0x2000, 0x2000); /* across two regions: ignored, as upstream */
    cr_assert_eq(vm->mem.num_ram_regions, 4);
    uintptr_t a;
    size_t n;
    cr_assert_eq(vm_ram_find_largest_free_region(vm, &a, &n), 0);
    cr_assert(a == 0x101000 && n == TEST_RAM - 0x101000);
    cr_assert_eq(vm_ram_allocate(vm, 0x4000), 0x3000, "first fit");
    vm_ram_free(vm, 0x100000, 0x1000);
    vm_ram_free(vm, 0, 0x7000);
    expect_regions(1, (struct vm_ram_region[]){{0, TEST_RAM, 0}});
    errno = 0;
    cr_assert_eq(vm_ram_allocate(vm, TEST_RAM + 0x1000), 0);
    cr_assert_eq(errno, ENOMEM);
    vm_ram_mark_allocated(vm, 0, TEST_RAM);
    cr_assert_eq(vm_ram_find_largest_free_region(vm, &a, &n), -1, "all allocated");
}

struct touches {
    int calls;
    int stop_at;
};

static int count_touch(vm_t *v, uintptr_t addr, void *host, size_t size, size_t offset, void *cookie)
{
    struct touches *t = cookie;
    cr_assert(host == vcpuctx_guest_ram(v, addr, size), "the VMM's pointer to the piece");
    cr_assert(size <= 0x1000 - (addr & 0xfff), "a piece ends at its page's end");
    (void)offset;
    return ++t->calls == t->stop_at ? 7 : 0;
}

Test(ram, touch_goes_page_by_page_and_copies_in_order)
{
    vm = test_vm(TEST_RAM);
    uint8_t out[6000], in[6000];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 7 + 1);
    cr_assert_eq(vm_ram_touch(vm, 0x2f00, sizeof(out), vm_guest_ram_write_callback, out), 0);
    cr_assert_eq(memcmp(vcpuctx_guest_ram(vm, 0x2f00, sizeof(out)), out, sizeof(out)), 0, "three pages, in order");
    memset(in, 0, sizeof(in));
    cr_assert_eq(vm_ram_touch(vm, 0x2f00, sizeof(in), vm_guest_ram_read_callback, in), 0);
    cr_assert_eq(memcmp(in, out, sizeof(in)), 0);
    struct touches t = {0, 0};
    cr_assert_eq(vm_ram_touch(vm, 0x2f00, sizeof(in), count_touch, &t), 0);
    cr_assert_eq(t.calls, 3, "0x2f00-0x2fff, 0x3000-0x3fff, 0x4000-0x466f");
    t = (struct touches){0, 2};
    cr_assert_eq(vm_ram_touch(vm, 0x2f00, sizeof(in), count_touch, &t), 7, "the callback's result stops it");
    cr_assert_eq(t.calls, 2);
    t = (struct touches){0, 0};
    errno = 0;
    cr_assert_eq(vm_ram_touch(vm, TEST_RAM - 4, 8, count_touch, &t), -1, "runs past RAM");
    cr_assert_eq(errno, EFAULT);
    cr_assert_eq(t.calls, 0, "nothing is touched");
}

/* RAM the caller owns: shared memory another mapping (another process, in a Microkit system) sees as it changes. */
Test(ram, a_guest_runs_in_ram_the_caller_lends)
{
    size_t low = TEST_RAM, high = 0x100000;
    uint8_t *mem = mmap(NULL, low + high, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(mem, MAP_FAILED);
    vm = vcpuctx_vm_create_on(mem, low);
    if (!vm && errno == ENOENT)
        cr_skip_test("/dev/kvm does not exist on this machine");
    cr_assert_not_null(vm, "vcpuctx_vm_create_on: %s", strerror(errno));
    cr_assert_eq(vcpuctx_vm_map_ram(vm, HIGH, mem + low, high), 0, "%s", strerror(errno));
    expect_regions(2, (struct vm_ram_region[]){{0, TEST_RAM, 0}, {HIGH, 0x100000, 0}});
    *(uint32_t *)(mem + low) = 0x5ca1ab1e;
    vcpu = test_vcpu(vm);
    load_guest(vm, "ram");
    cr_assert_eq(memcmp(vcpuctx_guest_ram(vm, LOAD_ADDR, 4), mem + LOAD_ADDR, 4), 0, "RAM at 0 is the lent memory");
    setup_protected_mode(vcpu);
    run_expect(vcpu, EXIT_REASON_IO_INSTRUCTION);
    cr_assert_eq(out_value(vcpu), 0x5ca1ab1e, "the guest read 0x%x", out_value(vcpu));
    advance(vcpu);
    run_expect(vcpu, EXIT_REASON_HLT);
    cr_assert_eq(*(uint32_t *)(mem + low + 4), ~0x5ca1ab1eu, "the guest's write is in the lender's memory");
    vcpuctx_vm_destroy(vm);
    vm = NULL;
    cr_assert_eq(*(uint32_t *)(mem + low + 4), ~0x5ca1ab1eu, "destroying the VM leaves the memory mapped");
    munmap(mem, low + high);
}

Test(ram, lent_ram_is_refused_when_misplaced)
{
    static uint8_t page[8192] __attribute__((aligned(4096)));
    errno = 0;
    cr_assert_null(vcpuctx_vm_create_on(page + 1, 4096));
    cr_assert_eq(errno, EINVAL, "misaligned memory");
    cr_assert_null(vcpuctx_vm_create_on(page, 0));
    cr_assert_eq(errno, EINVAL, "memory without a size");
    cr_assert_null(vcpuctx_vm_create_on(NULL, 4096));
    cr_assert_eq(errno, EINVAL, "a size without memory");
    vm = vcpuctx_vm_create_on(NULL, 0);
    if (!vm && errno == ENOENT)
        cr_skip_test("/dev/kvm does not exist on this machine");
    cr_assert_not_null(vm, "a VM with no RAM at 0: %s", strerror(errno));
    cr_assert_eq(vm->mem.num_ram_regions, 0);
    cr_assert_eq(vcpuctx_vm_map_ram(vm, 0, page, 8192), 0, "%s", strerror(errno));
    struct {
        uint64_t gpa;
        void *host;
        size_t bytes;
        int err;
    } bad[] = {
        {0x1000, page, 4096, EBUSY},       /* over the block just added */
        {0x10000, page + 8, 4096, EINVAL}, /* misaligned memory */
        {0x10800, page, 4096, EINVAL},     /* misaligned address */
        {0x10000, page, 100, EINVAL},      /* not whole pages */
        {0x10000, NULL, 4096, EINVAL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        cr_assert_eq(vcpuctx_vm_map_ram(vm, bad[i].gpa, bad[i].host, bad[i].bytes), -1, "case %zu", i);
        cr_assert_eq(errno, bad[i].err, "case %zu: errno %d", i, errno);
    }
    expect_regions(1, (struct vm_ram_region[]){{0, 8192, 0}});
}
