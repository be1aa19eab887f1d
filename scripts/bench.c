/* bench.c: what libvcpuctx costs over raw KVM, and vcpuctx-run's start-up next to QEMU; medians, side by side. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vcpuctx.h>

#define RAM  (1u << 20)
#define LOAD 0x1000
#define REPS 7

extern char **environ;

/* The guest of cases 1-4: OUT to port 0x80 ECX times, then HLT (real mode). */
static const uint8_t loop_guest[] = {0xe6, 0x80, 0x66, 0x49, 0x75, 0xfa, 0xf4};

static double now(void)
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

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* What the raw loop does at each exit: nothing; case 3' (every state access an ioctl); case 3'' (the kernel work
   of a handler that reads the state and writes EAX: KVM_CAP_SYNC_REGS copies regs and sregs out, regs back in);
   case 3f (3'' plus the least user-space work that case 3's answers need: raw_floor). */
enum raw_handler { RAW_NONE, RAW_IOCTLS, RAW_SYNC, RAW_DEEP, RAW_FLOOR };

static volatile uint64_t floor_sink;

/* Case 3f's handler: what case 3 asks for, computed the shortest way this one guest allows. The code bytes are
   found through CS's base (hence sregs: KVM reports RIP past the OUT, and the length and the qualification's
   operand-encoding bit are in those bytes), the qualification made from kvm_run->io, EAX written, RIP set. */
static int raw_floor(struct kvm_run *run, const uint8_t *mem)
{
    struct kvm_regs *g = &run->s.regs.regs;
    uint64_t la = run->s.regs.sregs.cs.base + g->rip;
    unsigned len = la >= 2 && la < RAM && mem[la - 2] == 0xe6 && mem[la - 1] == run->io.port ? 2
                   : la >= 1 && la < RAM && mem[la - 1] == 0xee                              ? 1
                                                                                             : 0;
    if (!len)
        return -1;
    uint64_t qual = (uint64_t)run->io.port << 16 | (len == 2 ? 64u : 0u) |
                    (run->io.direction == KVM_EXIT_IO_IN ? 8u : 0u) | (run->io.size - 1u);
    uint64_t rip = g->rip - len; /* the instruction's own address, as VT-x reports it */
    floor_sink = qual;
    g->rax += 1;
    g->rip = rip + len;
    run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
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

enum handler { H_NULL, H_SEL4, H_QUAL };

struct lib_result {
    double ns_per_exit, ioctls_per_exit;
};

/* Cases 2, 3 and 3b through vm_run; checks the exit count and, for the seL4 handler, EAX. */
static struct lib_result lib_case(unsigned n, enum handler h)
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

static long perf_open_instructions(void)
{
    struct perf_event_attr pe;
    memset(&pe, 0, sizeof(pe));
    pe.type = PERF_TYPE_HARDWARE;
    pe.size = sizeof(pe);
    pe.config = PERF_COUNT_HW_INSTRUCTIONS;
    pe.disabled = 1;
    pe.exclude_kernel = 1;
    pe.exclude_hv = 1;
    return syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0);
}

/* Case 5: cached accessors outside the loop: ns per call, and instructions per call where perf counts them. */
static void accessor_case(double *ns, double *insns)
{
    vm_t *vm = vcpuctx_vm_create(RAM);
    vm_vcpu_t *v = vm ? vm_create_vcpu(vm, 0) : NULL;
    if (!v)
        die("vcpuctx_vm_create");
    seL4_Word x;
    vm_get_thread_context_reg(v, VCPU_CONTEXT_EAX, &x); /* fill the cache */
    vm_get_vmcs_field(v, VMX_GUEST_CR0, &x);
    const int calls = 1000000;
    struct vcpuctx_stats a, b;
    vcpuctx_vcpu_stats(v, &a);
    long fd = perf_open_instructions();
    uint64_t count = 0;
    if (fd >= 0) {
        ioctl((int)fd, PERF_EVENT_IOC_RESET, 0);
        ioctl((int)fd, PERF_EVENT_IOC_ENABLE, 0);
    }
    double t0 = now();
    for (int i = 0; i < calls; i++) {
        vm_get_thread_context_reg(v, VCPU_CONTEXT_EBX, &x);
        vm_get_vmcs_field(v, VMX_GUEST_RIP, &x);
        vm_set_vmcs_field(v, VMX_GUEST_RSP, x);
    }
    double t = now() - t0;
    if (fd >= 0) {
        ioctl((int)fd, PERF_EVENT_IOC_DISABLE, 0);
        if (read((int)fd, &count, sizeof(count)) != sizeof(count))
            count = 0;
        close((int)fd);
    }
    vcpuctx_vcpu_stats(v, &b);
    if (b.vcpu_ioctls != a.vcpu_ioctls) {
        fprintf(stderr, "bench: cached accessors made %llu ioctls\n",
                (unsigned long long)(b.vcpu_ioctls - a.vcpu_ioctls));
        exit(1);
    }
    *ns = t / (3.0 * calls);
    *insns = count ? (double)count / (3.0 * calls) : -1;
    vcpuctx_vm_destroy(vm);
}

/* Case 6: one whole process, wall time; its status and output are checked. */
static double run_process(const char *const *argv, int want_status, const char *out_path, const char *want_out)
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double t0 = now();
    if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0)
        die(argv[0]);
    int st;
    waitpid(pid, &st, 0);
    double t = now() - t0;
    posix_spawn_file_actions_destroy(&fa);
    static char buf[65536];
    memset(buf, 0, sizeof(buf));
    FILE *f = fopen(out_path, "r");
    size_t got = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != want_status || got == 0 || !strstr(buf, want_out)) {
        fprintf(stderr, "bench: %s: status %d, output '%s'\n", argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1, buf);
        exit(1);
    }
    return t;
}

/* --accessors N: only N rounds of the three cached calls (for callgrind's instruction counts). */
static int accessors_only(long rounds)
{
    vm_t *vm = vcpuctx_vm_create(RAM);
    vm_vcpu_t *v = vm ? vm_create_vcpu(vm, 0) : NULL;
    if (!v)
        die("vcpuctx_vm_create");
    seL4_Word x = 0;
    vm_get_vmcs_field(v, VMX_GUEST_CR0, &x);
    for (long i = 0; i < rounds; i++) {
        vm_get_thread_context_reg(v, VCPU_CONTEXT_EBX, &x);
        vm_get_vmcs_field(v, VMX_GUEST_RIP, &x);
        vm_set_vmcs_field(v, VMX_GUEST_RSP, x);
    }
    vcpuctx_vm_destroy(vm);
    return 0;
}

/* Every figure, as medians or ratios of medians. */
struct results {
    double raw, null_ratio, sel4_ratio, qual_ratio, ioctl_ratio, ipe_null, ipe_sel4, ipe_qual, acc_ns, acc_insn;
    double null_ns, sel4_ns, qual_ns; /* ns per exit over the raw loop's, medians of the side-by-side differences */
    double sync_ns;                   /* the same for the raw loop with case 3's KVM work (3'') */
    double floor_ns;                  /* the same for 3'' with case 3's least user-space work (3f) */
    double deep_ns;                   /* the same for the raw loop with KVM_RUN two frames deeper (1') */
    bool have_qemu, have_bios;
    double t_ours, t_irq, t_tcg, t_kvm, s_tcg, s_kvm, t_sb, t_qsb, r_sb;
};

static double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Cases 1-4, interleaved so that noise hits every case alike: ratios and differences to the raw loop run just
   before each, medians of those. */
static void exit_cases(unsigned n, struct results *r)
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

#define QEMU_BIN "/usr/bin/qemu-system-x86_64"
#define DBG_OUT  "/tmp/vcpuctx-bench.dbg"

/* Case 6: whole-process start-up on the same ROM and devices. */
static void startup_cases(const char *vmm, const char *rom, struct results *r)
{
    const char *dbgopt = "--debugcon=file:" DBG_OUT, *want = "Hello from real mode!";
    const char *ours[] = {vmm, dbgopt, "--serial=none", rom, NULL};
    const char *irq[] = {vmm, "--irqchip=on", dbgopt, "--serial=none", rom, NULL};
    const char *tcg[] = {QEMU_BIN,
                         "-accel",
                         "tcg",
                         "-display",
                         "none",
                         "-nodefaults",
                         "-no-reboot",
                         "-m",
                         "64",
                         "-bios",
                         rom,
                         "-chardev",
                         "file,id=d,path=" DBG_OUT,
                         "-device",
                         "isa-debugcon,iobase=0xe9,chardev=d",
                         "-device",
                         "isa-debug-exit,iobase=0xf4,iosize=4",
                         "-monitor",
                         "none",
                         NULL};
    const char *kvm[sizeof(tcg) / sizeof(tcg[0])];
    memcpy(kvm, tcg, sizeof(tcg));
    kvm[2] = "kvm";
    r->have_qemu = access(QEMU_BIN, X_OK) == 0;
    double t_ours[REPS], t_irq[REPS], t_tcg[REPS], t_kvm[REPS], s_tcg[REPS], s_kvm[REPS];
    for (int i = 0; i < REPS; i++) {
        t_ours[i] = run_process(ours, 1, DBG_OUT, want);
        t_irq[i] = run_process(irq, 1, DBG_OUT, want);
        if (r->have_qemu) {
            t_tcg[i] = run_process(tcg, 1, DBG_OUT, want);
            t_kvm[i] = run_process(kvm, 1, DBG_OUT, want);
            s_tcg[i] = t_tcg[i] / t_ours[i];
            s_kvm[i] = t_kvm[i] / t_ours[i];
        }
    }
    r->t_ours = median(t_ours, REPS);
    r->t_irq = median(t_irq, REPS);
    if (r->have_qemu) {
        r->t_tcg = median(t_tcg, REPS);
        r->t_kvm = median(t_kvm, REPS);
        r->s_tcg = median(s_tcg, REPS);
        r->s_kvm = median(s_kvm, REPS);
    }
}

/* Case 7: unmodified SeaBIOS to "No bootable device" and its reset, both with no wait before rebooting. */
static void seabios_case(const char *vmm, struct results *r)
{
    const char *bios = "/usr/share/seabios/bios.bin", *want = "No bootable device.";
    r->have_bios = r->have_qemu && access(bios, R_OK) == 0;
    if (!r->have_bios)
        return;
    const char *ours[] = {vmm, "--no-reboot", "--timeout=120", "--serial=none", "--debugcon=file:" DBG_OUT, bios, NULL};
    const char *qemu[] = {QEMU_BIN,
                          "-accel",
                          "kvm",
                          "-display",
                          "none",
                          "-nodefaults",
                          "-no-reboot",
                          "-m",
                          "64",
                          "-boot",
                          "reboot-timeout=0",
                          "-bios",
                          bios,
                          "-chardev",
                          "file,id=d,path=" DBG_OUT,
                          "-device",
                          "isa-debugcon,iobase=0x402,chardev=d",
                          "-monitor",
                          "none",
                          NULL};
    double t[3], q[3], ratio[3];
    for (int i = 0; i < 3; i++) {
        t[i] = run_process(ours, 0, DBG_OUT, want);
        q[i] = run_process(qemu, 0, DBG_OUT, want);
        ratio[i] = t[i] / q[i];
    }
    r->t_sb = median(t, 3);
    r->t_qsb = median(q, 3);
    r->r_sb = median(ratio, 3);
}

static void print_table(const struct results *r)
{
    printf("%-58s %12s %8s\n", "case (median of 7, side by side)", "value", "goal");
    printf("%-58s %9.0f ns %8s\n", "1 raw KVM loop, bare ioctls: per exit", r->raw, "");
    printf("%-58s %9.0f ns %8s\n", "1' raw loop, KVM_RUN two frames deeper: over 1", r->deep_ns, "");
    printf("%-58s %9.0f ns %8s\n", "2 vm_run, null port handler: per exit over 1", r->null_ns, "<= 100");
    printf("%-58s %12.3f %8s\n", "2 the same as a ratio to 1", r->null_ratio, "<= 1.05");
    printf("%-58s %9.0f ns %8s\n", "3 seL4-style handler, public API: per exit over 1", r->sel4_ns, "<= 250");
    printf("%-58s %12.3f %8s\n", "3 the same as a ratio to 1", r->sel4_ratio, "<= 1.10");
    printf("%-58s %9.0f ns %8s\n", "3'' raw loop, regs+sregs out, EAX in (SYNC_REGS): over 1", r->sync_ns, "");
    printf("%-58s %9.0f ns %8s\n", "3f 3'' plus the least decode case 3 needs: its floor, over 1", r->floor_ns, "");
    printf("%-58s %9.0f ns %8s\n", "3 over 3f: the library's own part of case 3", r->sel4_ns - r->floor_ns, "");
    printf("%-58s %9.0f ns %8s\n", "3b port handler reading the qualification: over 1", r->qual_ns, "");
    printf("%-58s %12.3f %8s\n", "3' seL4 handler on KVM_GET/SET_REGS, GET_SREGS: ratio", r->ioctl_ratio, "");
    printf("%-58s %4.2f/%4.2f/%4.2f %8s\n", "4 vCPU ioctls per exit, cases 2 / 3 / 3b", r->ipe_null, r->ipe_sel4,
           r->ipe_qual, "1");
    printf("%-58s %9.1f ns %8s\n", "5 cached get/set call, outside the loop", r->acc_ns, "");
    if (r->acc_insn >= 0)
        printf("%-58s %12.0f %8s\n", "5 instructions per call (perf)", r->acc_insn, "tens");
    else
        printf("%-58s %12s %8s\n", "5 instructions per call", "no perf", "tens");
    printf("%-58s %9.1f ms %8s\n", "6 vcpuctx-run hello.rom, whole process", r->t_ours / 1e6, "");
    printf("%-58s %9.1f ms %8s\n", "6 the same with --irqchip=on (PIC, APIC, PIT like QEMU)", r->t_irq / 1e6, "");
    if (r->have_qemu) {
        printf("%-58s %9.1f ms %8s\n", "6 QEMU -accel tcg, same ROM and devices", r->t_tcg / 1e6, "");
        printf("%-58s %9.1f ms %8s\n", "6 QEMU -accel kvm", r->t_kvm / 1e6, "");
        printf("%-58s %12.2f %8s\n", "6 start-up speed-up vs QEMU TCG (QEMU / ours)", r->s_tcg, ">= 5");
        printf("%-58s %12.2f %8s\n", "6 start-up speed-up vs QEMU KVM", r->s_kvm, "");
    }
    if (r->have_bios) {
        printf("%-58s %9.0f ms %8s\n", "7 SeaBIOS to \"No bootable device\", vcpuctx-run (median of 3)", r->t_sb / 1e6,
               "");
        printf("%-58s %9.0f ms %8s\n", "7 the same under QEMU -accel kvm", r->t_qsb / 1e6, "");
        printf("%-58s %12.2f %8s\n", "7 ratio, ours / QEMU", r->r_sb, "<= 1.0");
    }
}

static void write_json(const char *path, const struct results *r, unsigned n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die(path);
    fprintf(f, "{\n  \"raw_ns_per_exit\": %.1f,\n  \"null_handler_ratio\": %.4f,\n  \"sel4_handler_ratio\": %.4f,\n",
            r->raw, r->null_ratio, r->sel4_ratio);
    fprintf(f, "  \"qual_handler_ratio\": %.4f,\n  \"null_handler_ns_over_raw\": %.1f,\n", r->qual_ratio, r->null_ns);
    fprintf(f, "  \"sel4_handler_ns_over_raw\": %.1f,\n  \"qual_handler_ns_over_raw\": %.1f,\n", r->sel4_ns,
            r->qual_ns);
    fprintf(f, "  \"raw_sync_handler_ns_over_raw\": %.1f,\n  \"raw_deeper_run_ns_over_raw\": %.1f,\n", r->sync_ns,
            r->deep_ns);
    fprintf(f, "  \"raw_sel4_floor_ns_over_raw\": %.1f,\n", r->floor_ns);
    fprintf(f, "  \"ioctl_handler_ratio\": %.4f,\n  \"ioctls_per_exit\": %.3f,\n  \"accessor_ns_per_call\": %.2f,\n",
            r->ioctl_ratio, max2(r->ipe_null, max2(r->ipe_sel4, r->ipe_qual)), r->acc_ns);
    if (r->acc_insn >= 0)
        fprintf(f, "  \"accessor_instructions_per_call\": %.1f,\n", r->acc_insn);
    else
        fprintf(f, "  \"accessor_instructions_per_call\": null,\n");
    if (r->have_qemu)
        fprintf(f, "  \"startup_speedup_vs_qemu_tcg\": %.3f,\n  \"startup_speedup_vs_qemu_kvm\": %.3f,\n", r->s_tcg,
                r->s_kvm);
    if (r->have_bios)
        fprintf(f, "  \"seabios_ratio_vs_qemu_kvm\": %.3f,\n  \"seabios_ms\": %.0f,\n", r->r_sb, r->t_sb / 1e6);
    fprintf(f, "  \"startup_irqchip_ms\": %.2f,\n", r->t_irq / 1e6);
    fprintf(f, "  \"startup_ms\": %.2f,\n  \"repetitions\": %d,\n  \"exits_per_run\": %u\n}\n", r->t_ours / 1e6, REPS,
            n + 1);
    fclose(f);
    printf("wrote %s\n", path);
}

/* The KVM module of this host: kvm_intel, kvm_amd or kvm_pvm. */
static const char *kvm_module(void)
{
    static const char *const mods[] = {"kvm_intel", "kvm_amd", "kvm_pvm"};
    char path[64];
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
        if (access(path, F_OK) == 0)
            return mods[i];
    }
    return "unknown";
}

/* --host [N]: cases 1-4 only (N exits a run), as one line of scripts/bench-hosts.sh's per-host table (it runs
   this in each tier, with fewer exits: an exit there costs 20-50 times one here). */
static int host_only(unsigned n)
{
    struct results r = {0};
    exit_cases(n, &r);
    printf(
        "bench-host %s raw_ns=%.0f null_over_ns=%.0f sel4_over_ns=%.0f qual_over_ns=%.0f sync_over_ns=%.0f "
        "deep_over_ns=%.0f floor_over_ns=%.0f null_ratio=%.3f sel4_ratio=%.3f ioctl_ratio=%.3f ioctls=%.2f/%.2f/%.2f\n",
        kvm_module(), r.raw, r.null_ns, r.sel4_ns, r.qual_ns, r.sync_ns, r.deep_ns, r.floor_ns, r.null_ratio,
        r.sel4_ratio, r.ioctl_ratio, r.ipe_null, r.ipe_sel4, r.ipe_qual);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--accessors") == 0)
        return accessors_only(atol(argv[2]));
    if (argc == 4 && strcmp(argv[1], "--exits") == 0) { /* --exits null|sel4|qual N: one run, for callgrind */
        enum handler h = strcmp(argv[2], "sel4") == 0 ? H_SEL4 : strcmp(argv[2], "qual") == 0 ? H_QUAL : H_NULL;
        printf("%.0f ns per exit\n", lib_case((unsigned)atol(argv[3]), h).ns_per_exit);
        return 0;
    }
    if (argc >= 2 && argc <= 3 && strcmp(argv[1], "--host") == 0)
        return host_only(argc == 3 ? (unsigned)atol(argv[2]) : 20000);
    const char *vmm = argc > 1 ? argv[1] : "build/vcpuctx-run";
    const char *rom = argc > 2 ? argv[2] : "build/guest/hello.rom";
    const char *json = argc > 3 ? argv[3] : "build/bench.json";
    const unsigned n = 20000;
    struct results r = {0};
    exit_cases(n, &r);
    accessor_case(&r.acc_ns, &r.acc_insn);
    startup_cases(vmm, rom, &r);
    seabios_case(vmm, &r);
    unlink(DBG_OUT);
    print_table(&r);
    write_json(json, &r, n);
    return 0;
}
