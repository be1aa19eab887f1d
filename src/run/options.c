/* options.c: vcpuctx-run's command line (GNU long options), with one-line errors. */
#include <errno.h>
#include <getopt.h>
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
    "  --device=pc-testdev          QEMU's pc-testdev (ports 0xe0-0xeb, 0x2000-0x2017; MMIO at\n"
    "                               0xff000000), in place of the debug console at 0xe9\n"
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
    for (size_t i = 0; i < sizeof(format_options) / sizeof(format_options[0]); i++)
        if (format_options[i].code == c)
            return 1u << i;
    return 0;
}

int options_fit_format(const struct options *o, enum image_format f)
{
    for (size_t i = 0; i < sizeof(format_options) / sizeof(format_options[0]); i++)
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

static int parse_choice(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static int apply(struct options *o, int c, const char *arg)
{
    static const char *const formats[] = {"bios", "multiboot", "raw", "linux"};
    static const char *const modes[] = {"real", "protected", "long"};
    char *end;
    int i;
    switch (c) {
    case O_FORMAT:
        if ((i = parse_choice(arg, formats, 4)) < 0)
            return fail("unknown format", arg);
        o->format = (enum image_format)(FMT_BIOS + i);
        return 0;
    case 'm': return parse_size(arg, &o->memory) < 0 ? fail("bad memory size", arg) : 0;
    case O_LOAD: return parse_size(arg, &o->load) < 0 ? fail("bad load address", arg) : 0;
    case O_ENTRY: o->entry_set = true; return parse_size(arg, &o->entry) < 0 ? fail("bad entry address", arg) : 0;
    case O_ENTRY_MODE:
        if ((i = parse_choice(arg, modes, 3)) < 0)
            return fail("unknown entry mode", arg);
        o->entry_mode = (enum entry_mode)i;
        return 0;
    case O_APPEND: o->append = arg; return 0;
    case O_INITRD: o->initrd = arg; return 0;
    case O_KERNEL: o->image = arg; return 0;
    case O_SHADOW:
        if (strcmp(arg, "all") && strcmp(arg, "128k"))
            return fail("bad --bios-shadow", arg);
        o->bios_shadow = strcmp(arg, "all") == 0 ? SHADOW_ALL : SHADOW_128K;
        return 0;
    case O_DRIVE: o->drive = arg; return 0;
    case O_FWDEBUG: return parse_out(arg, &o->fwdebug) < 0 ? fail("bad --fw-debug", arg) : 0;
    case O_IRQCHIP: {
        static const char *const modes3[] = {"auto", "on", "off"};
        if ((i = parse_choice(arg, modes3, 3)) < 0)
            return fail("bad --irqchip", arg);
        o->irqchip = i == 0 ? IRQCHIP_AUTO : i == 1 ? IRQCHIP_ON : IRQCHIP_OFF;
        return 0;
    }
    case O_DEBUGCON:
        o->debugcon_given = true;
        return parse_out(arg, &o->debugcon) < 0 ? fail("bad --debugcon", arg) : 0;
    case O_SERIAL: return parse_out(arg, &o->serial) < 0 ? fail("bad --serial", arg) : 0;
    case O_TIMEOUT:
        errno = 0;
        o->timeout = strtod(arg, &end);
        return (errno || end == arg || *end || !(o->timeout > 0) || o->timeout > 1e6) ? fail("bad timeout", arg) : 0;
    case O_MAX_EXITS:
        return (parse_size(arg, &o->max_exits) < 0 || o->max_exits == 0) ? fail("bad --max-exits", arg) : 0;
    case O_NO_REBOOT: o->no_reboot = true; return 0;
    case O_TRACE: o->trace = true; return 0;
    case O_STATS: o->stats = true; return 0;
    case O_DUMP: o->dump_regs = true; return 0;
    case O_GDB: {
        unsigned long port = strtoul(arg, &end, 10);
        if (end == arg || *end || *arg == '-' || port > 65535)
            return fail("bad --gdb port (0-65535)", arg);
        o->gdb = true;
        o->gdb_port = (unsigned)port;
        return 0;
    }
    case O_DEVICE:
        if (strcmp(arg, "pc-testdev") != 0)
            return fail("unknown --device (known: pc-testdev)", arg);
        o->pc_testdev = true;
        return 0;
    case O_CPU:
        if (!*arg)
            return fail("bad --cpu", arg);
        o->cpu = arg;
        return 0;
    case O_SMP: {
        unsigned long n = strtoul(arg, &end, 10);
        if (end == arg || *end || *arg == '-' || n < 1 || n > VCPUCTX_MAX_VCPUS)
            return fail("bad --smp (1-8)", arg);
        o->smp = (unsigned)n;
        return 0;
    }
    default: return -1;
    }
}

/* --cpu=help: the models and the feature names, as QEMU's -cpu help lists its own. */
static void cpu_help(void)
{
    const char *name;
    printf("CPU models (--cpu=MODEL): ");
    for (size_t i = 0; (name = vcpuctx_cpu_name(VCPUCTX_CPU_MODELS, i)); i++)
        printf("%s%s", i ? ", " : "", name);
    printf("\nFeatures (+FEAT, -FEAT, FEAT=on|off; '_' reads as '-'):");
    size_t col = 80;
    for (size_t i = 0; (name = vcpuctx_cpu_name(VCPUCTX_CPU_FEATURES, i)); i++) {
        if (col + strlen(name) + 1 > 78) {
            printf("\n ");
            col = 1;
        }
        col += (size_t)printf(" %s", name);
    }
    printf("\n");
}

/* Why a feature KVM cannot give is missing, when the cause is the missing irqchip (x2apic, tsc-deadline). */
static const char *cpu_irqchip_hint(const char *name, bool irqchip)
{
    return !irqchip && (strstr(name, "x2apic") || strstr(name, "deadline")) ? " without the in-kernel irqchip" : "";
}

void cpu_error(const char *spec, size_t at, int err, bool irqchip)
{
    const char *item = spec + at;
    int len = (int)strcspn(item, ",");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", len, item);
    if (err == EINVAL && at == 0)
        fprintf(stderr, "vcpuctx-run: --cpu: unknown CPU model '%s' (see --cpu=help)\n", name);
    else if (err == EINVAL)
        fprintf(stderr, "vcpuctx-run: --cpu: unknown feature or bad item '%s' (see --cpu=help)\n", name);
    else if (err == ENOTSUP)
        fprintf(stderr, "vcpuctx-run: --cpu: this KVM cannot give '%s'%s\n", name, cpu_irqchip_hint(name, irqchip));
    else
        fprintf(stderr, "vcpuctx-run: --cpu: %s\n", strerror(err));
}

/* Whether spec's feature list has the item "enforce". */
static bool cpu_enforced(const char *spec)
{
    for (const char *p = strchr(spec, ','); p; p = strchr(p + 1, ','))
        if (strncmp(p + 1, "enforce", 7) == 0 && (p[8] == ',' || p[8] == '\0'))
            return true;
    return false;
}

int cpu_choose(vm_t *vm, const char *spec, bool irqchip, bool warn)
{
    char *s = strdup(spec);
    size_t at = 0;
    if (!s) {
        fprintf(stderr, "vcpuctx-run: --cpu: %s\n", strerror(errno));
        return -1;
    }
    int r;
    while ((r = vcpuctx_vm_set_cpu(vm, s, &at)) < 0 && errno == ENOTSUP && at > 0 && !cpu_enforced(s)) {
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(s + at, ","), s + at);
        if (warn)
            fprintf(stderr,
                    "vcpuctx-run: warning: --cpu: this KVM cannot give '%s'%s: left out, as QEMU does "
                    "(',enforce' refuses)\n",
                    name, cpu_irqchip_hint(name, irqchip));
        size_t len = strcspn(s + at, ",");
        memmove(s + at - 1, s + at + len, strlen(s + at + len) + 1); /* the item and the comma before it */
    }
    if (r < 0)
        cpu_error(s, at, errno, irqchip);
    free(s);
    return r;
}

int options_parse(int argc, char **argv, struct options *o)
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
