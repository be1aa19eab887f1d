/* vmm.c: vcpuctx-run's machine: devices on the port registry, exit handlers, limits, and the final status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../devices/devices.h"
#include "../gdb/gdb.h"
#include "run.h"

struct machine {
    const struct options *o;
    vm_t *vm;
    vm_vcpu_t *vcpu;
    struct sink dbg_sink, ser_sink, fw_sink;
    struct debugcon dcon, fwcon;
    struct ata disk;
    struct uart16550 com1;
    struct debug_exit dexit;
    struct cmos cmos;
    struct sysctl sys;
    struct fw_cfg fwcfg;
    struct i8042 kbd;
    struct acpi_pm pm;         /* with ACPI tables (the Linux format) */
    struct pc_testdev testdev; /* --device=pc-testdev */
    bool acpi;
    bool cmos_kept;     /* the CMOS is the last boot's (NVRAM survives a reset, as on a PC) */
    uint32_t resume_at; /* this boot resumes from S3 at this FACS waking vector (0: an ordinary boot) */
    bool irqchip;
    struct vmm_hooks hooks; /* a debugger's (ctx NULL: none); kept across reboots */
    vm_t *kept_vm;          /* the VM that reset, until the next boot has its RAM (a warm reset), or NULL */
    bool killed;            /* a hook said the debugger killed the guest */
    uint64_t exits, by_reason[VM_EXIT_REASON_NUM + 1], unclaimed_ports, mmio_unmapped;
    int status;
    const char *crash;
};

static volatile sig_atomic_t timed_out;

/* A hook's verdict: the debugger killing the guest ends the run with STATUS_KILLED. */
static int hooked(struct machine *m, int r)
{
    if (r == VCPUCTX_EXIT_STOP)
        m->killed = true;
    return r;
}
static vm_vcpu_t *volatile kick_target;
static double deadline; /* CLOCK_MONOTONIC seconds; 0: no --timeout */

/* The timer: --timeout's deadline, and with an irqchip a tick that lets the VMM look at a halted vCPU. */
static void on_alarm(int sig)
{
    (void)sig;
    if (deadline > 0 && now_seconds() >= deadline)
        timed_out = 1;
    vcpuctx_vcpu_kick(kick_target); /* repeated every tick: a kick lost to a race is sent again */
}

/* --timeout counts the guest's time: what was spent stopped in gdb moves the deadline (re-checked here, since
   the signal handler compares with the original deadline only). */
static bool timeout_reached(const struct machine *m)
{
    if (!timed_out)
        return false;
    if (m->hooks.paused && now_seconds() < deadline + m->hooks.paused(m->hooks.ctx)) {
        timed_out = 0;
        return false;
    }
    return true;
}

static int stop(struct machine *m, int status, const char *crash)
{
    m->status = status;
    m->crash = crash;
    return VCPUCTX_EXIT_STOP;
}

static int on_hlt(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_HALTED, NULL); /* no interrupt source here: a HLT is for good */
}

static int on_triple_fault(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "triple fault");
}

static int on_invalid_state(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "invalid guest state (VM-entry failure)");
}

static int on_internal_error(vm_vcpu_t *vcpu, void *cookie)
{
    (void)vcpu;
    return stop(cookie, STATUS_CRASH, "KVM could not emulate an instruction (internal error)");
}

/* Whether the boot vCPU sleeps with interrupts off: the cheap first test of a machine halted for good. */
static bool boot_vcpu_parked(vm_vcpu_t *vcpu)
{
    seL4_Word activity = 0, rflags = 0;
    return vm_get_vmcs_field(vcpu, VMX_GUEST_ACTIVITY, &activity) == 0 && activity == 1 &&
           vm_get_vmcs_field(vcpu, VMX_GUEST_RFLAGS, &rflags) == 0 && !(rflags & RFLAGS_IF);
}

/* The timer's kick (it goes to the boot vCPU): stop on timeout; with an irqchip, end the run as halted for good
   once no vCPU can run again, every one of them asleep with nothing able to wake it (vcpuctx_vm_halted_for_good). */
static int on_interrupt(vm_vcpu_t *vcpu, void *cookie)
{
    struct machine *m = cookie;
    if (timeout_reached(m))
        return stop(m, STATUS_TIMEOUT, NULL);
    int r = m->hooks.tick ? hooked(m, m->hooks.tick(m->hooks.ctx)) : VM_EXIT_HANDLED; /* Ctrl-C, or gdb connecting */
    if (r != VM_EXIT_HANDLED)
        return r;
    cmos_tick(&m->cmos, (int64_t)time(NULL)); /* the RTC alarm's interrupt */
    if (m->irqchip && vcpu == m->vcpu && boot_vcpu_parked(vcpu) && vcpuctx_vm_halted_for_good(m->vm) == 1)
        return stop(m, STATUS_HALTED, NULL);
    return VM_EXIT_HANDLED;
}

/* No device decodes this address (or it is ROM): reads see all ones, writes vanish, as on a PC. The fallback for
   memory faults no reservation takes, on the fault interface; the data of an access wider than a seL4_Word (8
   bytes in the ia32 ABI) is set through the exit's bytes instead. */
static memory_fault_result_t on_unmapped(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t paddr, size_t len, void *cookie)
{
    (void)vm, (void)paddr, (void)len;
    ((struct machine *)cookie)->mmio_unmapped++;
    if (get_vcpu_fault_size(vcpu) == 0) {
        size_t n = 0;
        seL4_Word qual = 0;
        uint8_t *data = vcpuctx_exit_data(vcpu, &n);
        if (!data || vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_QUALIFICATION, &qual) < 0)
            return FAULT_ERROR;
        if (qual & 1) /* a read */
            memset(data, 0xff, n);
    } else if (is_vcpu_read_fault(vcpu) && set_vcpu_fault_data(vcpu, ~(seL4_Word)0) < 0) {
        return FAULT_ERROR;
    }
    advance_vcpu_fault(vcpu);
    return FAULT_HANDLED;
}

static ioport_fault_result_t on_unclaimed_port(vm_vcpu_t *vcpu, unsigned port, bool is_in, unsigned *value, size_t size,
                                               void *cookie)
{
    (void)vcpu;
    (void)port;
    (void)is_in;
    (void)value;
    (void)size;
    ((struct machine *)cookie)->unclaimed_ports++;
    return IO_FAULT_UNHANDLED; /* the default: IN reads all ones */
}

/* Every exit: count it, trace it, enforce --max-exits and a reset request. */
static int observe(vm_vcpu_t *vcpu, void *cookie)
{
    struct machine *m = cookie;
    seL4_Word reason = 0;
    vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_REASON, &reason);
    unsigned basic = (unsigned)reason & 0xffff;
    m->by_reason[basic < VM_EXIT_REASON_NUM ? basic : VM_EXIT_REASON_NUM]++;
    if (m->o->trace)
        trace_exit(vcpu, (unsigned)reason, stderr);
    if (timeout_reached(m)) /* also here: the kick's own exit may have been any exit */
        return stop(m, STATUS_TIMEOUT, NULL);
    if (signals_stop_requested())
        return stop(m, STATUS_SIGNAL + signals_stop_requested(), NULL);
    if (m->dbg_sink.failed || m->ser_sink.failed || m->fw_sink.failed)
        return stop(m, STATUS_OUTPUT, NULL); /* the line naming it comes at the end (output_lost) */
    if (m->sys.reset_requested)
        return stop(m, STATUS_HALTED, NULL);
    if (m->o->max_exits && ++m->exits > m->o->max_exits)
        return stop(m, STATUS_TIMEOUT, NULL);
    return VM_EXIT_HANDLED;
}

static int add_devices(struct machine *m)
{
    m->dcon.out = &m->dbg_sink;
    m->fwcon.out = m->o->fwdebug.kind == OUT_SAME ? &m->dbg_sink : &m->fw_sink;
    char err[512];
    if (m->o->drive && ata_open(&m->disk, m->o->drive, err, sizeof(err)) < 0) {
        fprintf(stderr, "vcpuctx-run: --drive: %s\n", err);
        errno = 0;
        return -1;
    }
    if (m->o->drive && ata_register(m->vm, &m->disk) < 0)
        return -1;
    uart_init(&m->com1, &m->ser_sink);
    if (m->irqchip)
        uart_connect_irq(&m->com1, m->vcpu, 4); /* COM1's ISA line, as on a PC */
    if (!m->cmos_kept)
        cmos_init(&m->cmos, m->o->memory);
    if (m->irqchip)
        cmos_connect_irq(&m->cmos, m->vcpu, 8); /* the RTC's ISA line */
    i8042_init(&m->kbd, &m->sys);
    if (fw_cfg_init(&m->fwcfg, m->o->memory, m->o->smp) < 0)
        return -1;
    acpi_pm_init(&m->pm);
    if (m->resume_at)
        acpi_pm_woken(&m->pm);
    if (m->acpi && acpi_pm_register(m->vm, &m->pm, ACPI_PM_BASE) < 0)
        return -1;
    if (m->o->pc_testdev ? pc_testdev_register(m->vm, m->vcpu, &m->testdev) : debugcon_register(m->vm, &m->dcon, 0xe9))
        return -1;
    if (debugcon_register(m->vm, &m->fwcon, 0x402) || uart_register(m->vm, &m->com1, 0x3f8) ||
        debug_exit_register(m->vm, &m->dexit, 0xf4, 4) || cmos_register(m->vm, &m->cmos, 0x70) ||
        sysctl_register(m->vm, &m->sys) || fw_cfg_register(m->vm, &m->fwcfg) || i8042_register(m->vm, &m->kbd) ||
        vm_register_unhandled_ioport_callback(m->vm, on_unclaimed_port, m) ||
        vm_register_unhandled_mem_fault_callback(m->vm, on_unmapped, m))
        return -1;
    const struct {
        unsigned reason;
        vcpuctx_exit_handler_fn fn;
    } handlers[] = {
        {EXIT_REASON_HLT, on_hlt},
        {EXIT_REASON_TRIPLE_FAULT, on_triple_fault},
        {EXIT_REASON_INVALID_GUEST_STATE, on_invalid_state},
        {VCPUCTX_EXIT_REASON_INTERNAL_ERROR, on_internal_error},
        {EXIT_REASON_EXTERNAL_INTERRUPT, on_interrupt},
    };
    for (size_t i = 0; i < ARRAY_SIZE(handlers); i++)
        if (vcpuctx_register_exit_handler(m->vm, handlers[i].reason, handlers[i].fn, m) < 0)
            return -1;
    return vcpuctx_register_exit_observer(m->vm, observe, m);
}

/* The timer, from started (CLOCK_MONOTONIC seconds: the start of the process's run, so that --timeout bounds
   start-up too). */
static int start_timer(const struct options *o, bool tick, double started)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: KVM_RUN returns EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) < 0)
        return -1;
    if (!tick && !(o->timeout > 0))
        return 0;
    deadline = o->timeout > 0 ? started + o->timeout : 0;
    double left = deadline - now_seconds(), first = tick ? 0.05 : left;
    if (o->timeout > 0 && left < first)
        first = left > 0 ? left : 0;
    /* After the first expiry it repeats (50 ms with an irqchip, else 100 ms), so a lost kick cannot hang us. */
    struct itimerval it = {{0, tick ? 50000 : 100000},
                           {(time_t)first, (suseconds_t)((first - (double)(time_t)first) * 1e6)}};
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    return setitimer(ITIMER_REAL, &it, NULL);
}

static void print_stats(const struct machine *m, double seconds)
{
    uint64_t total = 0;
    for (int i = 0; i <= VM_EXIT_REASON_NUM; i++)
        total += m->by_reason[i];
    fprintf(stderr, "stats: %llu exits in %.3f s (%.0f exits/s)\n", (unsigned long long)total, seconds,
            seconds > 0 ? (double)total / seconds : 0.0);
    for (int i = 0; i <= VM_EXIT_REASON_NUM; i++)
        if (m->by_reason[i])
            fprintf(stderr, "stats:   %-20s %llu\n",
                    i == VM_EXIT_REASON_NUM ? "OTHER" : vcpuctx_exit_reason_name((unsigned)i),
                    (unsigned long long)m->by_reason[i]);
    fprintf(stderr, "stats: unclaimed port accesses %llu, unmapped MMIO accesses %llu\n",
            (unsigned long long)m->unclaimed_ports, (unsigned long long)m->mmio_unmapped);
    fprintf(stderr, "stats: debugcon %llu bytes, serial %llu bytes\n", (unsigned long long)m->dbg_sink.bytes,
            (unsigned long long)m->ser_sink.bytes);
    if (m->pm.poweroff_requested || m->pm.suspend_requested || m->sys.reset_requested)
        fprintf(stderr, "stats: the guest %s\n",
                m->pm.poweroff_requested  ? "powered off (ACPI sleep control, S5)"
                : m->pm.suspend_requested ? "suspended to RAM (ACPI sleep control, S3)"
                                          : "reset the machine");
}

/* Run to the end and turn what happened into the exit status. */
static int run_machine(struct machine *m)
{
    int ret = vm_run(m->vm);
    int r = vcpuctx_vm_run_status(m->vm);
    if (ret < 0 && r == VCPUCTX_RUN_FAILED) {
        fprintf(stderr, "vcpuctx-run: KVM_RUN failed: %s\n", strerror(errno));
        return STATUS_CRASH;
    }
    if (m->killed)
        return STATUS_KILLED;
    if (m->dexit.fired)
        return debug_exit_status(&m->dexit);
    if (r == VCPUCTX_RUN_STOPPED && !m->crash) {
        if (m->status == STATUS_TIMEOUT)
            fprintf(stderr, "vcpuctx-run: %s reached\n", timed_out ? "--timeout" : "--max-exits");
        if (m->status > STATUS_SIGNAL && m->status < STATUS_SIGNAL + 32)
            fprintf(stderr, "vcpuctx-run: stopped by %s\n", signals_name(m->status - STATUS_SIGNAL));
        return m->status;
    }
    seL4_Word reason = 0;
    vm_vcpu_t *vcpu = vcpuctx_vm_run_vcpu(m->vm);
    if (!vcpu)
        vcpu = m->vcpu;
    vm_get_vmcs_field(vcpu, VMX_DATA_EXIT_REASON, &reason);
    fprintf(stderr, "vcpuctx-run: guest crashed: %s\n",
            m->crash                 ? m->crash
            : r == VCPUCTX_RUN_ERROR ? "a device reported an error"
                                     : "unhandled exit");
    if (m->o->smp > 1)
        fprintf(stderr, "vcpuctx-run: on vCPU %u of %u\n", vcpu->vcpu_id, m->o->smp);
    fprintf(stderr, "vcpuctx-run: exit reason %u (%s)\n", (unsigned)reason & 0xffff,
            vcpuctx_exit_reason_name((unsigned)reason));
    if (vcpuctx_exit_state_from_entry(vcpu) == 1)
        fprintf(stderr, "vcpuctx-run: this host reset the vCPU at the triple fault: the state below is the last "
                        "one the VMM knew (at the last VM entry before it)\n");
    dump_registers(vcpu, stderr);
    if (m->hooks.stopped && hooked(m, m->hooks.stopped(m->hooks.ctx, GDB_SIGSEGV)) == VCPUCTX_EXIT_STOP)
        return STATUS_KILLED; /* the debugger saw the crashed state (SIGSEGV) and killed it */
    return STATUS_CRASH;
}

/* One boot of the machine: VM (with an irqchip for firmware), vCPU, image, devices. */
static int setup(struct machine *m, const struct image *im)
{
    char err[512];
    m->vm = vcpuctx_vm_create(m->o->memory);
    if (!m->vm) {
        if (errno == EINVAL)
            fprintf(stderr, "vcpuctx-run: bad memory size %llu: a multiple of 4 KiB up to 3 GiB\n",
                    (unsigned long long)m->o->memory);
        else
            fprintf(stderr, "vcpuctx-run: cannot use KVM (%s): %s\n", vcpuctx_kvm_device(), strerror(errno));
        return -1;
    }
    if (m->kept_vm) { /* a reset keeps RAM, as QEMU's does; the images are loaded again over it */
        memcpy(vcpuctx_guest_ram(m->vm, 0, m->o->memory), vcpuctx_guest_ram(m->kept_vm, 0, m->o->memory), m->o->memory);
        vcpuctx_vm_destroy(m->kept_vm);
        m->kept_vm = NULL;
    }
    enum image_format f = m->o->format == FMT_AUTO ? image_detect(im->data, im->size) : m->o->format;
    /* A ROM is mapped before the irqchip and the vCPU: a memory slot added later costs milliseconds (measured). */
    if (f == FMT_BIOS && image_load(m->vm, NULL, m->o, im, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "vcpuctx-run: %s\n", err);
        return -1;
    }
    bool want = m->o->irqchip == IRQCHIP_ON || m->o->smp > 1 ||
                (m->o->irqchip == IRQCHIP_AUTO && format_wants_irqchip(f, im->size));
    if (want) {
        if (vcpuctx_vm_enable_irqchip(m->vm) < 0) {
            fprintf(stderr, "vcpuctx-run: cannot create the interrupt controller and PIT: %s\n", strerror(errno));
            return -1;
        }
        m->irqchip = true;
    }
    if (m->o->cpu && cpu_choose(m->vm, m->o->cpu, m->irqchip, !m->cmos_kept) < 0)
        return -1; /* warnings on the first boot only */
    m->vcpu = vm_create_vcpu(m->vm, 0);
    if (!m->vcpu || vcpuctx_vcpu_keep_entry_state(m->vcpu, true) < 0) { /* a crash dump on every host */
        fprintf(stderr, "vcpuctx-run: cannot create a vCPU: %s\n", strerror(errno));
        return -1;
    }
    for (unsigned i = 1; i < m->o->smp; i++) /* application processors: KVM holds them until their SIPI */
        if (!vm_create_vcpu(m->vm, 0)) {
            fprintf(stderr, "vcpuctx-run: cannot create vCPU %u: %s\n", i, strerror(errno));
            return -1;
        }
    struct memplan plan;
    if (m->resume_at) { /* the RAM, ACPI tables included, is the suspended machine's */
        if (sleep_resume_cpu(m->vcpu, m->resume_at) < 0) {
            fprintf(stderr, "vcpuctx-run: cannot resume at the waking vector: %s\n", strerror(errno));
            return -1;
        }
    } else if (f != FMT_BIOS && image_load(m->vm, m->vcpu, m->o, im, &plan, err, sizeof(err)) < 0) {
        fprintf(stderr, "vcpuctx-run: %s\n", err);
        return -1;
    }
    /* ACPI: the Linux loader writes the tables; a multiboot kernel on QEMU's PC platform (the irqchip) finds
       them as it would QEMU's firmware's, unless it loads a segment over them. */
    m->acpi =
        m->resume_at || f == FMT_LINUX || (f == FMT_MULTIBOOT && m->irqchip && acpi_install(m->vm, &plan, m->o->smp));
    if (add_devices(m) < 0) {
        if (errno)
            fprintf(stderr, "vcpuctx-run: cannot register devices: %s\n", strerror(errno));
        return -1;
    }
    if (m->hooks.boot && m->hooks.boot(m->hooks.ctx, m->vm, m->vcpu) < 0) {
        fprintf(stderr, "vcpuctx-run: --gdb: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* --gdb: wait for the debugger and let it look before the first instruction. */
static int first_stop(struct machine *m)
{
    char err[256];
    int r = m->hooks.start(m->hooks.ctx, err, sizeof(err));
    if (r < 0) {
        fprintf(stderr, "vcpuctx-run: %s\n", err);
        return STATUS_USAGE;
    }
    return hooked(m, r) == VCPUCTX_EXIT_STOP ? STATUS_KILLED : 0;
}

static void teardown(struct machine *m)
{
    kick_target = NULL;
    fw_cfg_free(&m->fwcfg);
    if (m->o->drive)
        ata_close(&m->disk);
    vcpuctx_vm_destroy(m->vm);
    m->vm = NULL;
}

/* Keep the VM of a machine that resets until the next boot has copied its RAM (a warm reset): one copy of RAM,
   from the old VM's to the new one's. */
static void keep_vm(struct machine *m)
{
    m->kept_vm = m->vm;
    m->vm = NULL; /* teardown leaves it */
}

/* A new boot of the machine: everything cleared but what survives a reset (the options, the debugger, the outputs,
   the RAM of a warm reset, the CMOS) and the S3 resume. */
static void machine_renew(struct machine *m, bool first)
{
    const struct options *o = m->o;
    struct vmm_hooks hooks = m->hooks;
    struct sink dbg = m->dbg_sink, ser = m->ser_sink, fw = m->fw_sink;
    struct cmos cmos = m->cmos;
    vm_t *kept = m->kept_vm;
    uint32_t resume_at = m->resume_at;
    memset(m, 0, sizeof(*m));
    m->o = o;
    m->hooks = hooks;
    m->kept_vm = kept;
    m->dbg_sink = dbg, m->ser_sink = ser, m->fw_sink = fw;
    m->resume_at = resume_at;
    m->cmos_kept = !first;
    if (!first) {
        m->cmos = cmos;
        cmos_reset(&m->cmos);
    }
}

/* After a run that ended with status: whether the machine boots again, and from where (m->resume_at). A wake
   from S3 resumes at the FACS's waking vector (with none set, it is a reset, as SeaBIOS makes it). */
static bool boots_again(struct machine *m, bool woke, int *status)
{
    m->resume_at = 0;
    if (*status != STATUS_HALTED)
        return false;
    if (!woke)
        return m->sys.reset_requested && !m->o->no_reboot;
    m->resume_at = acpi_waking_vector(m->vm);
    if (!m->resume_at)
        return !m->o->no_reboot; /* a reset, as SeaBIOS makes it */
    if (m->resume_at > 0xfffff) {
        fprintf(stderr, "vcpuctx-run: guest crashed: the FACS waking vector 0x%x is above 1 MiB\n", m->resume_at);
        *status = STATUS_CRASH;
        return false;
    }
    return true;
}

/* Boot, and boot again after a reset unless --no-reboot, and after a wake from S3: a new VM each time, the same
   outputs. */
static int boot_loop(struct machine *m, const struct image *im, double started)
{
    for (bool first = true;; first = false) {
        const struct options *o = m->o;
        machine_renew(m, first);
        if (setup(m, im) < 0) {
            teardown(m);
            vcpuctx_vm_destroy(m->kept_vm); /* when setup failed before copying its RAM */
            return STATUS_USAGE;
        }
        kick_target = m->vcpu;
        if (first && start_timer(o, m->irqchip || m->hooks.ctx, started) < 0) {
            fprintf(stderr, "vcpuctx-run: cannot start the timer: %s\n", strerror(errno));
            teardown(m);
            return STATUS_USAGE;
        }
        int status = first && m->hooks.start ? first_stop(m) : 0;
        if (status) {
            teardown(m);
            return status;
        }
        double t0 = now_seconds();
        signals_target(m->vcpu);
        status = run_machine(m);
        if (m->pm.suspend_requested && status == STATUS_HALTED)
            status = sleep_until_woken(&m->cmos, &m->pm, deadline);
        signals_target(NULL);
        bool woke = status == SLEEP_WOKEN;
        if (woke)
            status = STATUS_HALTED;
        if (output_lost(o, &m->dbg_sink, &m->ser_sink, &m->fw_sink))
            status = STATUS_OUTPUT;
        if (o->stats)
            print_stats(m, now_seconds() - t0);
        if (o->dump_regs && status != STATUS_CRASH)
            dump_registers(m->vcpu, stderr);
        bool reboot = boots_again(m, woke, &status);
        if (reboot)
            keep_vm(m);
        teardown(m);
        if (!reboot) {
            if (m->hooks.end)
                m->hooks.end(m->hooks.ctx, status);
            return status;
        }
    }
}

int vmm_run(const struct options *o)
{
    static struct machine m;
    double started = now_seconds();
    struct gdb *gdb = NULL;
    memset(&m, 0, sizeof(m));
    m.o = o;
    m.dbg_sink.fd = m.ser_sink.fd = m.fw_sink.fd = -1;
    char err[512];
    struct image im = {0};
    int status = STATUS_USAGE;
    /* The image is read before KVM is touched, so a bad file is reported as such on any machine. */
    if (image_read(o->image, &im, err, sizeof(err)) < 0)
        fprintf(stderr, "vcpuctx-run: %s\n", err);
    else if (options_fit_format(o, o->format == FMT_AUTO ? image_detect(im.data, im.size) : o->format) < 0)
        status = STATUS_USAGE; /* the line is printed */
    else if (o->gdb && !(gdb = gdb_create()))
        fprintf(stderr, "vcpuctx-run: --gdb: %s\n", strerror(errno));
    else if (gdb && gdb_listen(gdb, o->gdb_port, err, sizeof(err)) < 0)
        fprintf(stderr, "vcpuctx-run: %s\n", err);
    else if (signals_install() < 0)
        fprintf(stderr, "vcpuctx-run: cannot set up signals: %s\n", strerror(errno));
    else if (output_open(&o->debugcon, &m.dbg_sink) == 0 && output_open(&o->serial, &m.ser_sink) == 0 &&
             (o->fwdebug.kind == OUT_SAME || output_open(&o->fwdebug, &m.fw_sink) == 0)) {
        if (gdb) {
            gdb_hooks(gdb, &m.hooks);
            fprintf(stderr, "vcpuctx-run: waiting for gdb on 127.0.0.1:%u (target remote :%u)\n", gdb_port(gdb),
                    gdb_port(gdb));
        }
        status = boot_loop(&m, &im, started);
    }
    gdb_destroy(gdb);
    output_close(&m.dbg_sink);
    output_close(&m.ser_sink);
    output_close(&m.fw_sink);
    image_free(&im);
    return status;
}
