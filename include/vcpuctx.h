/* vcpuctx.h: the Linux side of libvcpuctx: VMs, vCPUs, guest RAM, the exit loop and its handlers. */
#ifndef VCPUCTX_H
#define VCPUCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>
#include <sel4vm/arch/guest_x86_context.h>
#include <sel4vm/arch/ioports.h>
#include <sel4vm/arch/vmcs_fields.h>
#include <sel4vm/arch/vmexit_reasons.h>
#include <sel4vm/arch/vmcall.h>
#include <sel4vm/arch/guest_vm_arch.h>
#include <sel4vm/boot.h>
#include <sel4vm/guest_irq_controller.h>
#include <sel4vm/guest_vcpu_fault.h>
#include <sel4vm/guest_vm_exits.h>
#include <sel4vm/guest_memory.h>
#include <sel4vm/guest_memory_helpers.h>
#include <sel4vm/guest_ram.h>
#include <sel4vm/guest_iospace.h>
#include <sel4vm/arch/guest_memory_arch.h>
#include <sel4vm/guest_vm.h>
#include <sel4vm/guest_vm_util.h>

#define VCPUCTX_VERSION "0.1.0"

/* Largest RAM vcpuctx_vm_create accepts at 0: everything below the 32-bit PCI hole, as QEMU's pc machine places
   RAM below it (3.5 GiB). More RAM goes above 4 GiB, as vm_ram_register_at places it. */
#define VCPUCTX_RAM_MAX (7ULL << 29)

/**
 * The KVM device vcpuctx_vm_create opens: "/dev/kvm", or the value of the
 * environment variable VCPUCTX_KVM_DEVICE when it is set and not empty (for
 * testing a missing or inaccessible device).
 * @return the path (static storage or the environment's)
 */
const char *vcpuctx_kvm_device(void);

/**
 * Create a VM with ram_bytes of RAM at guest-physical 0 (opens vcpuctx_kvm_device()).
 * @param ram_bytes RAM size: a multiple of 4 KiB, 4 KiB..VCPUCTX_RAM_MAX
 * @return the VM, or NULL with errno: ENOENT or EACCES when the device is
 *         missing or closed to the caller, ENOTSUP when it is not a KVM of API
 *         version 12, EINVAL for a bad size, ENOMEM, or the errno of the failed
 *         KVM call (EMFILE, ...)
 */
vm_t *vcpuctx_vm_create(size_t ram_bytes);

/**
 * Destroy a VM, its vCPUs and its RAM. NULL is ignored.
 * @param vm the VM
 */
void vcpuctx_vm_destroy(vm_t *vm);

/**
 * Create a VM whose RAM at guest-physical 0 is the caller's memory (shared
 * memory another process also maps, for instance). The VM never unmaps it;
 * it must outlive the VM. NULL and 0 make a VM with no RAM at 0: add RAM
 * with vcpuctx_vm_map_ram.
 * @param ram       page-aligned memory, or NULL
 * @param ram_bytes its size: a multiple of 4 KiB up to VCPUCTX_RAM_MAX, 0 with NULL
 * @return the VM, or NULL with errno as vcpuctx_vm_create's (EINVAL for a
 *         misaligned pointer or size, or only one of them 0)
 */
vm_t *vcpuctx_vm_create_on(void *ram, size_t ram_bytes);

/**
 * Make the caller's memory guest RAM at gpa (a memory slot of its own, as
 * vm_ram_register_at's blocks). The VM never unmaps it.
 * @param vm    the VM
 * @param gpa   guest-physical address, 4 KiB aligned
 * @param host  page-aligned memory of bytes bytes, outliving the VM
 * @param bytes a multiple of 4 KiB, not 0
 * @return 0, or -1 with errno EINVAL (alignment, NULL, 0), EBUSY (overlaps
 *         RAM, a ROM or a reservation), ENOSPC (no slot left), or KVM's
 */
int vcpuctx_vm_map_ram(vm_t *vm, uint64_t gpa, void *host, size_t bytes);

/* vm_create_vcpu: sel4vm/boot.h, upstream's home for it; VCPUCTX_MAX_VCPUS: sel4vm/guest_vm.h. */

/**
 * Host pointer to guest RAM.
 * @param vm  the VM
 * @param gpa guest-physical address
 * @param len bytes wanted
 * @return a pointer to gpa's byte, NULL (errno EFAULT) unless all of
 *         [gpa, gpa+len) is RAM; EINVAL for a NULL vm
 */
void *vcpuctx_guest_ram(vm_t *vm, uint64_t gpa, size_t len);

/**
 * Give the VM KVM's in-kernel interrupt controllers (PIC, IOAPIC, local APIC)
 * and PIT (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2), as firmware needs for its
 * timers. Call before creating vCPUs. Afterwards KVM handles HLT itself: a
 * halted vCPU sleeps in KVM_RUN until an interrupt (or vcpuctx_vcpu_kick's
 * signal), and no HLT exits reach the VMM. IRQ lines are wired as on a PC
 * (QEMU's routing): ISA IRQs 0-15 to the 8259s, GSIs 0-23 to the IOAPIC's
 * pins, except that IRQ 0 (the PIT) reaches pin 2, the override a MADT
 * states. vCPUs other than the first (vm_create_vcpu's second and later)
 * wait in KVM for INIT and SIPI, as a PC's application processors.
 * @param vm the VM
 * @return 0, or -1 with errno EINVAL (NULL vm), EBUSY (vCPUs exist or already
 *         enabled), EOPNOTSUPP (no KVM_CAP_IRQCHIP/PIT2), or KVM's errno
 */
int vcpuctx_vm_enable_irqchip(vm_t *vm);

/**
 * Send a message-signalled interrupt (MSI, or an MSI-X table entry's
 * message) as a PCI function writes it: the guest-physical address (the
 * local APIC's window, 0xFEExxxxx, naming the destination) and the data
 * (the vector and delivery mode), through KVM_SIGNAL_MSI. Any thread may
 * call it while the VM runs.
 * @param vm      the VM, with the in-kernel irqchip
 * @param address the message address (the upper 32 bits for an extended
 *                destination ID, as KVM takes it)
 * @param data    the message data
 * @return 0 (delivered, or blocked by the guest's own masking, as on a
 *         bus), or -1 with errno EINVAL (NULL vm), ENODEV (no in-kernel
 *         irqchip), or KVM's
 */
int vcpuctx_vm_signal_msi(vm_t *vm, uint64_t address, uint32_t data);

/**
 * Read or write one register of a vCPU's in-kernel local APIC, by its
 * offset in the xAPIC page (0x20 the ID, 0xF0 the spurious-interrupt vector,
 * 0x350 and 0x360 LINT0 and LINT1, ...), through KVM_GET_LAPIC and
 * KVM_SET_LAPIC. A write sets the register as the guest's own write would
 * leave it, before the vCPU next runs (firmware's set-up, for a kernel
 * booted without firmware). Call it outside the vCPU's KVM_RUN: before
 * vm_run, or from that vCPU's own exit handler.
 * @param vcpu   the vCPU
 * @param offset a multiple of 16 below 0x400
 * @param value  where the register is stored (get), or its new value (set)
 * @return 0, or -1 with errno EINVAL (NULL, or a bad offset), ENODEV (no
 *         in-kernel irqchip), or KVM's; nothing changes on failure
 */
int vcpuctx_vcpu_lapic_get(vm_vcpu_t *vcpu, unsigned int offset, uint32_t *value);
int vcpuctx_vcpu_lapic_set(vm_vcpu_t *vcpu, unsigned int offset, uint32_t value);

/**
 * Choose the CPU the VM's vCPUs report through CPUID, as QEMU's -cpu does
 * under -accel kvm. Without this call every vCPU gets "host". A model starts
 * from KVM's supported list (KVM_GET_SUPPORTED_CPUID) with QEMU's changes:
 * the hypervisor bit set, x2apic and tsc-deadline only with the in-kernel
 * irqchip, and each vCPU's APIC ID in leaves 1, 0xB and 0x1F.
 *  - "host" and "max": KVM's list as it is (under KVM, QEMU's max is host);
 *  - "qemu64": QEMU's model: family 15 model 107 stepping 1, level 0xD,
 *    xlevel 0x8000000A, its brand string and feature bits (with x2apic on
 *    and svm off, as -accel kvm), the host's vendor; the descriptive leaves
 *    (caches, topology, address sizes, KVM's own) stay KVM's.
 * Features follow, comma-separated, in QEMU's names (vcpuctx_cpu_name):
 * "+name" or "name=on" or "name" sets a bit, "-name" or "name=off" clears
 * it, and a clear wins over a set whatever the order (QEMU's "+f,-f").
 * "_" reads as "-", and QEMU's aliases (sse3, sse4_1, xd, ...) are known.
 * Two of QEMU's properties are known too: "vendor=" and twelve characters
 * (the vendor of leaves 0 and 0x80000000), and "host-phys-bits" or
 * "host-phys-bits=on" (every model here has KVM's address sizes already).
 * A set bit KVM cannot give is refused (QEMU warns and drops it unless
 * "enforce"; here "enforce" and "check" are accepted and always hold: a
 * caller that wants QEMU's behaviour drops the item refused and calls again,
 * as vcpuctx-run does).
 * Call before creating vCPUs and after vcpuctx_vm_enable_irqchip, when the
 * VM has one: +x2apic and +tsc-deadline need it.
 * @param vm     the VM
 * @param spec   "MODEL[,FEATURE...]", e.g. "qemu64,+x2apic,-pcid"
 * @param bad_at when not NULL: on failure, the offset in spec of the item
 *               refused (0 for the model); 0 on success
 * @return 0, or -1 with errno EINVAL (NULL, an unknown model or feature,
 *         a malformed item), ENOTSUP (a feature this KVM cannot give),
 *         EBUSY (vCPUs exist), ENOMEM or KVM's errno; the VM's CPU is then
 *         unchanged
 */
int vcpuctx_vm_set_cpu(vm_t *vm, const char *spec, size_t *bad_at);

/**
 * What the VM's vCPUs report for CPUID leaf and index (vcpuctx_vm_set_cpu's
 * model, "host" when none was chosen), before the per-vCPU APIC IDs.
 * @param vm    the VM
 * @param leaf  EAX
 * @param index ECX (ignored for leaves without subleaves)
 * @param regs  EAX, EBX, ECX, EDX out
 * @return 0, or -1 with errno ENOENT (a leaf the model does not have),
 *         EINVAL (NULL) or KVM's errno
 */
int vcpuctx_vm_cpuid(vm_t *vm, uint32_t leaf, uint32_t index, uint32_t regs[4]);

/* What vcpuctx_cpu_name lists. */
#define VCPUCTX_CPU_MODELS   0
#define VCPUCTX_CPU_FEATURES 1

/**
 * The names vcpuctx_vm_set_cpu knows, one at a time (vcpuctx-run --cpu=help).
 * @param kind VCPUCTX_CPU_MODELS or VCPUCTX_CPU_FEATURES
 * @param i    0, 1, ...
 * @return the i-th name (static storage), or NULL past the last or for an
 *         unknown kind
 */
const char *vcpuctx_cpu_name(int kind, size_t i);

/**
 * Map a copy of a ROM image read-only at guest-physical gpa (firmware at the
 * top of 4 GiB, option ROMs). Guest writes to it exit as EPT violations.
 * Map ROMs before creating vCPUs where you can: KVM makes a memory slot
 * added while a vCPU exists cost far more than one added before it.
 * @param vm   the VM
 * @param gpa  guest-physical address, 4 KiB aligned, not overlapping RAM or another ROM
 * @param data the image
 * @param size its size, a multiple of 4 KiB
 * @return 0, or -1 with errno EINVAL (alignment, overlap, NULL), ENOSPC (more
 *         than VCPUCTX_MAX_ROMS), ENOMEM, or KVM's errno (EOPNOTSUPP without
 *         KVM_CAP_READONLY_MEM)
 */
int vcpuctx_vm_map_rom(vm_t *vm, uint64_t gpa, const void *data, size_t size);
#define VCPUCTX_MAX_ROMS 4

/**
 * Make the vCPU leave the guest as soon as possible: a running KVM_RUN is
 * interrupted by the signal that called this (the caller sends it), and the
 * next one returns at once. vcpuctx_vcpu_run then reports
 * EXIT_REASON_EXTERNAL_INTERRUPT. A kick that lands as KVM_RUN returns for
 * another exit is consumed by that exit: check your own flag at every exit,
 * or repeat the signal (vcpuctx-run does both). Async-signal-safe. While
 * vm_run runs several vCPUs it also signals the vCPU's thread (when it is
 * not the caller's), so a vCPU asleep in KVM wakes: from a signal handler
 * that signal may be skipped if a kick is being sent at that moment.
 * @param vcpu the vCPU (NULL is ignored)
 */
void vcpuctx_vcpu_kick(vm_vcpu_t *vcpu);

/**
 * Enter the guest until the next exit the VMM must see. State set since the
 * last exit is written first (one KVM_RUN where KVM_CAP_SYNC_REGS exists).
 * After it returns, the exit is presented as VT-x would: read it with
 * vm_get_vmcs_field (VMX_DATA_EXIT_REASON, _QUALIFICATION, ...), RIP points
 * at the exiting instruction, and a handler advances RIP to complete it.
 * @param vcpu the vCPU
 * @return the exit reason: basic reason in bits 15:0, bit 31 set for a
 *         VM-entry failure (compare as unsigned); -1 with errno on a host error
 */
int vcpuctx_vcpu_run(vm_vcpu_t *vcpu);

/**
 * Write all state set since the last exit to KVM now, completing any I/O or
 * MMIO KVM holds pending the way the VT-x view says (see docs/api.md). After it,
 * raw KVM ioctls on vcpuctx_vcpu_fd() see exactly what the API shows.
 * @param vcpu the vCPU
 * @return 0, or -1 with errno (EINVAL from KVM for invalid guest state)
 */
int vcpuctx_vcpu_flush(vm_vcpu_t *vcpu);

/** Results of an exit handler (upstream values) plus a request to stop vm_run. */
enum {
    VM_EXIT_HANDLE_ERROR = -1,
    VM_EXIT_UNHANDLED = 0,
    VM_EXIT_HANDLED = 1,
    VCPUCTX_EXIT_STOP = 2,
};

/** An exit handler: returns one of the values above. */
typedef int (*vcpuctx_exit_handler_fn)(vm_vcpu_t *vcpu, void *cookie);

/**
 * Register the handler vm_run calls for exits with a basic reason.
 * A handler for EXIT_REASON_IO_INSTRUCTION replaces the port registry.
 * @param vm      the VM
 * @param reason  basic exit reason, 0..VM_EXIT_REASON_NUM-1, or
 *                VCPUCTX_EXIT_REASON_INTERNAL_ERROR
 * @param handler the handler (NULL removes it)
 * @param cookie  passed to the handler
 * @return 0, or -1 with errno EINVAL (NULL vm, reason out of range)
 */
int vcpuctx_register_exit_handler(vm_t *vm, unsigned int reason, vcpuctx_exit_handler_fn handler, void *cookie);

/**
 * Register a function vm_run calls on every exit before dispatching it (for
 * traces, statistics, limits). Returning VCPUCTX_EXIT_STOP ends vm_run with
 * VCPUCTX_RUN_STOPPED before the exit is handled; anything else goes on.
 * @param vm       the VM
 * @param observer the function (NULL removes it)
 * @param cookie   passed to it
 * @return 0, or -1 with errno EINVAL for a NULL vm
 */
int vcpuctx_register_exit_observer(vm_t *vm, vcpuctx_exit_handler_fn observer, void *cookie);

/** How the last vm_run ended (vm_run itself returns upstream's 0 or -1). */
enum vcpuctx_run_status {
    VCPUCTX_RUN_STOPPED = 0,   /* a handler asked to stop: see vcpuctx_vm_stop_code (vm_run returned 0) */
    VCPUCTX_RUN_UNHANDLED = 1, /* an exit had no handler or its handler said unhandled (vm_run returned 0) */
    VCPUCTX_RUN_ERROR = 2,     /* a handler returned an error (vm_run returned -1, errno ECANCELED) */
    VCPUCTX_RUN_FAILED = 3,    /* no vCPU, or a KVM call failed (vm_run returned -1 with its errno) */
};

/**
 * How the last vm_run (sel4vm/guest_vm.h) ended, in more detail than its
 * upstream result.
 * @param vm the VM
 * @return a vcpuctx_run_status (VCPUCTX_RUN_FAILED for NULL or before any vm_run)
 */
int vcpuctx_vm_run_status(const vm_t *vm);

/**
 * The vCPU whose exit ended the last vm_run: the one to inspect after an
 * unhandled exit or an error when several vCPUs ran.
 * @param vm the VM
 * @return the vCPU, or NULL (NULL vm, no vm_run yet)
 */
vm_vcpu_t *vcpuctx_vm_run_vcpu(const vm_t *vm);

/**
 * Whether no vCPU of the VM can run again: each one is halted with
 * interrupts disabled and has no NMI, SMI, exception or event pending (nor
 * one set for its entry), or waits for an INIT or SIPI; and no unmasked
 * IOAPIC pin delivers an NMI, SMI or INIT. The state of every vCPU is read
 * at one instant: in a vm_run of several vCPUs the others are kicked out of
 * the guest and held until the caller's handler returns. Wake-ups the VMM
 * itself holds (an NMI or MSI its own devices may send) are its to count.
 * Call it from an exit handler or observer during vm_run, or between runs.
 * @param vm the VM
 * @return 1 halted for good, 0 some vCPU can run, -1 with errno (EINVAL for
 *         NULL or no vCPU, ETIMEDOUT when a vCPU did not leave the guest
 *         within a second, or a KVM call's)
 */
int vcpuctx_vm_halted_for_good(vm_t *vm);

/**
 * The signal vm_run sends to kick a vCPU thread out of KVM_RUN when it runs
 * several vCPUs: SIGRTMIN + 2. vm_run blocks it in every thread it uses
 * (the caller's included, for the run's length) and lets it through only
 * inside KVM_RUN (KVM_SET_SIGNAL_MASK), so it needs no handler. Leave it to
 * the library.
 * @return the signal number
 */
int vcpuctx_kick_signal(void);

/**
 * Ask vm_run to stop after the current exit (for port handlers). With
 * several vCPUs running, every one is kicked out of the guest and vm_run
 * returns once all have stopped. Callable from any thread.
 * @param vm   the VM
 * @param code a value for the caller, read back with vcpuctx_vm_stop_code
 */
void vcpuctx_vm_stop(vm_t *vm, int code);

/** The code passed to the last vcpuctx_vm_stop (0 if none). */
int vcpuctx_vm_stop_code(const vm_t *vm);

/**
 * The data of the current I/O or MMIO exit. OUT and MMIO writes: what the
 * guest wrote. IN and MMIO reads: fill it, and the data reaches the guest
 * when the handler advances RIP (an IN handler may write EAX instead).
 * String I/O holds count elements of the access size.
 * @param vcpu the vCPU
 * @param len  set to the buffer's length in bytes
 * @return the buffer, or NULL (errno ENODATA) when the exit carries no data
 */
uint8_t *vcpuctx_exit_data(vm_vcpu_t *vcpu, size_t *len);

/**
 * Read or write one of the guest's MSRs as KVM holds it (KVM_GET_MSRS,
 * KVM_SET_MSRS): the SYSCALL MSRs (STAR, LSTAR, CSTAR, SFMASK) and others with
 * no VMCS field. Those that are fields (EFER, PAT, SYSENTER_*) go through
 * vm_get_vmcs_field/vm_set_vmcs_field, which keep their cached state.
 * @param vcpu  the vCPU
 * @param index the MSR
 * @param value where to put it, or the value to write
 * @return 0, or -1 with errno EINVAL (NULL, or an MSR KVM refuses)
 */
int vcpuctx_vcpu_get_msr(vm_vcpu_t *vcpu, uint32_t index, uint64_t *value);
int vcpuctx_vcpu_set_msr(vm_vcpu_t *vcpu, uint32_t index, uint64_t value);

/**
 * The guest's TSC frequency as KVM runs it (KVM_GET_TSC_KHZ).
 * @param vcpu the vCPU
 * @return kHz, or -1 with errno (EINVAL for NULL, ENOTSUP when KVM does not know it)
 */
long vcpuctx_vcpu_tsc_khz(vm_vcpu_t *vcpu);

/**
 * Make RDMSR/WRMSR of MSRs KVM does not know exit to the VMM as reasons 31
 * and 32 (KVM_CAP_X86_USER_SPACE_MSR) instead of KVM injecting #GP. The
 * handler reads ECX (and EDX:EAX), writes EDX:EAX for RDMSR, and advances RIP;
 * to raise #GP it injects it through VMX_CONTROL_ENTRY_INTERRUPTION_INFO.
 * @param vm the VM
 * @return 0, or -1 with errno (EOPNOTSUPP without the capability)
 */
int vcpuctx_vm_enable_msr_exits(vm_t *vm);

/** Counters kept per vCPU, for tests and benchmarks. */
struct vcpuctx_stats {
    uint64_t exits;       /* KVM_RUN calls that returned an exit */
    uint64_t vcpu_ioctls; /* every ioctl on the vCPU fd, KVM_RUN included */
    uint64_t flushes;     /* extra KVM_RUNs that completed KVM's pending I/O */
    bool sync_regs;       /* the cache lives in kvm_run (KVM_CAP_SYNC_REGS); false: lazy ioctls.
                             VCPUCTX_NO_SYNC_REGS=1 in the environment forces false. */
};

/**
 * Keep a copy of the vCPU's registers and segment state at every entry, so that
 * a triple fault can still be shown on hosts that reset the vCPU at one (KVM on
 * AMD-V reinitialises the VMCB at its shutdown intercept). When such a host
 * reports the reset state at a TRIPLE_FAULT exit, the guest-state fields then
 * show the state at the last entry instead, and
 * vcpuctx_exit_state_from_entry says so. Costs one copy per entry while on
 * (without KVM_CAP_SYNC_REGS, also reading regs and sregs from KVM).
 * @param vcpu the vCPU
 * @param on   keep the copy (true) or stop (false)
 * @return 0, or -1 with errno EINVAL for a NULL vcpu
 */
int vcpuctx_vcpu_keep_entry_state(vm_vcpu_t *vcpu, bool on);

/**
 * After a TRIPLE_FAULT exit: do the guest-state fields show the state at the
 * last entry, because the host had already reset the vCPU (see
 * vcpuctx_vcpu_keep_entry_state)? Cleared by the next entry.
 * @param vcpu the vCPU
 * @return 1 yes, 0 no (the fields show the vCPU as the host left it), -1 with
 *         errno EINVAL for a NULL vcpu
 */
int vcpuctx_exit_state_from_entry(vm_vcpu_t *vcpu);

/**
 * Read a vCPU's counters.
 * @param vcpu  the vCPU
 * @param stats where to store them
 * @return 0, or -1 with errno EINVAL for a NULL argument
 */
int vcpuctx_vcpu_stats(const vm_vcpu_t *vcpu, struct vcpuctx_stats *stats);

/** The vCPU's KVM file descriptor (for raw ioctls in tests), -1 for NULL. */
int vcpuctx_vcpu_fd(const vm_vcpu_t *vcpu);

/** The VM's KVM file descriptor, -1 for NULL. */
int vcpuctx_vm_fd(const vm_t *vm);

/** A short name for a basic exit reason ("IO_INSTRUCTION"), "UNKNOWN" if none. */
const char *vcpuctx_exit_reason_name(unsigned int reason);

/** A host breakpoint or watchpoint kind (x86 debug-register R/W encodings). */
enum vcpuctx_bp_type {
    VCPUCTX_BP_EXEC = 0,   /* instruction fetch at addr (len 1) */
    VCPUCTX_BP_WRITE = 1,  /* data write to [addr, addr+len) */
    VCPUCTX_BP_ACCESS = 3, /* data read or write of [addr, addr+len) */
};

/** One host breakpoint: a linear address, as the guest's debug registers would hold it. */
struct vcpuctx_breakpoint {
    uint64_t addr;
    enum vcpuctx_bp_type type;
    unsigned int len; /* 1 for EXEC; 1, 2, 4 or 8 for data, with addr aligned to it */
};
#define VCPUCTX_MAX_BREAKPOINTS 4 /* DR0-DR3 */

/**
 * Set the vCPU's host breakpoints (KVM_SET_GUEST_DEBUG with KVM_GUESTDBG_USE_HW_BP),
 * replacing the previous set; they take effect at the next entry and do not
 * touch the guest's own DR0-DR7. A hit is an exit EXIT_REASON_EXCEPTION_NMI
 * whose interruption info is #DB (vector 1, hardware exception) and whose
 * qualification holds DR6's B0-B3 (bit i: breakpoint i), as VT-x reports a
 * #DB exit; an EXEC hit leaves RIP at the instruction, a data hit past the
 * access. Some hosts do not deliver data breakpoints (see docs/hosts.md).
 * @param vcpu the vCPU
 * @param bp   the breakpoints (may be NULL when n is 0: remove all)
 * @param n    how many, at most VCPUCTX_MAX_BREAKPOINTS
 * @return 0, or -1 with errno EINVAL (NULL vcpu, n too large, bad type or
 *         length, misaligned data address); nothing changes on failure
 */
int vcpuctx_vcpu_set_breakpoints(vm_vcpu_t *vcpu, const struct vcpuctx_breakpoint *bp, size_t n);

/**
 * Read guest memory by linear address: through the guest's paging as its
 * current CR0/CR3/CR4/EFER say (none, 32-bit, PAE, 4- or 5-level), from RAM or
 * a ROM. Segment bases are not added: pass base + offset. For debuggers.
 * @param vcpu the vCPU whose paging translates
 * @param la   the first linear address
 * @param buf  where to copy
 * @param len  bytes wanted
 * @return the bytes copied, fewer than len when a page on the way is not
 *         mapped or not memory; -1 with errno EFAULT when not even the first
 *         byte is, EINVAL for NULL arguments
 */
long vcpuctx_vcpu_read_linear(vm_vcpu_t *vcpu, uint64_t la, void *buf, size_t len);

/**
 * Write guest memory by linear address, as vcpuctx_vcpu_read_linear reads it.
 * ROM is written too (the debugger's view, as in QEMU); page protections are
 * not checked.
 * @param vcpu the vCPU whose paging translates
 * @param la   the first linear address
 * @param buf  the bytes
 * @param len  how many
 * @return the bytes written (a prefix of buf), or -1 as vcpuctx_vcpu_read_linear
 */
long vcpuctx_vcpu_write_linear(vm_vcpu_t *vcpu, uint64_t la, const void *buf, size_t len);

/** x87 and SSE state, the fields of the FXSAVE area (of KVM_GET_XSAVE). */
struct vcpuctx_fpu {
    uint8_t st[8][16]; /* ST0-ST7 in stack order, as FXSAVE stores them: 80-bit values in bytes 0-9 */
    uint16_t fcw, fsw; /* control and status words */
    uint8_t ftw;       /* abridged tag word: bit i set = R i not empty */
    uint16_t fop;      /* last opcode */
    uint64_t fip, fdp; /* last instruction and data pointers */
    uint8_t xmm[16][16];
    uint32_t mxcsr;
};

/**
 * Read the vCPU's x87 and SSE registers (KVM_GET_XSAVE, or KVM_GET_XSAVE2 where
 * the state is larger than 4 KiB).
 * @param vcpu the vCPU
 * @param fpu  where to store them
 * @return 0, or -1 with errno (EINVAL for NULL, KVM's errno)
 */
int vcpuctx_vcpu_get_fpu(vm_vcpu_t *vcpu, struct vcpuctx_fpu *fpu);

/**
 * Write the vCPU's x87 and SSE registers (KVM_SET_XSAVE, the x87 and SSE bits
 * of XSTATE_BV set: KVM_SET_FPU does not reach a guest whose FPU is still in
 * its init state on our hosts). Other XSAVE components are left as they are.
 * @param vcpu the vCPU
 * @param fpu  the new state
 * @return 0, or -1 with errno (EINVAL for NULL, KVM's errno: then nothing changed)
 */
int vcpuctx_vcpu_set_fpu(vm_vcpu_t *vcpu, const struct vcpuctx_fpu *fpu);

/** How a VMCS field is backed on KVM. */
enum vcpuctx_field_class {
    VCPUCTX_FIELD_GUEST = 0,   /* guest state held by KVM: read and written there */
    VCPUCTX_FIELD_CONTROL = 1, /* control with a KVM meaning, wired to it */
    VCPUCTX_FIELD_STORED = 2,  /* control or state with no KVM meaning: stored, read back */
    VCPUCTX_FIELD_EXIT = 3,    /* exit information: read-only, filled at every exit */
};

/** One row of the VMCS field table. */
struct vcpuctx_field_info {
    uint32_t encoding;
    const char *name;   /* upstream macro name, e.g. "VMX_GUEST_CS_SELECTOR" */
    unsigned int width; /* 16, 32 or 64 (natural width: the word size, 64 on x86_64) */
    bool natural;       /* natural-width field */
    enum vcpuctx_field_class cls;
    bool writable;
    const char *backing; /* what it maps to on KVM, for the documentation */
};

/**
 * The VMCS field table, row by row (the source of docs/api.md's table).
 * @param index 0.. until NULL
 * @return the row, or NULL past the end
 */
const struct vcpuctx_field_info *vcpuctx_field_at(size_t index);

/**
 * Look up a field by encoding (a 64-bit field's high half is not a row).
 * @param encoding VMCS encoding
 * @return the row, or NULL (errno EINVAL) for an unknown field
 */
const struct vcpuctx_field_info *vcpuctx_field_lookup(uint32_t encoding);

#endif /* VCPUCTX_H */
