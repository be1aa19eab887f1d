/* devices.h: vcpuctx-run's device models: register logic apart from the port glue, so each is unit-testable. */
#ifndef VCPUCTX_DEVICES_H
#define VCPUCTX_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vcpuctx.h>

#include <ethdrivers/raw.h>
#include <sel4vmmplatsupport/drivers/virtio_net.h>
#include <pthread.h>
#include <satadrivers/raw.h>

/*
 * The port adapter (portdev.c): a device's registers by number, counted from its range's first port, so a
 * device works at any base. An access wider than the device's width is split into pieces of that width at
 * consecutive ports (little-endian), as an ISA bus does; a piece past the range reads as all ones and is
 * dropped on write. A device with two blocks of ports registers two ranges and numbers them as one space.
 */
struct port_ops {
    uint32_t (*read)(void *dev, unsigned reg, unsigned size);              /* NULL: unclaimed, as no device */
    void (*write)(void *dev, unsigned reg, unsigned size, uint32_t value); /* NULL: writes are dropped */
    unsigned width;                                                        /* 1, 2 or 4 */
};
struct port_range {
    const struct port_ops *ops;
    void *dev;
    uint16_t base, len;
    unsigned first; /* the register number of the first port */
};
/* The port_ops `name` of a device with byte registers, read by rd(type *, unsigned reg) and written by
   wr(type *, unsigned reg, uint8_t): the adapter's calls narrowed to them, written once for every such device. */
#define PORT_OPS_BYTES(name, type, rd, wr)                                                                             \
    static uint32_t name##_read8(void *dev, unsigned reg, unsigned size)                                               \
    {                                                                                                                  \
        (void)size;                                                                                                    \
        return rd((type *)dev, reg);                                                                                   \
    }                                                                                                                  \
    static void name##_write8(void *dev, unsigned reg, unsigned size, uint32_t value)                                  \
    {                                                                                                                  \
        (void)size;                                                                                                    \
        wr((type *)dev, reg, (uint8_t)value);                                                                          \
    }                                                                                                                  \
    static const struct port_ops name = {name##_read8, name##_write8, 1}
/* Register r (copied into *slot, which must live as long as the VM) under name. -1 with errno on failure, *slot
   untouched. */
int port_range_register(vm_t *vm, struct port_range *slot, struct port_range r, const char *name);
/* The adapter itself, without a VM (unit tests): an access of size bytes at an absolute port in r. */
uint32_t port_range_read(const struct port_range *r, unsigned port, unsigned size);
void port_range_write(const struct port_range *r, unsigned port, unsigned size, uint32_t value);

/* QEMU pc's split of RAM around the 32-bit PCI hole: all of it below 4 GiB up to 3.5 GiB; from 3.5 GiB on, 3 GiB
   below and the rest from 4 GiB up. The CMOS and fw_cfg report it so; vcpuctx-run lays RAM out so. */
#define PC_HIGH_RAM_BASE (1ULL << 32)
static inline uint64_t pc_ram_below_4g(uint64_t ram)
{
    uint64_t low = ram >= 0xe0000000ULL ? 0xc0000000ULL : 0xe0000000ULL;
    return ram < low ? ram : low;
}

/* Where a device's output goes: a file descriptor (-1: discarded). Written at once, never buffered. */
struct sink {
    int fd;
    uint64_t bytes; /* written so far */
    bool failed;    /* a write failed (the device keeps accepting output) */
    int error;      /* the first failure's errno */
};
void sink_write(struct sink *s, const void *buf, size_t n);

/* Bochs/QEMU debug console: OUT prints a byte, IN reads 0xE9 (SeaBIOS checks it at 0x402). */
struct debugcon {
    struct sink *out;
    struct port_range io;
};
int debugcon_register(vm_t *vm, struct debugcon *d, uint16_t port);

/* 16550A UART. Output goes to a sink; input comes from uart_receive (or loopback) into the receiver buffer, one
   byte at a time. Its interrupt (THR empty; received data) drives an IRQ line through vm_set_irq_level, as a PC
   wires it: gated by MCR's OUT2, and silent in loopback. */
struct uart16550 {
    uint8_t ier, iir_fifo, lcr, mcr, lsr, msr, scr, dll, dlm, rbr;
    bool thre_pending; /* THR-empty interrupt identification pending */
    struct sink *out;
    vm_vcpu_t *vcpu;     /* where the IRQ goes (NULL: the level is only tracked) */
    int irq;             /* its line, -1: none */
    bool irq_level;      /* the line's level now */
    uint64_t irq_errors; /* vm_set_irq_level refusals */
    struct port_range io;
};
void uart_init(struct uart16550 *u, struct sink *out);
/* Drive IRQ line irq of vcpu's VM (COM1: 4) from now on; the line starts low. */
void uart_connect_irq(struct uart16550 *u, vm_vcpu_t *vcpu, int irq);
uint8_t uart_read(struct uart16550 *u, unsigned offset);
/* A byte arrives on the line: into the receiver buffer when it is empty (true), else refused (false: the caller
   keeps it until the buffer is read, so nothing is overrun or lost). */
bool uart_receive(struct uart16550 *u, uint8_t byte);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value);
int uart_register(vm_t *vm, struct uart16550 *u, uint16_t base);

/* QEMU's isa-debug-exit: a write of V asks to stop with status (V << 1) | 1. */
struct debug_exit {
    vm_t *vm;
    bool fired;
    uint32_t value;
    struct port_range io;
};
int debug_exit_register(vm_t *vm, struct debug_exit *d, uint16_t base, unsigned iosize);
int debug_exit_status(const struct debug_exit *d);

/* MC146818 CMOS/RTC: index/data ports, QEMU's memory-size bytes, RTC time from the host clock (UTC; BCD or, with
   register B's DM bit, binary; 24-hour), register A's update-in-progress bit, and the alarm: when the time matches
   the alarm registers (1, 3, 5; a value of 0xC0-0xFF matches any), register C's AF, and with B's AIE, IRQF and
   its IRQ line raised until C is read. cmos_tick compares the seconds up to now (UTC seconds) since its last call
   and says whether an alarm with AIE happened: an ACPI wake event. cmos_reset: a machine reset (NVRAM kept,
   interrupt enables and flags cleared, the line disconnected); cmos_suspend: the shutdown status byte (0x0F)
   set to 0xFE, "resume from S3", for firmware. */
struct cmos {
    uint8_t index;
    uint8_t ram[128];
    int64_t checked; /* the last second compared with the alarm */
    vm_vcpu_t *vcpu; /* the IRQ line's VM (NULL: none) */
    int irq;
    uint64_t irq_errors; /* vm_set_irq_level refusals */
    struct port_range io;
};
void cmos_init(struct cmos *c, uint64_t ram_bytes);
void cmos_connect_irq(struct cmos *c, vm_vcpu_t *vcpu, int irq);
bool cmos_tick(struct cmos *c, int64_t now);
bool cmos_alarm_enabled(const struct cmos *c);
void cmos_reset(struct cmos *c);
void cmos_suspend(struct cmos *c);
uint8_t cmos_read(struct cmos *c, unsigned offset);
void cmos_write(struct cmos *c, unsigned offset, uint8_t value);
int cmos_register(vm_t *vm, struct cmos *c, uint16_t base);

/* Port 0x92 (system control port A: A20 gate, fast reset), 0xCF9 (reset control) and port 0x80 (POST codes). */
struct sysctl {
    vm_t *vm;
    uint8_t port92;
    bool reset_requested;
    uint8_t last_post;
    struct port_range io[3]; /* 0x92, 0xCF9, 0x80 */
};
int sysctl_register(vm_t *vm, struct sysctl *s);
void sysctl_reset(struct sysctl *s);

/* ACPI power management at QEMU PIIX4's ports (0x600): the PM1a event block (status, write 1 to clear; enable),
   the PM1a control (SCI_EN always set; SLP_EN with SLP_TYP 0, the DSDT's \_S5, asks for a power-off, with
   SLP_TYP 1, its \_S3, for a suspend to RAM: either way the VM stops) and the 32-bit 3.579545 MHz PM timer.
   Registers are numbered by byte from the base. acpi_pm_rtc_wakes: whether the enable register's RTC_EN lets
   the RTC alarm wake the machine; acpi_pm_woken: the block as the machine finds it after that wake. */
#define ACPI_PM_BASE 0x600
enum { ACPI_PM1_EVT = 0, ACPI_PM1_CNT = 4, ACPI_PM_TMR = 8, ACPI_PM_LEN = 12 };
#define ACPI_PM1_RTC_EN 0x0400u
struct acpi_pm {
    vm_t *vm; /* NULL: not registered (a sleep request is only recorded) */
    uint16_t sts, en, cnt;
    bool poweroff_requested, suspend_requested;
    struct port_range io;
};
void acpi_pm_init(struct acpi_pm *p);
bool acpi_pm_rtc_wakes(const struct acpi_pm *p);
void acpi_pm_woken(struct acpi_pm *p);
uint32_t acpi_pm_read(struct acpi_pm *p, unsigned reg, unsigned size);
void acpi_pm_write(struct acpi_pm *p, unsigned reg, unsigned size, uint32_t value);
int acpi_pm_register(vm_t *vm, struct acpi_pm *p, uint16_t base);

/* QEMU's pc-testdev (-device pc-testdev): a 32-bit scratch register at ports 0xE0-0xE3 (any width) and
   0xE8-0xEB (byte by byte), a page flush at 0xE4 (a no-op for the guest), IRQ lines 0-23 at ports 0x2000 + n
   (vm_set_irq_level), and 64 KiB of MMIO scratch at 0xFF000000 (a memory reservation). */
#define PC_TESTDEV_IOMEM     0xff000000u
#define PC_TESTDEV_IOMEM_LEN 0x10000u
struct pc_testdev {
    uint32_t scratch;
    vm_vcpu_t *vcpu;
    uint64_t flushes, irq_errors;
    uint8_t iomem[PC_TESTDEV_IOMEM_LEN];
    struct port_range io[4];
};
uint32_t pc_testdev_read(struct pc_testdev *t, unsigned reg, unsigned size);
void pc_testdev_write(struct pc_testdev *t, unsigned reg, unsigned size, uint32_t value);
/* Register every part on vm, its IRQ lines through vcpu's VM (which needs the irqchip for them). */
int pc_testdev_register(vm_t *vm, vm_vcpu_t *vcpu, struct pc_testdev *t);

/* QEMU's fw_cfg on its legacy ports (0x510 selector, 0x511 data): signature, ID, RAM size, CPU counts (NB_CPUS,
   MAX_CPUS: cpus), NOGRAPHIC, the file directory. */
#define FW_CFG_MAX_FILES  8
#define FW_CFG_SMALL_KEYS 16
struct fw_cfg_file {
    char name[56];
    uint8_t *data;
    uint32_t size;
};
struct fw_cfg {
    uint16_t selector;
    uint32_t offset;
    uint8_t small[FW_CFG_SMALL_KEYS][8]; /* keys 0x00-0x0F: signature, ID, RAM size, NOGRAPHIC, CPU counts... */
    uint32_t small_size[FW_CFG_SMALL_KEYS];
    struct fw_cfg_file files[FW_CFG_MAX_FILES];
    unsigned nfiles;
    uint8_t dir[4 + FW_CFG_MAX_FILES * 64];
    struct port_range io[2]; /* selector 0x510, data 0x511 */
};
int fw_cfg_init(struct fw_cfg *f, uint64_t ram_bytes, unsigned cpus);
void fw_cfg_free(struct fw_cfg *f);
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t size);
void fw_cfg_select(struct fw_cfg *f, uint16_t key);
uint8_t fw_cfg_read(struct fw_cfg *f);
int fw_cfg_register(vm_t *vm, struct fw_cfg *f);

/* i8042 keyboard controller: enough that firmware does not wait on it; 0xFE on 0x64 requests a reset.
   Registers: I8042_DATA (port 0x60) and I8042_COMMAND (0x64, status when read). */
enum { I8042_DATA = 0, I8042_COMMAND = 4 };
struct i8042 {
    uint8_t status, command_byte, out[4], nout, pending_cmd;
    struct sysctl *reset; /* where a reset pulse goes */
    struct port_range io[2];
};
void i8042_init(struct i8042 *k, struct sysctl *reset);
uint8_t i8042_read(struct i8042 *k, unsigned reg);
void i8042_write(struct i8042 *k, unsigned reg, uint8_t value);
int i8042_register(vm_t *vm, struct i8042 *k);

/* ATA (IDE) disk on the primary channel (0x1f0-0x1f7, 0x3f6), PIO only, master only: IDENTIFY,
   READ/WRITE SECTORS (LBA28 and CHS), SET FEATURES, INITIALIZE DEVICE PARAMETERS, soft reset.
   Registers: 0-7 the command block (data, error/feature, ..., status/command), ATA_CONTROL the control block. */
enum { ATA_CONTROL = 8 };
struct ata {
    int fd; /* the raw image */
    uint64_t sectors;
    uint8_t feature, count, lba0, lba1, lba2, select, status, error, control;
    uint16_t buf[256];  /* the sector (or IDENTIFY data) being transferred */
    unsigned pos;       /* words transferred of buf */
    unsigned remaining; /* sectors left in the command, including buf's */
    uint32_t lba;       /* the next sector */
    bool writing;
    struct port_range io[2];
};
int ata_open(struct ata *a, const char *path, char *err, size_t errlen);
void ata_close(struct ata *a);

/* blkfile.c: a raw image (a regular file or a block device of whole 512-byte sectors) as a virtio block device's
   backend. blkfile_open opens and locks it (-1 and a message in err: missing, unreadable, locked, not whole
   sectors); blkfile_xfer serves one piece of a request (VIRTIO_BLK_T_IN, _OUT, _FLUSH) between the image and
   buf, 0 or -1 (out of range, read-only, a host error such as a full disk); blkfile_close syncs and closes. */
struct blkfile {
    int fd;
    uint64_t sectors;
    bool readonly;
};
int blkfile_open(struct blkfile *b, const char *path, bool readonly, char *err, size_t errlen);
int blkfile_xfer(struct blkfile *b, uint8_t type, uint64_t sector, uint32_t len, void *buf);
void blkfile_close(struct blkfile *b);
/* The backend's function table, for vcpuctx_make_virtio_blk with the blkfile as its cookie. */
raw_diskiface_funcs_t blkfile_backend(void);

/* tap.c: a Linux tap device as a virtio network device's backend. tap_open attaches to an existing tap (-1 and a
   message in err: no such interface, not a tap, not permitted); tap_backend's raw_tx writes the guest's frames
   to it (the driver's eth_data is the tap); tap_start runs the thread that hands the tap's frames to the guest
   through driver's i_cb, tap_stop ends it; tap_close stops and closes. */
struct tap {
    int fd;
    char name[32];
    uint8_t mac[6];
    struct eth_driver *driver;
    pthread_t thread;
    int stop[2];
    bool running;
    uint64_t tx_frames, tx_dropped, rx_frames;
};
int tap_open(struct tap *t, const char *name, const uint8_t mac[6], char *err, size_t errlen);
struct raw_iface_funcs tap_backend(void);
/* The tap passes virtio-net headers (12 bytes) both ways, so it carries every offload
   vcpuctx_virtio_net_offload knows; through this the device tells it which the guest took. */
vcpuctx_net_accept_fn tap_accept_fn(void);
int tap_start(struct tap *t, struct eth_driver *driver);
void tap_stop(struct tap *t);
void tap_close(struct tap *t);
uint32_t ata_read(struct ata *a, unsigned reg, unsigned size);
void ata_write(struct ata *a, unsigned reg, unsigned size, uint32_t value);
int ata_register(vm_t *vm, struct ata *a);

#endif /* VCPUCTX_DEVICES_H */
