/* exit-facts.c: where this host's KVM leaves RIP at each kind of exit, measured with bare ioctls (no libvcpuctx):
   the host table of docs/hosts.md comes from its output on kvm_pvm and in each hardware-virtualization tier. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define RAM  0x10000
#define CODE 0x1000

struct probe {
    const char *kind;
    unsigned exit;     /* the KVM exit expected */
    const char *bytes; /* the instruction under test, then HLT */
    unsigned len;      /* its length */
    uint64_t ds_base;  /* DS base (MMIO: past RAM) */
    uint64_t rax;      /* RAX at the start (VMCALL: the seL4 VMM's token), shown after when not 0 */
};

static const struct probe probes[] = {
    {"OUT imm8", KVM_EXIT_IO, "\xe6\x80\xf4", 2, 0, 0},
    {"OUT DX", KVM_EXIT_IO, "\xee\xf4", 1, 0, 0},
    {"IN imm8", KVM_EXIT_IO, "\xe4\x80\xf4", 2, 0, 0},
    {"OUTSB", KVM_EXIT_IO, "\x6e\xf4", 1, 0, 0},
    {"REP OUTSB (CX=3)", KVM_EXIT_IO, "\xf3\x6e\xf4", 2, 0, 0},
    {"INSB", KVM_EXIT_IO, "\x6c\xf4", 1, 0, 0},
    {"MMIO read (mov al, [0])", KVM_EXIT_MMIO, "\xa0\x00\x00\xf4", 3, 0x100000, 0},
    {"MMIO write (mov [0], al)", KVM_EXIT_MMIO, "\xa2\x00\x00\xf4", 3, 0x100000, 0},
    {"HLT (no irqchip)", KVM_EXIT_HLT, "\xf4\xf4", 1, 0, 0},
    /* Does VMCALL reach the VMM? If KVM handles it, the next exit is the HLT after it, RIP past that. */
    {"VMCALL (RAX 0x1234), then HLT", KVM_EXIT_HLT, "\x0f\x01\xc1\xf4", 4, 0, 0x1234},
};

/* Single-stepping the first of "mov $200, %cx; hlt" (3 bytes): where RIP is at the KVM_EXIT_DEBUG, with
   KVM_SET_GUEST_DEBUG given after KVM_SET_SREGS and KVM_SET_REGS (1), before both (2), or between (3). */
static const char *const steps[] = {"single step, debug last", "single step, debug first",
                                    "single step, debug before sregs"};

static void on_alarm(int sig)
{
    (void)sig; /* only to interrupt KVM_RUN */
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* One probe in a fresh VM: real mode at 0:CODE, DX = 0x80, CX = 3, SI = DI = 0x2000; step: single-step it
   (1: KVM_SET_GUEST_DEBUG last, 2: first, 3: after KVM_SET_REGS, before KVM_SET_SREGS moves CS's base). */
static void run(int kvm, const struct probe *p, int step)
{
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    uint8_t *ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (vm < 0 || ram == MAP_FAILED)
        die("KVM_CREATE_VM");
    struct kvm_userspace_memory_region mr = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = RAM, .userspace_addr = (uint64_t)(uintptr_t)ram};
    memcpy(ram + CODE, p->bytes, p->len + 1);
    /* Every IVT vector leads to OUT 0x81; HLT: an exception the probe raises shows as that OUT, not as a hang. */
    for (int v = 0; v < 32; v++)
        memcpy(ram + 4 * v, "\x00\x11\x00\x00", 4);
    memcpy(ram + 0x1100, "\xe6\x81\xf4", 3);
    int vcpu = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = vcpu < 0 ? MAP_FAILED : mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("KVM_CREATE_VCPU");
    struct kvm_sregs s;
    struct kvm_regs r = {.rip = CODE, .rflags = 2, .rdx = 0x80, .rcx = 3, .rsi = 0x2000, .rdi = 0x2000, .rax = p->rax};
    if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
        die("KVM_GET_SREGS");
    s.cs.selector = 0, s.cs.base = 0;
    s.ds.base = p->ds_base;
    struct kvm_guest_debug dbg = {.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP};
    if (step == 2 && ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
        die("KVM_SET_GUEST_DEBUG");
    if (step == 3 && (ioctl(vcpu, KVM_SET_REGS, &r) < 0 || ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0))
        die("KVM_SET_GUEST_DEBUG");
    if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0 || ioctl(vcpu, KVM_SET_REGS, &r) < 0)
        die("KVM_SET_REGS");
    if (step == 1 && ioctl(vcpu, KVM_SET_GUEST_DEBUG, &dbg) < 0)
        die("KVM_SET_GUEST_DEBUG");
    alarm(2); /* a guest that never exits (VMCALL on kvm_pvm spins on itself) is reported, not waited for */
    int ran = ioctl(vcpu, KVM_RUN, 0);
    int run_errno = errno;
    alarm(0);
    if (ran < 0 && run_errno != EINTR)
        die("KVM_RUN");
    if (ioctl(vcpu, KVM_GET_REGS, &r) < 0)
        die("KVM_GET_REGS");
    if (ran < 0) {
        printf("exit-fact %-32s | no exit in 2 s: RIP 0x%llx, RAX 0x%llx\n", p->kind, (unsigned long long)r.rip,
               (unsigned long long)r.rax);
        goto out;
    }
    const char *where = r.rip == CODE ? "at" : r.rip == CODE + p->len ? "past" : "elsewhere";
    if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x81)
        printf("exit-fact %-32s | an exception: the guest's handler ran (RAX 0x%llx)\n", p->kind,
               (unsigned long long)r.rax);
    else if (run->exit_reason != p->exit)
        printf("exit-fact %-32s | exit %u, not %u\n", p->kind, run->exit_reason, p->exit);
    else if (run->exit_reason == KVM_EXIT_IO)
        printf("exit-fact %-32s | RIP %s | count %u\n", p->kind, where, run->io.count);
    else if (p->rax)
        printf("exit-fact %-32s | RIP %s | RAX 0x%llx\n", p->kind, where, (unsigned long long)r.rax);
    else
        printf("exit-fact %-32s | RIP %s |\n", p->kind, where);
out:
    close(vcpu);
    close(vm);
    munmap(ram, RAM);
}

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: KVM_RUN returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
        run(kvm, &probes[i], 0);
    /* The two ways KVM could pass a VMCALL to userspace: its hypercall exit (a bitmap of hypercall numbers) and
       Xen's hypercall intercept. */
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    printf("exit-fact %-32s | KVM_CAP_EXIT_HYPERCALL 0x%x | KVM_CAP_XEN_HVM 0x%x\n", "VMCALL to userspace",
           ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL), ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM));
    close(vm);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        run(kvm, &(struct probe){steps[i], KVM_EXIT_DEBUG, "\xb9\xc8\x00\xf4", 3, 0, 0}, (int)i + 1);
    return 0;
}
