/* internal.h: libvcpuctx's private structures and the functions its files share. */
#ifndef VCPUCTX_INTERNAL_H
#define VCPUCTX_INTERNAL_H

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* What the public headers declare keeps default visibility; the rest of the library is hidden (-fvisibility=hidden)
   and localised in the archive, so libvcpuctx.a and libvcpuctx.so export vm_* and vcpuctx_* alone. */
#pragma GCC visibility push(default)
#include "vcpuctx.h"
#pragma GCC visibility pop

#include "x86_bits.h"

/* The library's own declarations, hidden at the declaration too: its data is then reached directly, not through
   the GOT (one page fewer touched at each exit). */
#pragma GCC visibility push(hidden)

/* State of one cached piece of KVM state (regs, sregs, events). */
enum cache_state { CACHE_UNKNOWN = 0, CACHE_VALID, CACHE_DIRTY };

/* How KVM left RIP at an exit, relative to the exiting instruction. */
enum rip_pos { RIP_AT = 0, RIP_PAST };

/* The VT-x view of the last exit (the read-only VMCS exit fields). */
struct exit_view {
    uint32_t reason;
    uint64_t qualification;
    uint32_t instr_len;
    uint64_t gpa;
    uint64_t gla;
    uint32_t intr_info, intr_error;
    uint32_t idt_info, idt_error;
    uint32_t instr_info, instr_error;
    uint64_t io_rcx, io_rsi, io_rdi, io_rip;
};

/* What KVM holds pending for the exit, and how to complete it. */
struct pending {
    bool active;          /* an exit is being handled */
    bool completion;      /* KVM may finish the instruction at the next KVM_RUN */
    bool read;            /* IN / MMIO read / RDMSR: data flows into the guest */
    bool gpr_set;         /* the handler wrote a register other than RIP */
    bool view_ready;      /* the VT-x view (decode, RIP at the instruction) has been computed */
    bool complete_marked; /* the port registry completed the instruction without the view */
    uint64_t kvm_rip;     /* RIP as KVM holds it */
    uint64_t rip_view;    /* RIP presented: the exiting instruction */
};

/* VMCS controls with no state in KVM, or wired to KVM at entry. */
struct controls {
    uint32_t pin, primary, secondary, exit_ctl, entry_ctl, exc_bitmap;
    uint32_t entry_intr_info, entry_error, entry_instr_len, tpr_threshold;
    uint32_t preempt_timer, smbase;
    uint64_t cr0_mask, cr4_mask, cr0_shadow, cr4_shadow, perf_global_ctrl;
};

/* Host debug registers for KVM_SET_GUEST_DEBUG (dr7 0: none). */
struct hw_debug {
    uint64_t dr[4];
    uint64_t dr7;
};

/* What runs at every exit: kept together in .text.hot, so that the few pages it spans stay in the TLB across
   KVM_RUN (scripts/bench.c measures the cost of each distinct page and line touched after an exit). */
#define HOT        __attribute__((hot))
/* What a HOT function calls only off its common path (a first decode, another kind of exit): kept out of it, so
   that the hot section holds the common path alone. */
#define NOT_INLINE __attribute__((noinline))

/* The exit-handler table's slot for a basic reason (VCPUCTX_EXIT_REASON_INTERNAL_ERROR the last), or -1 when out
   of range. Inline: every exit asks it. */
static inline int exit_reason_slot(unsigned int reason)
{
    if (reason < VM_EXIT_REASON_NUM)
        return (int)reason;
    return reason == VCPUCTX_EXIT_REASON_INTERNAL_ERROR ? VM_EXIT_REASON_NUM : -1;
}

/* decode.c's result: one decoded x86 instruction. */
struct insn {
    uint8_t len;
    uint8_t opcode; /* last opcode byte */
    uint8_t map;    /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A */
    uint8_t modrm;
    bool has_modrm;
    bool opsize; /* 0x66 seen */
    bool adsize; /* 0x67 seen */
    bool rep;    /* F3 or F2 seen */
    uint8_t rex;
    uint8_t seg;     /* segment override prefix byte, 0 if none */
    uint8_t imm8;    /* last byte of the instruction (imm8 port of IN/OUT) */
    uint8_t imm_len; /* immediate bytes (moffs counts as one) */
    uint64_t imm;    /* the immediate, little-endian, up to 8 bytes */
    uint8_t nprefix;
    int64_t disp;
    uint8_t sib;
    bool has_sib;
};

/* exit_site.c: the last instruction decoded at an exit, by linear address (a loop exits at the same one again and
   again). A hit needs the same mode and the same bytes in guest memory, read again and compared. */
struct insn_memo {
    bool valid;
    bool exact_before; /* every shorter candidate ending where this one ends failed on its bytes alone */
    uint8_t len, mode;
    uint64_t la;
    uint8_t bytes[15];
    struct insn in;
};

/* exit.c: the code bytes around RIP that locating an I/O instruction reads (the forward decode at RIP, the
   backward ones ending there). */
#define IO_WINDOW 16

/* exit.c: the last I/O exit's instruction and RIP's place, and what they were found from: the bytes around KVM's
   RIP, the mode, the exit's port, size and direction, whether DX held the port. */
struct io_memo {
    bool valid;
    bool flat; /* paging was off: host[] hold the window while mem_gen does */
    uint8_t mode, size, dir, pos, dx_port;
    uint16_t port;
    uint32_t instr_len;
    uint64_t rip, la; /* KVM's RIP, and its linear address */
    uint64_t lma, mem_gen;
    const uint8_t *host[2]; /* the window's bytes in guest memory, split at a page boundary at split */
    uint8_t split;
    uint8_t window[2 * IO_WINDOW];
    struct insn in;
};

/* A vCPU's private state: struct vm_vcpu's vcpuctx_private (VCPU_P). */
struct vcpu_priv {
    int fd;
    struct kvm_run *run;
    size_t run_size;
    bool sync; /* KVM_CAP_SYNC_REGS usable: the cache lives in run->s.regs */
    enum cache_state regs_st, sregs_st, events_st;
    /* state.c: which parts KVM copies out at an exit (kvm_valid_regs), learned per transition: after an exit of
       reason R, next_need[R] is what the handling of the exits that followed R has read (KVM_SYNC_X86_* bits),
       with NEED_LEARNED once such a transition was seen. */
    uint8_t used;                              /* parts read since the last exit */
    uint8_t prev_slot;                         /* the reason slot of the exit before the last */
    uint8_t next_need[VM_EXIT_REASON_NUM + 1]; /* per table slot (the last also for reasons beyond the table) */
    struct kvm_regs *regs;
    struct kvm_sregs *sregs;
    struct kvm_vcpu_events *events;
    uint64_t rip; /* RIP as the API shows it */
    bool rip_set; /* RIP written since the exit */
    struct pending pend;
    struct exit_view ex;
    struct controls ctl;
    int out_rip;             /* how this host leaves RIP at OUT: -1 not yet known */
    uint32_t guest_debug;    /* KVM_GUESTDBG_* flags in force */
    struct hw_debug bp_want; /* host breakpoints asked for */
    bool bp_changed;         /* KVM_SET_GUEST_DEBUG to be given again (new breakpoints, a step from a new RIP) */
    bool keep_entry;         /* vcpuctx_vcpu_keep_entry_state */
    bool settled;            /* entry.c: the controls need nothing at entry; a field or breakpoint write clears it */
    bool from_entry;         /* the fields show entry_regs/entry_sregs (the host reset the vCPU) */
    uint8_t shadow_hint;     /* the interrupt shadow last written (1 STI, 2 MOV SS), for hosts with one kind */
    struct vcpuctx_stats stats;
    pthread_t thread;    /* the thread running it in a vm_run of several vCPUs (vcpus.c) */
    bool threaded;       /* thread is valid: kicks signal it (under the VM's kick_lock) */
    atomic_bool at_lock; /* its thread is out of KVM_RUN, waiting for (or holding) the VM's lock (vmrun.c) */
    /* Last, apart from what every exit touches: */
    struct insn_memo memo[2]; /* exit_site.c: forward decodes, and backward ones */
    struct io_memo io_memo;   /* exit.c: the last I/O exit's site */
    struct kvm_regs own_regs; /* the cache without SYNC_REGS */
    struct kvm_sregs own_sregs;
    struct kvm_vcpu_events own_events;
    struct kvm_regs entry_regs; /* the state at the last entry, while keep_entry */
    struct kvm_sregs entry_sregs;
};

struct exit_slot {
    vcpuctx_exit_handler_fn fn;
    void *cookie;
};

#define EXIT_SLOTS (VM_EXIT_REASON_NUM + 1) /* the last slot: internal error */

struct rom {
    uint64_t gpa;
    uint8_t *host;
    size_t size;
};

#define PAGE_SIZE 4096ULL /* guest-physical granularity of RAM, ROMs and memory slots */

struct irq_ack; /* irq.c */

/* RAM added after vcpuctx_vm_create by vm_ram_register(_at) (ram.c): a memory slot each. */
#define RAM_BLOCKS 8
struct ram_block {
    uint64_t gpa;
    uint8_t *host;
    size_t size;
};

/* A VM's private state: struct vm's vcpuctx_private (VM_P). */
struct vm_priv {
    int kvm_fd;
    struct rom roms[VCPUCTX_MAX_ROMS];
    int nroms;
    struct ram_block blocks[RAM_BLOCKS]; /* ram.c */
    int nblocks;
    int mem_cap;                             /* room in mem.ram_regions */
    uint64_t mem_gen;                        /* kvm.c: memory slots changed (bumped at each change) */
    struct irq_ack *acks[VCPUCTX_IRQ_LINES]; /* irq.c: vm_register_irq's callbacks */
    int nacks;
    int fd;
    uint8_t *ram;
    size_t ram_size;
    vm_io_port_list_t ioports; /* upstream's list: sorted by start, no overlaps */
    int ports_cap;
    unsigned port_hint; /* ioports.c: the index of the range last found */
    unhandled_ioport_callback_fn unhandled_cb;
    void *unhandled_cookie;
    struct exit_slot exits[EXIT_SLOTS];
    struct exit_slot observer;
    atomic_bool stop;
    int stop_code;
    int run_status;                             /* enum vcpuctx_run_status of the last vm_run */
    int run_errno;                              /* its errno, for VCPUCTX_RUN_FAILED */
    bool ended;                                 /* the run's end is recorded (the first vCPU to end it) */
    struct vm_vcpu *ended_by;                   /* the vCPU whose exit ended it */
    bool threaded;                              /* vm_run runs several vCPUs, one thread each (vcpus.c) */
    pthread_mutex_t lock;                       /* with threaded: held while an exit is observed and handled */
    pthread_mutex_t kick_lock;                  /* the vCPUs' threaded flags, and signals sent on them */
    bool payload;                               /* KVM_CAP_EXCEPTION_PAYLOAD enabled */
    bool irqchip;                               /* in-kernel PIC/IOAPIC/LAPIC and PIT */
    struct kvm_cpuid2 *cpuid;                   /* cpuid.c: the CPU model's list every vCPU is given */
    char *cpu_spec;                             /* the model vcpuctx_vm_set_cpu chose (NULL: "host") */
    struct vm_memory_reservation *reservations; /* memory.c */
    struct anon_region *anon;                   /* memory.c: vm_memory_make_anon's regions */
    unhandled_mem_fault_callback_fn mem_unhandled;
    void *mem_unhandled_cookie;
};

/* The private state behind the public members: allocated with them, in the flexible array the public header ends
   each struct with. */
_Static_assert(_Alignof(struct vm_priv) <= 16 && _Alignof(struct vcpu_priv) <= 16, "vcpuctx_private's alignment");
#define VM_P(vm)      ((struct vm_priv *)(void *)(vm)->vcpuctx_private)
#define VCPU_P(vcpu)  ((struct vcpu_priv *)(void *)(vcpu)->vcpuctx_private)
#define VM_CP(vm)     ((const struct vm_priv *)(const void *)(vm)->vcpuctx_private)
#define VCPU_CP(vcpu) ((const struct vcpu_priv *)(const void *)(vcpu)->vcpuctx_private)

/* kvm.c: every KVM ioctl, but the vCPU ioctl wrapper and KVM_RUN on it, inline below. The _raw forms return
   -1/errno; none prints. */
int kvm_open_dev(void);
int kvm_check_ext(int fd, unsigned long cap);
int kvm_vm_ioctl(struct vm *vm, unsigned long req, void *arg);
int kvm_vm_create_fd(int kvm_fd);
int kvm_vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg0);
/* An irqfd on gsi with a resample eventfd (its EOIs), or its removal. */
int kvm_vm_irqfd(struct vm *vm, int fd, uint32_t gsi, int resamplefd, bool deassign);
int kvm_vm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa, void *host, size_t size, bool readonly);
int kvm_vcpu_create_fd(struct vm *vm, int index);
int kvm_vcpu_map_run(struct vm_vcpu *vcpu);
struct kvm_cpuid2 *kvm_supported_cpuid(int kvm_fd);
int kvm_vcpu_set_cpuid(struct vm_vcpu *vcpu, const struct kvm_cpuid2 *table);
/* A vCPU ioctl, counted (vcpuctx_vcpu_stats). */
static inline int kvm_vcpu_ioctl(struct vm_vcpu *vcpu, unsigned long req, void *arg)
{
    VCPU_P(vcpu)->stats.vcpu_ioctls++;
    return ioctl(VCPU_P(vcpu)->fd, req, arg);
}
/* KVM_RUN, given again while KVM answers EAGAIN: an application processor that woke in KVM (INIT, SIPI) without
   entering the guest, which is no exit (QEMU retries too). Inline, so that no frame of ours encloses the syscall:
   the host refills the return stack buffer at each exit, and every enclosing frame's return then mispredicts
   (about 25 ns each on kvm_pvm, measured with one to four wrapper frames around a raw loop's KVM_RUN). */
static inline int kvm_vcpu_run(struct vm_vcpu *vcpu)
{
    int r;
    do
        r = kvm_vcpu_ioctl(vcpu, KVM_RUN, NULL);
    while (r < 0 && errno == EAGAIN);
    return r;
}
/* The signals KVM_RUN lets through (KVM_SET_SIGNAL_MASK: blocked ones stay pending); NULL: the thread's own. */
int kvm_vcpu_setup_mce(struct vm_vcpu *vcpu, uint64_t mcg_cap);
int kvm_vcpu_set_sigmask(struct vm_vcpu *vcpu, const sigset_t *set);
int kvm_vcpu_run_immediate(struct vm_vcpu *vcpu);
int kvm_vcpu_get_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t *value);
int kvm_vcpu_set_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t value);

/* state.c: the regs/sregs/events cache. Each returns NULL/-1 with errno. */
struct kvm_regs *state_regs(struct vm_vcpu *vcpu);
struct kvm_sregs *state_sregs(struct vm_vcpu *vcpu);
struct kvm_vcpu_events *state_events(struct vm_vcpu *vcpu);
/* Write the dirty parts with KVM_SET_* ioctls (only_cpu: sregs and regs, not events); -1 drops a refused part. */
int state_push_explicit(struct vm_vcpu *vcpu, bool only_cpu);
/* Mark the dirty parts for KVM_RUN to load from run->s.regs (KVM_CAP_SYNC_REGS), and what it copies out. */
void state_push_sync(struct vm_vcpu *vcpu);
/* What KVM should copy out at the coming exit (kvm_valid_regs), learned from what the handlers read. */
uint8_t state_sync_wanted(struct vm_vcpu *vcpu);
/* After KVM_RUN: the cache is KVM's new state (SYNC_REGS) or unknown. */
void state_after_exit(struct vm_vcpu *vcpu);

/* exit.c: what an exit means and how it completes. The VT-x view of the KVM exit in run (the reason at once,
   the rest on demand); completing the instruction in KVM; settling the handler's RIP against KVM's. */
void exit_translate(struct vm_vcpu *vcpu, int run_errno);
int exit_view_ensure(struct vm_vcpu *vcpu);
/* Let KVM finish what it holds pending for the exit (KVM_RUN with immediate_exit), keeping the regs cache. */
int exit_complete_in_kvm(struct vm_vcpu *vcpu);
/* Complete the exit the seL4 way: RIP past the exiting instruction (its decoded length). 0, or -1 with errno
   (nothing written). */
int exit_advance(struct vm_vcpu *vcpu);
/* Settle the exit before entry: complete it or resume at the handler's RIP. explicit: leave nothing in KVM. */
int exit_reconcile(struct vm_vcpu *vcpu, bool explicit);

/* entry.c: before each KVM_RUN (or vcpuctx_vcpu_flush): settle the exit, inject the entry event, apply the
   debug controls, push the cache. explicit_ioctls: with KVM_SET_* ioctls, not through SYNC_REGS. */
int entry_prepare(struct vm_vcpu *vcpu, bool explicit_ioctls);
/* The entry after an exit the port registry completed with nothing else changed (nothing written, no control or
   breakpoint written since the last whole entry, which left the controls nothing to do): done if true (no ioctl,
   no failure); false: nothing done, entry_prepare's turn. */
bool entry_quick(struct vm_vcpu *vcpu);

/* context.c: vcpuctx_vcpu_run's halves. Before KVM_RUN the whole way: VCPU_ENTER to run, VCPU_REFUSED for state
   KVM refused (*err EINVAL: a VM-entry failure), else an exit made without entering (its reason) or -1. After it
   (r, e: KVM_RUN's result and errno): the exit's reason as vcpuctx_vcpu_run returns it. */
#define VCPU_ENTER   (-2)
#define VCPU_REFUSED (-3)
int vcpu_enter(struct vm_vcpu *vcpu, int *err);
int vcpu_exited(struct vm_vcpu *vcpu, int r, int e);

/* An I/O exit's data in kvm_run (io.count elements of io.size bytes), or NULL when KVM put it outside the
   mapping. Inline: the port registry asks it at every I/O exit (vcpuctx_exit_data is the public form). */
static inline uint8_t *exit_io_data(struct vm_vcpu *vcpu)
{
    struct kvm_run *run = VCPU_P(vcpu)->run;
    size_t room = VCPU_P(vcpu)->run_size, n = (size_t)run->io.size * run->io.count;
    if (run->io.data_offset > room || n > room - run->io.data_offset)
        return NULL;
    return (uint8_t *)run + run->io.data_offset;
}

/* KVM_RUN once the entry is made, and the exit it gives (vcpu_exited). */
static inline int vcpu_run_entered(struct vm_vcpu *vcpu)
{
    int r = kvm_vcpu_run(vcpu);
    int e = r < 0 ? errno : 0;
    VCPU_P(vcpu)->run->immediate_exit = 0; /* a kick is consumed by the exit it caused */
    return vcpu_exited(vcpu, r, e);
}

/* One entry and exit: vcpuctx_vcpu_run, inline in the loops that call it (kvm_vcpu_run says why). */
static inline int vcpu_run_once(struct vm_vcpu *vcpu)
{
    if (!entry_quick(vcpu)) {
        int e = 0, v = vcpu_enter(vcpu, &e);
        /* State KVM refuses (EINVAL) is a VM-entry failure, whether it is refused at entry or by KVM_RUN. */
        if (v == VCPU_REFUSED)
            return vcpu_exited(vcpu, -1, e);
        if (v != VCPU_ENTER)
            return v;
    }
    return vcpu_run_entered(vcpu);
}

/* segments.c: VMCS access rights <-> struct kvm_segment. */
uint32_t seg_to_ar(const struct kvm_segment *s);
void seg_from_ar(struct kvm_segment *s, uint32_t ar);

/* guestmem.c: guest-virtual reads through the guest's segments and paging. */
int guest_linear_to_phys(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint64_t *pa);
size_t guest_read_linear(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint8_t *buf, size_t len);
/* The RAM behind [la, la + len) when it lies in one page, as guest_read_linear reads it; NULL otherwise. */
const uint8_t *guest_linear_span(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, size_t len);
/* Copy between buf and guest memory by linear address, page by page, up to the first page that is not memory:
   RAM, and ROM too with GUEST_ROM (the debugger's view); into the guest with GUEST_WRITE. Returns bytes copied. */
enum { GUEST_WRITE = 1, GUEST_ROM = 2 };
size_t guest_copy_linear(struct vm *vm, const struct kvm_sregs *sregs, uint64_t la, uint8_t *buf, size_t len,
                         unsigned flags);

/* Whether [a, a + alen) and [b, b + blen) share a byte. */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* ram.c: guest RAM beyond vcpuctx_vm_create's. Host pointer to [gpa, gpa + len) when one block holds it all, else
   NULL; whether any RAM overlaps a range; vm->mem's first region; freeing it all (vm destroy). */
uint8_t *ram_host(struct vm *vm, uint64_t gpa, size_t len);
bool ram_overlaps(const struct vm *vm, uint64_t gpa, uint64_t len);
int ram_regions_init(struct vm *vm);
void ram_free_all(struct vm *vm);
/* The end of the first RAM, ROM or reservation a range overlaps, 0 if it overlaps none. */
uint64_t claimed_end(const struct vm *vm, uint64_t gpa, uint64_t len);

/* memory.c: the current MMIO exit through the reservations (a VM_EXIT_* value); free them all (vm destroy). */
int memory_dispatch(struct vm_vcpu *vcpu);
void memory_free_all(struct vm *vm);
/* The end of the first reservation overlapping [gpa, gpa + len), 0 if none. */
uint64_t reservation_overlap_end(const struct vm *vm, uint64_t gpa, uint64_t len);

/* vcpus.c: vm_run's threads. Run loop on vcpus[0] in the caller and on every other runnable vCPU in a thread
   of its own, kicked out of KVM_RUN by vcpuctx_kick_signal(); returns when every loop has returned. Kick one
   vCPU's thread (from a signal handler: only when it is not busy), or all but the caller's; take a kick the
   caller's thread has pending. */
int vcpus_run(struct vm *vm, void (*loop)(struct vm_vcpu *));
void vcpus_kick(struct vm_vcpu *vcpu);
void vcpus_kick_all(struct vm *vm);
void vcpus_drain_kick(void);
int vcpus_hold_others(struct vm *vm);
/* Whether vm_run runs v, a vCPU beyond the boot one: with the irqchip all (KVM holds each until its SIPI), else
   those started (vcpu_start). */
bool vcpus_runnable(const struct vm *vm, const struct vm_vcpu *v);

/* irq.c: call the ack callbacks of the IRQs the guest has EOIed since the last look (vm_run, at each exit); free
   them all (vm destroy). */
void irq_deliver_acks(struct vm *vm);
/* QEMU's PC routing of GSIs to the PICs and the IOAPIC (vcpuctx_vm_enable_irqchip). */
int irq_pc_routing(struct vm *vm);
void irq_free_all(struct vm *vm);

/* ioports.c: handle the current I/O exit through the port registry (an IO_FAULT_* value); drop the range that
   starts at start (a registration undone). */
int ioport_dispatch(struct vm_vcpu *vcpu);
void ioport_remove(struct vm *vm, uint16_t start);

/* cpuid.c: a CPU model applied to KVM's supported list c, in place: 0, or -1 with errno EINVAL (a bad spec) or
   ENOTSUP (a feature KVM cannot give), *bad_at (may be NULL) the offset of the spec's offending item, and c
   unchanged. The VM's list, made from "host" at the first need (NULL with errno); each vCPU's APIC ID in a copy.
   The entry for leaf and subleaf, or NULL. */
int cpuid_model_apply(struct kvm_cpuid2 *c, const char *spec, bool irqchip, bool tsc_deadline, size_t *bad_at);
const struct kvm_cpuid2 *cpuid_of_vm(struct vm *vm);
void cpuid_for_vcpu(struct kvm_cpuid2 *c, unsigned int id);
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub);
uint64_t cpuid_mcg_cap(const struct kvm_cpuid2 *c);

/* decode.c: x86 instruction length decoding. */
/* mode: 16, 32 or 64 (the code segment's default size). 0 = ok, -1 = bad. */
int insn_decode(const uint8_t *buf, size_t avail, int mode, struct insn *out);
int cpu_code_mode(const struct kvm_sregs *sregs);

#pragma GCC visibility pop

#endif /* VCPUCTX_INTERNAL_H */
