/* vmm.c: vcpuctx-run's machine, boot by boot: the VM, its vCPUs and devices, the image or the waking vector, the
   run, resets and resumes, and the final status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"

/* The virtio disks, each image opened and locked first: a bad one is one line and status 2. */
static int add_virtio_disks(struct machine *m)
{
    char err[512];
    for (unsigned i = 0; i < m->o->nvdrives; i++) {
        const struct drive_spec *d = &m->o->vdrive[i];
        if (blkfile_open(&m->vdisk[i], d->file, d->readonly, err, sizeof(err)) < 0) {
            fprintf(stderr, "vcpuctx-run: --drive: %s\n", err);
            errno = 0;
            return -1;
        }
        if (pcibus_add_disk(m->vm, m->vcpu, &m->pci, &m->vdisk[i]) < 0)
            return -1;
    }
    if (m->o->vcon.kind != OUT_SAME && pcibus_add_console(m->vm, m->vcpu, &m->pci, &m->con_sink) < 0)
        return -1;
    if (!m->o->nic.given)
        return 0;
    if (tap_open(&m->tap, m->o->nic.ifname, m->o->nic.mac, err, sizeof(err)) < 0) {
        fprintf(stderr, "vcpuctx-run: --nic: %s\n", err);
        errno = 0;
        return -1;
    }
    return pcibus_add_nic(m->vm, m->vcpu, &m->pci, &m->tap);
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
    if (pcibus_create(m->vm, &m->pci, m->irqchip) < 0 || (m->o->drive && pcibus_add_ide(&m->pci) < 0) ||
        add_virtio_disks(m) < 0)
        return -1;
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
        machine_handle_exits(m))
        return -1;
    return 0;
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
            fprintf(stderr, "vcpuctx-run: %s reached\n", timer_fired() ? "--timeout" : "--max-exits");
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
    if (m->hooks.stopped && machine_hooked(m, m->hooks.stopped(m->hooks.ctx, GDB_SIGSEGV)) == VCPUCTX_EXIT_STOP)
        return STATUS_KILLED; /* the debugger saw the crashed state (SIGSEGV) and killed it */
    return STATUS_CRASH;
}

/* Copy len bytes of RAM at gpa from the VM that reset to the new one. */
static void keep_ram(vm_t *to, vm_t *from, uint64_t gpa, uint64_t len)
{
    if (len)
        memcpy(vcpuctx_guest_ram(to, gpa, len), vcpuctx_guest_ram(from, gpa, len), len);
}

/* A new VM, its RAM laid out as QEMU's pc lays it out around the 32-bit PCI hole; after a reset it takes the last
   one's RAM, as QEMU's reset keeps it (the images are loaded again). */
static int create_vm(struct machine *m)
{
    uint64_t ram = m->o->memory, low = pc_ram_below_4g(ram), high = ram - low;
    m->vm = vcpuctx_vm_create(low);
    if (m->vm && high && vm_ram_register_at(m->vm, PC_HIGH_RAM_BASE, high, false) < 0) {
        fprintf(stderr, "vcpuctx-run: cannot give the guest %llu bytes of RAM above 4 GiB: %s\n",
                (unsigned long long)high, strerror(errno));
        return -1; /* the VM goes at teardown */
    }
    if (!m->vm) {
        if (errno == EINVAL)
            fprintf(stderr, "vcpuctx-run: bad memory size %llu: a multiple of 4 KiB\n", (unsigned long long)ram);
        else
            fprintf(stderr, "vcpuctx-run: cannot use KVM (%s): %s\n", vcpuctx_kvm_device(), strerror(errno));
        return -1;
    }
    if (m->kept_vm) {
        keep_ram(m->vm, m->kept_vm, 0, low);
        keep_ram(m->vm, m->kept_vm, PC_HIGH_RAM_BASE, high);
        vcpuctx_vm_destroy(m->kept_vm);
        m->kept_vm = NULL;
    }
    return 0;
}

static int load_image(struct machine *m, vm_vcpu_t *vcpu, const struct image *im, struct memplan *plan)
{
    char err[512];
    if (image_load(m->vm, vcpu, m->o, im, plan, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "vcpuctx-run: %s\n", err);
    return -1;
}

/* The in-kernel irqchip when --irqchip, --smp or the image's format asks for it. */
static int choose_irqchip(struct machine *m, enum image_format f, size_t size)
{
    const struct options *o = m->o;
    m->irqchip =
        o->irqchip == IRQCHIP_ON || o->smp > 1 || (o->irqchip == IRQCHIP_AUTO && format_wants_irqchip(f, size));
    if (!m->irqchip || vcpuctx_vm_enable_irqchip(m->vm) == 0)
        return 0;
    fprintf(stderr, "vcpuctx-run: cannot create the interrupt controller and PIT: %s\n", strerror(errno));
    return -1;
}

/* The boot vCPU, keeping its entry state (a crash dump on every host), and the application processors, which
   KVM holds until their SIPI. */
static int create_vcpus(struct machine *m)
{
    m->vcpu = vm_create_vcpu(m->vm, 0);
    if (!m->vcpu || vcpuctx_vcpu_keep_entry_state(m->vcpu, true) < 0) {
        fprintf(stderr, "vcpuctx-run: cannot create a vCPU: %s\n", strerror(errno));
        return -1;
    }
    for (unsigned i = 1; i < m->o->smp; i++)
        if (!vm_create_vcpu(m->vm, 0)) {
            fprintf(stderr, "vcpuctx-run: cannot create vCPU %u: %s\n", i, strerror(errno));
            return -1;
        }
    return 0;
}

/* The boot vCPU at the waking vector of a suspended machine, whose RAM (ACPI tables included) this is, or the
   image loaded (a ROM was mapped before: f == FMT_BIOS). */
static int start_state(struct machine *m, enum image_format f, const struct image *im, struct memplan *plan)
{
    if (!m->resume_at)
        return f == FMT_BIOS ? 0 : load_image(m, m->vcpu, im, plan);
    if (sleep_resume_cpu(m->vcpu, m->resume_at) == 0)
        return 0;
    fprintf(stderr, "vcpuctx-run: cannot resume at the waking vector: %s\n", strerror(errno));
    return -1;
}

/* One boot's machine. A ROM is mapped before the irqchip and the vCPU: a memory slot added later costs
   milliseconds. CPUID warnings are given on the first boot only. */
static int setup(struct machine *m, const struct image *im)
{
    enum image_format f = m->o->format == FMT_AUTO ? image_detect(im->data, im->size) : m->o->format;
    struct memplan plan;
    if (create_vm(m) < 0 || (f == FMT_BIOS && load_image(m, NULL, im, NULL) < 0) ||
        choose_irqchip(m, f, im->size) < 0 ||
        (m->o->cpu && cpu_choose(m->vm, m->o->cpu, m->irqchip, !m->cmos_kept) < 0) || create_vcpus(m) < 0 ||
        start_state(m, f, im, &plan) < 0)
        return -1;
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
    return machine_hooked(m, r) == VCPUCTX_EXIT_STOP ? STATUS_KILLED : 0;
}

static void teardown(struct machine *m)
{
    timer_target(NULL);
    fw_cfg_free(&m->fwcfg);
    tap_stop(&m->tap); /* its thread hands frames to the device freed next */
    pcibus_free(&m->pci);
    if (m->o->nic.given)
        tap_close(&m->tap);
    for (unsigned i = 0; i < m->o->nvdrives; i++)
        blkfile_close(&m->vdisk[i]);
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
    struct sink dbg = m->dbg_sink, ser = m->ser_sink, fw = m->fw_sink, con = m->con_sink;
    struct cmos cmos = m->cmos;
    vm_t *kept = m->kept_vm;
    uint32_t resume_at = m->resume_at;
    memset(m, 0, sizeof(*m));
    m->o = o;
    m->hooks = hooks;
    m->kept_vm = kept;
    m->dbg_sink = dbg, m->ser_sink = ser, m->fw_sink = fw, m->con_sink = con;
    m->tap = (struct tap){.fd = -1, .stop = {-1, -1}}; /* nothing open yet: teardown closes only what setup opened */
    for (unsigned i = 0; i < MAX_VIRTIO_DRIVES; i++)
        m->vdisk[i].fd = -1;
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
        timer_target(m->vcpu);
        if (first && timer_start(o->timeout, m->irqchip || m->hooks.ctx, started) < 0) {
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
            status = sleep_until_woken(&m->cmos, &m->pm, timer_deadline());
        signals_target(NULL);
        bool woke = status == SLEEP_WOKEN;
        if (woke)
            status = STATUS_HALTED;
        if (output_lost(o, &m->dbg_sink, &m->ser_sink, &m->fw_sink, &m->con_sink))
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
    m.dbg_sink.fd = m.ser_sink.fd = m.fw_sink.fd = m.con_sink.fd = -1;
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
             (o->fwdebug.kind == OUT_SAME || output_open(&o->fwdebug, &m.fw_sink) == 0) &&
             (o->vcon.kind == OUT_SAME || output_open(&o->vcon, &m.con_sink) == 0)) {
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
    output_close(&m.con_sink);
    image_free(&im);
    return status;
}
