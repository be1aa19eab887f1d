/* bench.c: what libvcpuctx costs over raw KVM, and vcpuctx-run's start-up next to QEMU; medians, side by side. */
#include <fcntl.h>
#include <linux/perf_event.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

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
   this in each tier, with fewer exits, since an exit costs many times more there). */
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
