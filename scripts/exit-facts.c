/* exit-facts.c: where this host's KVM leaves RIP at each kind of exit, measured with bare ioctls (no libvcpuctx):
   the README's host table comes from its output on kvm_pvm and in each hardware-virtualization tier. */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

static const struct probe probes[] = {
    {"OUT imm8", KVM_EXIT_IO, "\xe6\x80\xf4", 2, 0},
    {"OUT DX", KVM_EXIT_IO, "\xee\xf4", 1, 0},
    {"IN imm8", KVM_EXIT_IO, "\xe4\x80\xf4", 2, 0},
    {"OUTSB", KVM_EXIT_IO, "\x6e\xf4", 1, 0},
    {"REP OUTSB (CX=3)", KVM_EXIT_IO, "\xf3\x6e\xf4", 2, 0},
    {"INSB", KVM_EXIT_IO, "\x6c\xf4", 1, 0},
    {"MMIO read (mov al, [0])", KVM_EXIT_MMIO, "\xa0\x00\x00\xf4", 3, 0x100000},
    {"MMIO write (mov [0], al)", KVM_EXIT_MMIO, "\xa2\x00\x00\xf4", 3, 0x100000},
    {"HLT (no irqchip)", KVM_EXIT_HLT, "\xf4\xf4", 1, 0},
};

/* Single-stepping the first of "mov $200, %cx; hlt" (3 bytes): where RIP is at the KVM_EXIT_DEBUG, with
   KVM_SET_GUEST_DEBUG given after KVM_SET_SREGS and KVM_SET_REGS (1), before both (2), or between (3). */
static const char *const steps[] = {"single step, debug last", "single step, debug first",
                                    "single step, debug before sregs"};

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
    int vcpu = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
    int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = vcpu < 0 ? MAP_FAILED : mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("KVM_CREATE_VCPU");
    struct kvm_sregs s;
    struct kvm_regs r = {.rip = CODE, .rflags = 2, .rdx = 0x80, .rcx = 3, .rsi = 0x2000, .rdi = 0x2000};
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
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        die("KVM_RUN");
    if (ioctl(vcpu, KVM_GET_REGS, &r) < 0)
        die("KVM_GET_REGS");
    const char *where = r.rip == CODE ? "at" : r.rip == CODE + p->len ? "past" : "elsewhere";
    if (run->exit_reason != p->exit)
        printf("exit-fact %-32s | exit %u, not %u\n", p->kind, run->exit_reason, p->exit);
    else if (run->exit_reason == KVM_EXIT_IO)
        printf("exit-fact %-32s | RIP %s | count %u\n", p->kind, where, run->io.count);
    else
        printf("exit-fact %-32s | RIP %s |\n", p->kind, where);
    close(vcpu);
    close(vm);
    munmap(ram, RAM);
}

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("/dev/kvm");
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
        run(kvm, &probes[i], 0);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        run(kvm, &(struct probe){steps[i], KVM_EXIT_DEBUG, "\xb9\xc8\x00\xf4", 3, 0}, (int)i + 1);
    return 0;
}
