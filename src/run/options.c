/* options.c: vcpuctx-run's command line (GNU long options), with one-line errors. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static const char usage[] =
    "Usage: vcpuctx-run [OPTIONS] IMAGE   (or --kernel=IMAGE)\n"
    "Run a guest image on KVM through libvcpuctx.\n"
    "\n"
    "  --format=bios|multiboot|raw|linux  image format (default: detected)\n"
    "  --kernel=FILE                the image, as QEMU's -kernel (instead of IMAGE)\n"
    "  -m, --memory=SIZE            guest RAM, K/M/G suffixes (default 64M)\n"
    "  --smp=N                      N vCPUs, 1 to 8 (default 1); more than one needs the irqchip\n"
    "  --cpu=MODEL[,+FEAT,-FEAT]    CPUID as QEMU's -cpu: host, max or qemu64 (default host), and\n"
    "                               features in QEMU's names; --cpu=help lists them; a feature\n"
    "                               KVM cannot give is left out with a warning (,enforce refuses)\n"
    "  --load=ADDR                  raw: load address (default 0x7c00)\n"
    "  --entry=ADDR                 raw: entry point (default: the load address)\n"
    "  --entry-mode=real|protected|long  raw: CPU mode at entry (default real)\n"
    "  --append=CMDLINE             multiboot, linux: command line\n"
    "  --initrd=FILE                linux: the initial ramdisk (up to 64 MiB); multiboot: modules,\n"
    "                               \"FILE ARGS,FILE ARGS\" as QEMU's -initrd\n"
    "  --bios-shadow=128k|all       bios: copy the last 128 KiB or the whole image below 1 MiB\n"
    "                               (default: all of an image up to 256 KiB, else 128k)\n"
    "  --irqchip=on|off|auto        in-kernel PIC, IOAPIC, LAPIC and PIT (auto: on for multiboot\n"
    "                               kernels and for BIOS images of 128 KiB and more, as QEMU's PC)\n"
    "  --drive=FILE                 a raw disk image as the ATA master on the primary IDE channel\n"
    "  --drive=file=FILE,if=virtio[,format=raw][,readonly=on]\n"
    "                               a raw image as a virtio block device on the PCI bus (up to 4;\n"
    "                               if=ide: the ATA disk); locked while the guest runs\n"
    "  --device=pc-testdev          QEMU's pc-testdev (ports 0xe0-0xeb, 0x2000-0x2017; MMIO at\n"
    "                               0xff000000), in place of the debug console at 0xe9\n"
    "  --nic=tap,ifname=NAME[,mac=ADDR]\n"
    "                               a virtio network device on the PCI bus, on an existing tap\n"
    "                               (default MAC 52:54:00:12:34:56)\n"
    "  --device=virtio-console[,out=stdio|file:PATH|none]\n"
    "                               a virtio console on the PCI bus (Linux's hvc0; default stdio)\n"
    "  --debugcon=stdio|file:PATH|none  port 0xe9 (default stdio); with 0x402 too when given\n"
    "  --fw-debug=stdio|file:PATH|none  port 0x402 alone, the firmware's log (default: as a given\n"
    "                               --debugcon, else none, as QEMU without an isa-debugcon there)\n"
    "  --serial=stdio|file:PATH|none    COM1 at 0x3f8 (default stdio)\n"
    "  --timeout=SECONDS            stop the guest after this long\n"
    "  --max-exits=N                stop the guest after N exits\n"
    "  --no-reboot                  exit when the guest resets\n"
    "  --trace                      one line per exit on stderr\n"
    "  --stats                      exit counts and time on stderr at the end\n"
    "  --dump-regs                  register dump on stderr at the end\n"
    "  --gdb=PORT                   wait for gdb on 127.0.0.1:PORT (0: any free port, printed),\n"
    "                               stopped before the first instruction\n"
    "  -h, --help, --version\n"
    "\n"
    "Exit status: odd = the guest wrote V to isa-debug-exit (port 0xf4): (V << 1) | 1;\n"
    "0 = the guest halted for good, reset with --no-reboot or suspended with no wake\n"
    "source; 2 = bad usage, bad image or no usable /dev/kvm; 4 = the guest crashed\n"
    "(register dump on stderr); 6 = the guest's output could not be written;\n"
    "124 = --timeout or --max-exits reached; 128 + N = stopped by signal N (SIGINT,\n"
    "SIGTERM, SIGHUP); 137 = killed from gdb.\n";

enum {
    O_NIC = 248,
    O_CPU = 249,
    O_DEVICE = 250,
    O_SMP = 251,
    O_GDB = 252,
    O_DRIVE = 253,
    O_FWDEBUG = 254,
    O_IRQCHIP = 255,
    O_FORMAT = 256,
    O_LOAD,
    O_ENTRY,
    O_ENTRY_MODE,
    O_APPEND,
    O_INITRD,
    O_KERNEL,
    O_SHADOW,
    O_DEBUGCON,
    O_SERIAL,
    O_TIMEOUT,
    O_MAX_EXITS,
    O_NO_REBOOT,
    O_TRACE,
    O_STATS,
    O_DUMP,
    O_VERSION
};

static const struct option longopts[] = {
    {"format", required_argument, 0, O_FORMAT},
    {"memory", required_argument, 0, 'm'},
    {"load", required_argument, 0, O_LOAD},
    {"entry", required_argument, 0, O_ENTRY},
    {"entry-mode", required_argument, 0, O_ENTRY_MODE},
    {"append", required_argument, 0, O_APPEND},
    {"initrd", required_argument, 0, O_INITRD},
    {"kernel", required_argument, 0, O_KERNEL},
    {"bios-shadow", required_argument, 0, O_SHADOW},
    {"irqchip", required_argument, 0, O_IRQCHIP},
    {"drive", required_argument, 0, O_DRIVE},
    {"fw-debug", required_argument, 0, O_FWDEBUG},
    {"debugcon", required_argument, 0, O_DEBUGCON},
    {"serial", required_argument, 0, O_SERIAL},
    {"timeout", required_argument, 0, O_TIMEOUT},
    {"max-exits", required_argument, 0, O_MAX_EXITS},
    {"no-reboot", no_argument, 0, O_NO_REBOOT},
    {"trace", no_argument, 0, O_TRACE},
    {"stats", no_argument, 0, O_STATS},
    {"dump-regs", no_argument, 0, O_DUMP},
    {"gdb", required_argument, 0, O_GDB},
    {"smp", required_argument, 0, O_SMP},
    {"device", required_argument, 0, O_DEVICE},
    {"cpu", required_argument, 0, O_CPU},
    {"nic", required_argument, 0, O_NIC},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, O_VERSION},
    {0, 0, 0, 0},
};

/* The options that apply to some image formats only: each is refused with any other, as QEMU refuses -initrd
   without -kernel. Their index is their bit in options.format_given. */
#define FMT_BIT(f) (1u << (f))
static const struct {
    int code;
    const char *name;
    unsigned formats;
    const char *which;
} format_options[] = {
    {O_APPEND, "--append", FMT_BIT(FMT_MULTIBOOT) | FMT_BIT(FMT_LINUX), "multiboot and Linux kernels"},
    {O_INITRD, "--initrd", FMT_BIT(FMT_MULTIBOOT) | FMT_BIT(FMT_LINUX), "multiboot and Linux kernels"},
    {O_SHADOW, "--bios-shadow", FMT_BIT(FMT_BIOS), "BIOS images"},
    {O_LOAD, "--load", FMT_BIT(FMT_RAW), "raw images"},
    {O_ENTRY, "--entry", FMT_BIT(FMT_RAW), "raw images"},
    {O_ENTRY_MODE, "--entry-mode", FMT_BIT(FMT_RAW), "raw images"},
};

/* The bit in format_given of option code c (0: it applies to every format). */
static unsigned format_bit(int c)
{
    for (size_t i = 0; i < ARRAY_SIZE(format_options); i++)
        if (format_options[i].code == c)
            return 1u << i;
    return 0;
}

int options_fit_format(const struct options *o, enum image_format f)
{
    for (size_t i = 0; i < ARRAY_SIZE(format_options); i++)
        if ((o->format_given & (1u << i)) && !(format_options[i].formats & FMT_BIT(f))) {
            fprintf(stderr, "vcpuctx-run: %s applies to %s, not to this %s image (see --help)\n",
                    format_options[i].name, format_options[i].which, format_name(f));
            return -1;
        }
    return 0;
}

static int fail(const char *what, const char *arg)
{
    fprintf(stderr, "vcpuctx-run: %s: '%s' (see --help)\n", what, arg);
    return -1;
}

/* A number with an optional K/M/G suffix (powers of 1024); 0x and 0 prefixes as strtoull. */
int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || (shift && v > (~0ULL >> shift)))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_out(const char *s, struct out_spec *o)
{
    if (strcmp(s, "stdio") == 0)
        o->kind = OUT_STDIO;
    else if (strcmp(s, "none") == 0)
        o->kind = OUT_NONE;
    else if (strncmp(s, "file:", 5) == 0 && s[5]) {
        o->kind = OUT_FILE;
        o->path = s + 5;
    } else
        return -1;
    return 0;
}

/* The index of s in names (n of them), or -1. */
static int parse_choice(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}
#define CHOICE(s, names) parse_choice(s, names, ARRAY_SIZE(names))

/* A decimal number from 0 to max, with nothing after it. */
static int parse_unsigned(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/*
 * Each option's setter: field is the member of struct options its rule names (offsetof), arg the option's value;
 * -1 refuses the value (the rule's message says why). They only set what the option names.
 */
typedef int (*setter_fn)(struct options *o, void *field, const char *arg);

static int set_flag(struct options *o, void *field, const char *arg)
{
    (void)o, (void)arg;
    *(bool *)field = true;
    return 0;
}

static int set_string(struct options *o, void *field, const char *arg)
{
    (void)o;
    *(const char **)field = arg;
    return 0;
}

static int set_drive(struct options *o, void *field, const char *arg)
{
    (void)field;
    struct drive_spec d;
    if (drive_parse(arg, &d) < 0)
        return -1;
    if ((d.virtio && o->nvdrives == MAX_VIRTIO_DRIVES) || (!d.virtio && d.readonly)) {
        drive_free(&d);
        return -1;
    }
    if (d.virtio) {
        o->vdrive[o->nvdrives++] = d;
    } else {
        free(o->drive); /* a second ATA disk replaces the first, as before */
        o->drive = d.file;
    }
    return 0;
}

static int set_nic(struct options *o, void *field, const char *arg)
{
    (void)o;
    return nic_parse(arg, field);
}

static int set_nonempty(struct options *o, void *field, const char *arg)
{
    return set_string(o, field, arg) < 0 || !*arg ? -1 : 0;
}

static int set_size(struct options *o, void *field, const char *arg)
{
    (void)o;
    return parse_size(arg, field);
}

static int set_entry(struct options *o, void *field, const char *arg)
{
    o->entry_set = true;
    return parse_size(arg, field);
}

static int set_max_exits(struct options *o, void *field, const char *arg)
{
    return parse_size(arg, field) < 0 || o->max_exits == 0 ? -1 : 0;
}

static int set_output(struct options *o, void *field, const char *arg)
{
    (void)o;
    return parse_out(arg, field);
}

static int set_debugcon(struct options *o, void *field, const char *arg)
{
    o->debugcon_given = true;
    return parse_out(arg, field);
}

static int set_format(struct options *o, void *field, const char *arg)
{
    static const char *const names[] = {"bios", "multiboot", "raw", "linux"}; /* from FMT_BIOS on */
    (void)field;
    int i = CHOICE(arg, names);
    if (i >= 0)
        o->format = (enum image_format)(FMT_BIOS + i);
    return i;
}

static int set_entry_mode(struct options *o, void *field, const char *arg)
{
    static const char *const names[] = {"real", "protected", "long"}; /* enum entry_mode's order */
    (void)field;
    int i = CHOICE(arg, names);
    if (i >= 0)
        o->entry_mode = (enum entry_mode)i;
    return i;
}

static int set_shadow(struct options *o, void *field, const char *arg)
{
    static const char *const names[] = {"128k", "all"}; /* from SHADOW_128K on */
    (void)field;
    int i = CHOICE(arg, names);
    if (i >= 0)
        o->bios_shadow = SHADOW_128K + i;
    return i;
}

static int set_irqchip(struct options *o, void *field, const char *arg)
{
    static const char *const names[] = {"auto", "on", "off"}; /* the irqchip enum's order */
    (void)field;
    int i = CHOICE(arg, names);
    if (i >= 0)
        o->irqchip = i;
    return i;
}

static int set_timeout(struct options *o, void *field, const char *arg)
{
    char *end;
    (void)field;
    errno = 0;
    o->timeout = strtod(arg, &end);
    return errno || end == arg || *end || !(o->timeout > 0) || o->timeout > 1e6 ? -1 : 0;
}

static int set_gdb(struct options *o, void *field, const char *arg)
{
    o->gdb = true;
    return parse_unsigned(arg, 65535, field);
}

static int set_smp(struct options *o, void *field, const char *arg)
{
    return parse_unsigned(arg, VCPUCTX_MAX_VCPUS, field) < 0 || o->smp < 1 ? -1 : 0;
}

/* --device=pc-testdev, or virtio-console[,out=stdio|file:PATH|none] (default stdio). */
static int set_device(struct options *o, void *field, const char *arg)
{
    (void)field;
    static const char con[] = "virtio-console";
    if (strcmp(arg, "pc-testdev") == 0) {
        o->pc_testdev = true;
        return 0;
    }
    if (strncmp(arg, con, sizeof(con) - 1) != 0)
        return -1;
    const char *rest = arg + sizeof(con) - 1;
    if (*rest == 0) {
        o->vcon.kind = OUT_STDIO;
        return 0;
    }
    return strncmp(rest, ",out=", 5) == 0 && parse_out(rest + 5, &o->vcon) == 0 && o->vcon.kind != OUT_SAME ? 0 : -1;
}

/* What each option code sets, how, and the message when its value is refused. */
#define FIELD(m) offsetof(struct options, m)
static const struct {
    int code;
    setter_fn set;
    size_t field;
    const char *refused;
} rules[] = {
    {O_FORMAT, set_format, 0, "unknown format"},
    {'m', set_size, FIELD(memory), "bad memory size"},
    {O_LOAD, set_size, FIELD(load), "bad load address"},
    {O_ENTRY, set_entry, FIELD(entry), "bad entry address"},
    {O_ENTRY_MODE, set_entry_mode, 0, "unknown entry mode"},
    {O_APPEND, set_string, FIELD(append), ""},
    {O_INITRD, set_string, FIELD(initrd), ""},
    {O_KERNEL, set_string, FIELD(image), ""},
    {O_SHADOW, set_shadow, 0, "bad --bios-shadow"},
    {O_DRIVE, set_drive, 0, "bad --drive (FILE, or file=FILE,if=virtio|ide[,format=raw][,readonly=on])"},
    {O_FWDEBUG, set_output, FIELD(fwdebug), "bad --fw-debug"},
    {O_IRQCHIP, set_irqchip, 0, "bad --irqchip"},
    {O_DEBUGCON, set_debugcon, FIELD(debugcon), "bad --debugcon"},
    {O_SERIAL, set_output, FIELD(serial), "bad --serial"},
    {O_TIMEOUT, set_timeout, 0, "bad timeout"},
    {O_MAX_EXITS, set_max_exits, FIELD(max_exits), "bad --max-exits"},
    {O_NO_REBOOT, set_flag, FIELD(no_reboot), ""},
    {O_TRACE, set_flag, FIELD(trace), ""},
    {O_STATS, set_flag, FIELD(stats), ""},
    {O_DUMP, set_flag, FIELD(dump_regs), ""},
    {O_GDB, set_gdb, FIELD(gdb_port), "bad --gdb port (0-65535)"},
    {O_DEVICE, set_device, 0, "unknown --device (known: pc-testdev, virtio-console[,out=stdio|file:PATH|none])"},
    {O_CPU, set_nonempty, FIELD(cpu), "bad --cpu"},
    {O_NIC, set_nic, FIELD(nic), "bad --nic (tap,ifname=NAME[,mac=52:54:00:12:34:56])"},
    {O_SMP, set_smp, FIELD(smp), "bad --smp (1-8)"},
};

static int apply(struct options *o, int c, const char *arg)
{
    for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
        if (rules[i].code == c)
            return rules[i].set(o, (char *)o + rules[i].field, arg) < 0 ? fail(rules[i].refused, arg) : 0;
    return -1;
}

/* The options that exclude each other: one line and -1 for the first pair given together. */
static int options_agree(const struct options *o)
{
    if (o->smp > 1 && o->irqchip == IRQCHIP_OFF) {
        fprintf(stderr,
                "vcpuctx-run: --smp=%u needs the in-kernel irqchip, which starts the other vCPUs (INIT, "
                "SIPI): not --irqchip=off (see --help)\n",
                o->smp);
        return -1;
    }
    if (o->pc_testdev && o->debugcon_given && o->debugcon.kind != OUT_NONE) {
        fprintf(stderr, "vcpuctx-run: --device=pc-testdev has ports 0xe8-0xeb, the debug console's 0xe9 among "
                        "them: not with --debugcon (see --help)\n");
        return -1;
    }
    if (o->smp > 1 && o->gdb) {
        fprintf(stderr, "vcpuctx-run: --gdb debugs one vCPU: not with --smp=%u (see --help)\n", o->smp);
        return -1;
    }
    return 0;
}

void options_free(struct options *o)
{
    for (unsigned i = 0; i < o->nvdrives; i++)
        drive_free(&o->vdrive[i]);
    o->nvdrives = 0;
    free(o->drive);
    o->drive = NULL;
}

/* options_parse's work, which may leave allocations behind on any status. */
static int options_read(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->debugcon.kind = o->serial.kind = OUT_STDIO;
    o->memory = 64ULL << 20;
    o->load = 0x7c00;
    o->smp = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":m:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 1;
        }
        if (c == O_VERSION) {
            printf("vcpuctx-run %s (libvcpuctx)\n", VCPUCTX_VERSION);
            return 1;
        }
        if (c == '?' || c == ':') {
            const char *opt = argv[optind - 1];
            return fail(c == '?' ? "unknown option" : "option needs a value", opt);
        }
        if (apply(o, c, optarg) < 0)
            return -1;
        o->format_given |= format_bit(c);
        if (c == O_CPU && strcmp(optarg, "help") == 0) {
            cpu_help();
            return 1;
        }
    }
    int images = argc - optind + (o->image != NULL); /* --kernel names the image too, as QEMU's -kernel */
    if (images != 1) {
        fprintf(stderr, "vcpuctx-run: %s (see --help)\n", images == 0 ? "no image given" : "more than one image given");
        return -1;
    }
    if (!o->image)
        o->image = argv[optind];
    /* The firmware's log (SeaBIOS writes it to 0x402 while mirroring its screen to COM1) stays out of a plain
       run's stdout, as under QEMU, so the two never interleave byte by byte; a given --debugcon takes it along. */
    if (o->fwdebug.kind == OUT_SAME && !o->debugcon_given)
        o->fwdebug.kind = OUT_NONE;
    if (!o->entry_set)
        o->entry = o->load;
    return options_agree(o);
}

int options_parse(int argc, char **argv, struct options *o)
{
    int r = options_read(argc, argv, o);
    if (r != 0)
        options_free(o);
    return r;
}
