/* run.h: vcpuctx-run's private interfaces: options, image loading, the VMM loop, dumps. */
#ifndef VCPUCTX_RUN_H
#define VCPUCTX_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vcpuctx.h>

#include <sel4vmmplatsupport/drivers/pci_helper.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The architectural bits the demo sets up guests with (Intel SDM vol. 3: 2.3, 2.5, 2.2.1, 4.5). */
#define RFLAGS_FIXED (1ULL << 1)
#define RFLAGS_IF    (1ULL << 9)
#define CR0_PE       (1ULL << 0)
#define CR0_ET       (1ULL << 4)
#define CR0_PG       (1ULL << 31)
#define CR4_PAE      (1ULL << 5)
#define EFER_LME     (1ULL << 8)
#define EFER_LMA     (1ULL << 10)
#define PTE_P        (1ULL << 0)
#define PTE_RW       (1ULL << 1)
#define PTE_PS       (1ULL << 7)

/* Exit statuses (documented in --help, the man page and docs/user-guide.md). */
enum {
    STATUS_HALTED = 0,    /* halted for good, or reset with --no-reboot */
    STATUS_USAGE = 2,     /* bad usage, bad image, no usable /dev/kvm */
    STATUS_CRASH = 4,     /* triple fault, invalid state, emulation failure */
    STATUS_OUTPUT = 6,    /* the guest's output could not be written (a closed pipe, a full disk) */
    STATUS_TIMEOUT = 124, /* --timeout or --max-exits reached */
    STATUS_SIGNAL = 128,  /* + N: stopped by signal N (SIGINT, SIGTERM, SIGHUP) */
    STATUS_KILLED = 137   /* killed from gdb (k), as a shell shows SIGKILL */
};

enum image_format { FMT_AUTO, FMT_BIOS, FMT_MULTIBOOT, FMT_RAW, FMT_LINUX };
enum entry_mode { MODE_REAL, MODE_PROTECTED, MODE_LONG };

/* An output: stdio, a file, or none. */
struct out_spec {
    enum { OUT_SAME, OUT_STDIO, OUT_FILE, OUT_NONE } kind; /* OUT_SAME: as --debugcon */
    const char *path;
};

/* A --drive: its image, the interface (virtio-blk on the PCI bus, or the ATA disk) and whether the guest may
   write it. */
struct drive_spec {
    char *file; /* owned: drive_free */
    bool virtio, readonly;
};
#define MAX_VIRTIO_DRIVES 4

/* A --nic: the tap to attach to and the guest's MAC address. */
struct nic_spec {
    bool given;
    char ifname[16];
    uint8_t mac[6];
};

struct options {
    const char *image;
    enum image_format format;
    uint64_t memory;
    unsigned smp;    /* vCPUs, 1 to VCPUCTX_MAX_VCPUS */
    const char *cpu; /* --cpu: the CPU model and features (NULL: host) */
    uint64_t load, entry;
    bool entry_set;
    enum entry_mode entry_mode;
    const char *append;
    const char *initrd; /* linux: --initrd */
    enum { SHADOW_AUTO, SHADOW_128K, SHADOW_ALL } bios_shadow;
    enum { IRQCHIP_AUTO, IRQCHIP_ON, IRQCHIP_OFF } irqchip;
    struct out_spec debugcon, serial, fwdebug;
    bool debugcon_given; /* --debugcon on the command line: 0x402 follows it unless --fw-debug says otherwise */
    char *drive;         /* the ATA disk's image (owned: options_free) */
    struct drive_spec vdrive[MAX_VIRTIO_DRIVES]; /* virtio disks, in the order given */
    unsigned nvdrives;
    bool pc_testdev;      /* --device=pc-testdev */
    struct out_spec vcon; /* --device=virtio-console: where hvc0 goes (OUT_SAME: no such device) */
    struct nic_spec nic;  /* --nic=tap,... */
    double timeout;
    uint64_t max_exits;
    bool no_reboot, trace, stats, dump_regs;
    unsigned format_given; /* options of some formats only, given (options.c's format_options) */
    bool gdb;              /* --gdb given */
    unsigned gdb_port;     /* 0: any free port */
};

/* options.c: parse argv. Returns 0, 1 for --help/--version (printed), or -1 (message printed); only after 0 does o
   hold anything for options_free to release. */
int options_parse(int argc, char **argv, struct options *o);
/* What options_parse allocated (the drives' file names). */
void options_free(struct options *o);
/* Whether every option given applies to format f; else one line on stderr and -1. */
int options_fit_format(const struct options *o, enum image_format f);
int parse_size(const char *s, uint64_t *out);
/* drive.c: a --drive value into d: 0, or -1 for an unknown key or value or no file (d then holds nothing). */
int drive_parse(const char *arg, struct drive_spec *d);
/* The file name drive_parse allocated; d->file becomes NULL. */
void drive_free(struct drive_spec *d);
/* nic.c: a --nic value into n: 0, or -1 (not tap, no ifname, a bad MAC, an unknown key). */
int nic_parse(const char *arg, struct nic_spec *n);

/* cpu.c: the one-line error for a --cpu spec vcpuctx_vm_set_cpu refused (at, errno: its report). */
void cpu_error(const char *spec, size_t at, int err, bool irqchip);
/* --cpu as QEMU's -cpu on vm: a feature this KVM cannot give is left out with a warning line (when warn), unless
   the list says "enforce"; any other refusal is one line (cpu_error). 0, or -1. */
int cpu_choose(vm_t *vm, const char *spec, bool irqchip, bool warn);
/* --cpu=help: the models and the feature names, as QEMU's -cpu help lists its own. */
void cpu_help(void);

/* image.c: read an image file whole (a regular file of at most 64 MiB), free it. On error: -1 and a message in
   err. */
struct image {
    uint8_t *data;
    size_t size;
};
int image_read(const char *path, struct image *im, char *err, size_t errlen);
void image_free(struct image *im);
/* For the formats' loaders: a message in err (printf-style), returning -1. */
int load_error(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *format_name(enum image_format f);

/* memplan.c: what the loader puts where in guest RAM. Loader data never overlaps an image range, a reserved
   range or other loader data; image ranges may overlap reserved ones (a kernel may load where it likes). */
enum region_kind { REGION_IMAGE, REGION_RESERVED, REGION_LOADER };
struct region {
    uint64_t start, end; /* [start, end) */
    enum region_kind kind;
    const char *what;
};
#define MAX_SEGMENTS 64 /* loadable segments of a kernel */
#define PLAN_MAX     (MAX_SEGMENTS + 16)
struct memplan {
    uint64_t ram;
    unsigned n;
    struct region r[PLAN_MAX];
};
/* A request for loader data: len bytes, aligned, in [lo, hi) (hi 0: the end of RAM); the preferred address if
   it is free, else the lowest (top_down: the highest) free address. */
struct placement {
    uint64_t len, align, lo, hi, prefer;
    bool prefer_set, top_down;
    const char *what;
};
void plan_init(struct memplan *p, uint64_t ram);
/* Record an image or reserved range. -1 with EINVAL (empty, wrapping, or REGION_LOADER) or ENOSPC (table full). */
int plan_mark(struct memplan *p, uint64_t start, uint64_t len, enum region_kind kind, const char *what);
bool plan_is_free(const struct memplan *p, uint64_t start, uint64_t len);
bool plan_overlaps_image(const struct memplan *p, uint64_t start, uint64_t len);
/* Reserve loader data as asked; -1 with ENOMEM when nothing fits, EINVAL for a bad request, ENOSPC. */
int plan_place(struct memplan *p, const struct placement *want, uint64_t *addr);
/* plan_place for a loader: on failure, the message "no free RAM for the WHAT (N bytes)..." in err, and -1. */
int plan_put(struct memplan *p, const struct placement *want, uint64_t *addr, char *err, size_t len);

/* The PC memory map a kernel sees: SeaBIOS's under QEMU's default machine (memplan.c; RAM at least 2 MiB),
   and plan_reserved marking what it does not call usable (and page 0) as reserved in the plan. */
struct e820 {
    uint64_t base, len;
    uint32_t type; /* 1 usable, 2 reserved */
};
#define E820_MAX 8
unsigned pc_e820_map(uint64_t ram, struct e820 *m);
int plan_reserved(struct memplan *p, uint64_t ram, const struct e820 *map, unsigned n);

/* loader.c: detect an image's format, load it into vm/vcpu; plan (may be NULL) receives every range the image and
   the loader's own data occupy. On error: -1 and a message in err. */
int image_load(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *plan,
               char *err, size_t errlen);
enum image_format image_detect(const uint8_t *data, size_t size);

/* multiboot.c: a multiboot v1 ELF32 kernel, its boot information placed in free RAM. */
bool multiboot_detect(const uint8_t *data, size_t size);
int load_multiboot(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p,
                   char *err, size_t errlen);
/* linux.c: a bzImage (the Linux x86 boot protocol 2.06+), its zero page, command line and initrd. */
bool linux_detect(const uint8_t *data, size_t size);
int load_linux(vm_t *vm, vm_vcpu_t *vcpu, const struct options *o, const struct image *im, struct memplan *p, char *err,
               size_t errlen);
bool format_wants_irqchip(enum image_format f, size_t size);

/* acpi.c: the ACPI tables of the PC (RSDP, RSDT, XSDT, FADT, FACS, DSDT, MADT) for ncpus CPUs, written into
   buf, which the guest sees at gpa (16-byte aligned, below 4 GiB), with PCI's memory window from pci_hole (the
   end of RAM below 4 GiB) to the IOAPIC. The RSDP's guest address, or 0 when buf is too small or an argument is
   bad. ACPI_TABLES_AT: where the Linux loader puts them, in the BIOS area the e820
   map reserves, where a kernel's scan for the RSDP (0xE0000-0xFFFFF) finds them. */
#define ACPI_TABLES_AT  0xf0000u
#define ACPI_TABLES_LEN 8192u
uint64_t acpi_build(uint8_t *buf, uint64_t gpa, size_t len, unsigned ncpus, uint32_t pci_hole);
/* dsdt.c: the AML of \\_SB.PCI0 into out (room bytes), the memory window from hole; its length, 0 when out is too
   small. */
size_t dsdt_pci(uint8_t *out, size_t room, uint32_t hole);
/* The tables at ACPI_TABLES_AT in vm's RAM, as a multiboot kernel finds QEMU's firmware's: unless an image range
   of the plan covers them (the image is never written over). Their RSDP, or 0 when not written. */
uint64_t acpi_install(vm_t *vm, const struct memplan *p, unsigned ncpus);
/* The firmware waking vector the guest wrote into the FACS of the tables at ACPI_TABLES_AT, or 0 (none set, or no
   tables there). */
uint32_t acpi_waking_vector(vm_t *vm);

/* outputs.c: the guest's outputs. output_open opens one (stdio, a file, a FIFO with a reader; none), printing a
   line and returning -1 when it cannot; output_lost prints one line naming the first output a write failed on, and
   says whether there was one. */
struct sink;
int output_open(const struct out_spec *spec, struct sink *s);
void output_close(struct sink *s);
bool output_lost(const struct options *o, const struct sink *dbg, const struct sink *ser, const struct sink *fw,
                 const struct sink *con);

/* signals.c: SIGPIPE ignored; SIGINT, SIGTERM and SIGHUP kick the target vCPU (NULL: none, the default action)
   and are reported by signals_stop_requested (the signal, or 0). */
int signals_install(void);
/* CLOCK_MONOTONIC seconds: what --timeout's deadline is measured in. */
double now_seconds(void);
void signals_target(vm_vcpu_t *vcpu);
int signals_stop_requested(void);
const char *signals_name(int sig);

/* modes.c: CPU set-up through vm_set_vmcs_field only. */
int mode_real(vm_vcpu_t *vcpu, uint64_t entry);
int mode_protected(vm_vcpu_t *vcpu, uint64_t entry);
int mode_long(vm_t *vm, vm_vcpu_t *vcpu, uint64_t entry, uint64_t tables);
int mode_real_at(vm_vcpu_t *vcpu, uint16_t cs, uint16_t ip);
int mode_firmware_lapic(vm_vcpu_t *vcpu);

/* sleep.c: suspend to RAM (S3). sleep_until_woken waits, the VM stopped, for the RTC alarm that wakes the machine
   (RTC_EN in the PM1 enable register, AIE in the RTC), until deadline (CLOCK_MONOTONIC seconds, 0: none) or a
   stopping signal; it returns SLEEP_WOKEN, or the run's status with one line on stderr (no wake source enabled:
   STATUS_HALTED, as a machine halted for good). sleep_resume_cpu starts the boot vCPU as firmware resumes a
   machine: in real mode at the FACS's waking vector, CS:IP = (vector >> 4):(vector & 0xF), the local APIC as
   after boot. */
#define SLEEP_WOKEN (-1)
struct cmos;
struct acpi_pm;
int sleep_until_woken(struct cmos *c, struct acpi_pm *pm, double deadline);
int sleep_resume_cpu(vm_vcpu_t *vcpu, uint32_t vector);

/* dump.c: register dump in the layout of QEMU's "info registers". vmcs_value: a field read where 0 will do
   for a field the vCPU cannot give. */
seL4_Word vmcs_value(vm_vcpu_t *vcpu, seL4_Word field);
void dump_registers(vm_vcpu_t *vcpu, FILE *f);
void trace_exit(vm_vcpu_t *vcpu, unsigned reason, FILE *f);

/* pcibus.c: the machine's PCI bus, as QEMU's pc machine: QEMU's i440FX host bridge at 00:00.0 on a
   libsel4vmmplatsupport space, configuration mechanism #1 on vm's ports (0xCF9 left to the reset control), the
   virtio functions with MSI-X when msix (the VM has the in-kernel irqchip). 0, or -1
   with errno (nothing left registered in b); pcibus_free frees the space (the VM keeps the port handlers until
   it is destroyed). */
struct vmm_pci_space;
struct vmm_io_list;
struct virtio_blk;
struct blkfile;
struct pcibus {
    struct vmm_pci_space *space;
    struct vmm_io_list *io; /* the devices' I/O BARs, placed from 0xC000 up */
    vmm_pci_device_def_t bridge, ide;
    struct virtio_blk *blk[MAX_VIRTIO_DRIVES];
    unsigned nblk;
    struct virtio_con *con;
    struct virtio_net *net;
    bool msix; /* the functions have MSI-X (the VM has the in-kernel irqchip to take its messages) */
};
int pcibus_create(vm_t *vm, struct pcibus *b, bool msix);
/* The ATA disk's controller as a PCI function in the next free slot: QEMU's PIIX3 IDE (8086:7010) in
   compatibility mode, so firmware that scans the bus for IDE controllers (SeaBIOS does, once it finds one)
   takes the legacy ports 0x1F0/0x3F6 and IRQ 14. 0, or -1 (ENOSPC). */
int pcibus_add_ide(struct pcibus *b);
/* The IOAPIC input (GSI 16-23, the IOAPIC's own, shared by no ISA device) that slot's INTx pin (1-4: INTA-INTD)
   is wired to, as the DSDT's _PRT says: rotated by slot as PCI's INTx swizzle. */
static inline unsigned pci_slot_gsi(unsigned slot, unsigned pin)
{
    return 16 + ((slot + pin - 1) & 7);
}
void pcibus_free(struct pcibus *b);
/* A virtio block device on the next free slot, f its backend (kept open by the caller until pcibus_free), its
   INTA on the slot's GSI driven by vcpu's VM, flushes offered, read-only when f is. 0, or -1 with errno. */
int pcibus_add_disk(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct blkfile *f);
/* A virtio console on the next free slot, as a disk is: what the guest writes to any of its ports goes to out. */
int pcibus_add_console(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct sink *out);
/* A virtio network device on the next free slot, as a disk is, t its backend; its receive thread started. */
struct tap;
int pcibus_add_nic(vm_t *vm, vm_vcpu_t *vcpu, struct pcibus *b, struct tap *t);

/* timer.c: SIGALRM from started (CLOCK_MONOTONIC seconds: the start of the process's run, so that --timeout
   bounds start-up too): at the deadline (timeout seconds; 0: none) or, with tick, 50 ms in; then every 50 ms
   with tick, else every 100 ms. Each expiry kicks the target vCPU (NULL: none). timer_expired: the deadline has
   passed, moved by paused seconds (spent stopped in a debugger); timer_fired: the handler saw the deadline;
   timer_deadline: it, in CLOCK_MONOTONIC seconds. */
int timer_start(double timeout, bool tick, double started);
void timer_target(vm_vcpu_t *vcpu);
bool timer_expired(double paused);
bool timer_fired(void);
double timer_deadline(void);

/* vmm.c: run the guest to its end; returns the process exit status. */
int vmm_run(const struct options *o);

#endif /* VCPUCTX_RUN_H */
