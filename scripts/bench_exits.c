/* bench_exits.c: cases 1-4 of bench.c: ns per exit of raw KVM loops and of vm_run with three handlers. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define LOAD 0x1000

/* The guest of cases 1-4: OUT to port 0x80 ECX times, then HLT (real mode). */
static const uint8_t loop_guest[] = {0xe6, 0x80, 0x66, 0x49, 0x75, 0xfa, 0xf4};

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* What the raw loop does at each exit: nothing; case 3' (every state access an ioctl); case 3'' (the kernel work
   of a handler that reads the state and writes EAX: KVM_CAP_SYNC_REGS copies regs and sregs out, regs back in);
   case 3f (3'' plus the least user-space work that case 3's answers need: raw_floor). */
enum raw_handler { RAW_NONE, RAW_IOCTLS, RAW_SYNC, RAW_DEEP, RAW_FLOOR };

static volatile uint64_t floor_sink;

/* Case 3f's handler: what case 3 asks for, computed the shortest way this one guest's OUT (e6 80) allows. The code
   bytes are found through CS's base (hence sregs: the length and the qualification's operand-encoding bit are only
   in those bytes), just before RIP (where kvm_pvm leaves it) or at it (kvm_intel's and kvm_amd's fast path, the
   skip pending); the qualification made from kvm_run->io; EAX written; RIP set to the instruction's end, which is
   KVM's RIP (past) or left for KVM's pending skip (at). */
static int raw_floor(struct kvm_run *run, const uint8_t *mem)
{
    struct kvm_regs *g = &run->s.regs.regs;
    uint64_t la = run->s.regs.sregs.cs.base + g->rip;
    if (la < 2 || la + 2 > RAM)
        return -1;
    bool past = mem[la - 2] == 0xe6 && mem[la - 1] == run->io.port;
    if (!past && !(mem[la] == 0xe6 && mem[la + 1] == run->io.port))
        return -1;
    const unsigned len = 2;
    uint64_t qual =
        (uint64_t)run->io.port << 16 | 64u | (run->io.direction == KVM_EXIT_IO_IN ? 8u : 0u) | (run->io.size - 1u);
    uint64_t rip = past ? g->rip - len : g->rip; /* the instruction's own address, as VT-x reports it */
    floor_sink = qual + rip;
    g->rax += 1;
    run->kvm_dirty_regs = KVM_SYNC_X86_REGS; /* RIP stays KVM's: rip + len when past, the skip's when at */
    return 0;
}

/* Case 1': KVM_RUN two frames deeper than the loop (what the library's run path was before it inlined KVM_RUN):
   the host refills the return stack buffer at each exit, so each enclosing frame's return mispredicts. */
__attribute__((noinline)) static int run_inner(int cpu)
{
    int r = ioctl(cpu, KVM_RUN, 0);
    __asm__ volatile("" ::: "memory"); /* a real frame, not a tail call */
    return r;
}

__attribute__((noinline)) static int run_outer(int cpu)
{
    int r = run_inner(cpu);
    __asm__ volatile("" ::: "memory");
    return r;
}

/* Case 1: the limit, bare ioctls. Returns ns per exit; checks the exit count. */
static double raw_kvm(unsigned n, enum raw_handler handler)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vmfd = ioctl(kvm, KVM_CREATE_VM, 0);
    uint8_t *mem = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct kvm_userspace_memory_region r = {0, 0, 0, RAM, (uint64_t)(uintptr_t)mem};
    if (kvm < 0 || vmfd < 0 || mem == MAP_FAILED || ioctl(vmfd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        die("raw KVM set-up");
    memcpy(mem + LOAD, loop_guest, sizeof(loop_guest));
    int cpu = ioctl(vmfd, KVM_CREATE_VCPU, 0);
    struct kvm_run *run =
        mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
    struct kvm_sregs s;
    struct kvm_regs g;
    ioctl(cpu, KVM_GET_SREGS, &s);
    s.cs.base = 0;
    s.cs.selector = 0;
    ioctl(cpu, KVM_SET_SREGS, &s);
    memset(&g, 0, sizeof(g));
    g.rip = LOAD;
    g.rflags = 2;
    g.rcx = n;
    ioctl(cpu, KVM_SET_REGS, &g);
    unsigned exits = 0;
    if (handler == RAW_SYNC || handler == RAW_FLOOR)
        run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    double t0 = now();
    for (;;) {
        if ((handler == RAW_DEEP ? run_outer(cpu) : ioctl(cpu, KVM_RUN, 0)) < 0)
            die("KVM_RUN");
        exits++;
        if (run->exit_reason != KVM_EXIT_IO)
            break;
        if (handler == RAW_SYNC) {
            run->s.regs.regs.rax += 1;
            run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
        } else if (handler == RAW_FLOOR && raw_floor(run, mem) < 0) {
            break;
        } else if (handler == RAW_IOCTLS) { /* what a handler without the cache pays: every state access an ioctl */
            ioctl(cpu, KVM_GET_REGS, &g);
            ioctl(cpu, KVM_GET_SREGS, &s);
            g.rax += 1;
            ioctl(cpu, KVM_SET_REGS, &g);
        }
    }
    double t = now() - t0;
    if (run->exit_reason != KVM_EXIT_HLT || exits != n + 1) {
        fprintf(stderr, "bench: raw loop ended with KVM exit %u after %u exits (want HLT after %u)\n", run->exit_reason,
                exits, n + 1);
        exit(1);
    }
    close(cpu);
    close(vmfd);
    close(kvm);
    munmap(mem, RAM);
    return t / exits;
}

static ioport_fault_result_t null_out(vm_vcpu_t *v, void *c, unsigned p, unsigned s, unsigned val)
{
    (void)v, (void)c, (void)p, (void)s, (void)val;
    return IO_FAULT_HANDLED;
}

static int stop(vm_vcpu_t *v, void *c)
{
    (void)v, (void)c;
    return VCPUCTX_EXIT_STOP;
}

/* Case 3's handler: the whole context, RIP, qualification, length; EAX written; RIP advanced. */
static int sel4_handler(vm_vcpu_t *v, void *c)
{
    seL4_VCPUContext ctx;
    seL4_Word rip, qual, len;
    (void)c;
    if (vm_get_thread_context(v, &ctx) || vm_get_vmcs_field(v, VMX_GUEST_RIP, &rip) ||
        vm_get_vmcs_field(v, VMX_DATA_EXIT_QUALIFICATION, &qual) ||
        vm_get_vmcs_field(v, VMX_DATA_EXIT_INSTRUCTION_LENGTH, &len) ||
        vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, ctx.eax + 1) || vm_set_vmcs_field(v, VMX_GUEST_RIP, rip + len))
        return VM_EXIT_HANDLE_ERROR;
    return (qual >> 16) == 0x80 ? VM_EXIT_HANDLED : VM_EXIT_HANDLE_ERROR;
}

/* Case 3b's port handler: a device model that reads the exit qualification only (the VT-x view is made for it). */
static ioport_fault_result_t qual_out(vm_vcpu_t *v, void *c, unsigned p, unsigned s, unsigned val)
{
    seL4_Word qual = 0;
    (void)c, (void)s, (void)val;
    if (vm_get_vmcs_field(v, VMX_DATA_EXIT_QUALIFICATION, &qual) || (qual >> 16) != p)
        return IO_FAULT_ERROR;
    return IO_FAULT_HANDLED;
}

/* Cases 2, 3 and 3b through vm_run; checks the exit count and, for the seL4 handler, EAX. */
struct lib_result lib_case(unsigned n, enum handler h)
{
    bool sel4 = h == H_SEL4;
    vm_t *vm = vcpuctx_vm_create(RAM);
    vm_vcpu_t *v = vm ? vm_create_vcpu(vm, 0) : NULL;
    if (!v)
        die("vcpuctx_vm_create");
    memcpy(vcpuctx_guest_ram(vm, LOAD, sizeof(loop_guest)), loop_guest, sizeof(loop_guest));
    vm_set_vmcs_field(v, VMX_GUEST_CS_SELECTOR, 0);
    vm_set_vmcs_field(v, VMX_GUEST_CS_BASE, 0);
    vm_set_vmcs_field(v, VMX_GUEST_RIP, LOAD);
    vm_set_thread_context_reg(v, VCPU_CONTEXT_ECX, n);
    vm_set_thread_context_reg(v, VCPU_CONTEXT_EAX, 0);
    if (sel4)
        vcpuctx_register_exit_handler(vm, EXIT_REASON_IO_INSTRUCTION, sel4_handler, NULL);
    else
        vm_io_port_add_handler(vm, (vm_ioport_range_t){0x80, 0x80},
                               (vm_ioport_interface_t){.port_out = h == H_QUAL ? qual_out : null_out});
    vcpuctx_register_exit_handler(vm, EXIT_REASON_HLT, stop, NULL);
    struct vcpuctx_stats a, b;
    vcpuctx_vcpu_stats(v, &a);
    double t0 = now();
    int ret = vm_run(vm);
    double t = now() - t0;
    int r = vcpuctx_vm_run_status(vm);
    vcpuctx_vcpu_stats(v, &b);
    seL4_Word eax = 0;
    vm_get_thread_context_reg(v, VCPU_CONTEXT_EAX, &eax);
    uint64_t exits = b.exits - a.exits;
    if (ret != 0 || r != VCPUCTX_RUN_STOPPED || exits != n + 1 || (sel4 && eax != n)) {
        fprintf(stderr, "bench: vm_run ended with status %d after %llu exits, EAX %llu (want stop after %u)\n", r,
                (unsigned long long)exits, (unsigned long long)eax, n + 1);
        exit(1);
    }
    vcpuctx_vm_destroy(vm);
    /* The first entry also writes the initial state: count the steady state only. */
    return (struct lib_result){t / (double)exits, (double)(b.vcpu_ioctls - a.vcpu_ioctls - 1) / (double)(exits - 1)};
}

/* Cases 1-4, interleaved so that noise hits every case alike: ratios and differences to the raw loop run just
   before each, medians of those. */
void exit_cases(unsigned n, struct results *r)
{
    double raw[REPS], r_null[REPS], r_sel4[REPS], r_qual[REPS], r_ioctl[REPS], d_null[REPS], d_sel4[REPS], d_qual[REPS],
        d_sync[REPS], d_deep[REPS], d_floor[REPS];
    raw_kvm(200, RAW_NONE); /* warm-up */
    for (int i = 0; i < REPS; i++) {
        raw[i] = raw_kvm(n, RAW_NONE);
        struct lib_result a = lib_case(n, H_NULL), b = lib_case(n, H_SEL4), c = lib_case(n, H_QUAL);
        r_null[i] = a.ns_per_exit / raw[i], d_null[i] = a.ns_per_exit - raw[i];
        r_sel4[i] = b.ns_per_exit / raw[i], d_sel4[i] = b.ns_per_exit - raw[i];
        r_qual[i] = c.ns_per_exit / raw[i], d_qual[i] = c.ns_per_exit - raw[i];
        r_ioctl[i] = raw_kvm(n, RAW_IOCTLS) / raw[i];
        d_sync[i] = raw_kvm(n, RAW_SYNC) - raw[i];
        d_deep[i] = raw_kvm(n, RAW_DEEP) - raw[i];
        d_floor[i] = raw_kvm(n, RAW_FLOOR) - raw[i];
        r->ipe_null = max2(r->ipe_null, a.ioctls_per_exit);
        r->ipe_sel4 = max2(r->ipe_sel4, b.ioctls_per_exit);
        r->ipe_qual = max2(r->ipe_qual, c.ioctls_per_exit);
    }
    r->raw = median(raw, REPS);
    r->null_ratio = median(r_null, REPS);
    r->sel4_ratio = median(r_sel4, REPS);
    r->qual_ratio = median(r_qual, REPS);
    r->ioctl_ratio = median(r_ioctl, REPS);
    r->null_ns = median(d_null, REPS);
    r->sel4_ns = median(d_sel4, REPS);
    r->qual_ns = median(d_qual, REPS);
    r->sync_ns = median(d_sync, REPS);
    r->deep_ns = median(d_deep, REPS);
    r->floor_ns = median(d_floor, REPS);
}
