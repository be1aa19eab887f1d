/* kvm.c: the only file that issues KVM ioctls; thin wrappers that return -1 with errno and count vCPU calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "kvm.h"

/* The KVM device: /dev/kvm, or $VCPUCTX_KVM_DEVICE (to test a missing or closed device). */
const char *vcpuctx_kvm_device(void)
{
    const char *path = getenv("VCPUCTX_KVM_DEVICE");
    return path && *path ? path : "/dev/kvm";
}

int kvm_open_dev(void)
{
    int fd = open(vcpuctx_kvm_device(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        close(fd);
        errno = ENOTSUP;
        return -1;
    }
    return fd;
}

int kvm_check_ext(int fd, unsigned long cap)
{
    int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
    return r < 0 ? 0 : r;
}

int kvm_vm_ioctl(struct vm *vm, unsigned long req, void *arg)
{
    return ioctl(VM_P(vm)->fd, req, arg);
}

int kvm_vm_create_fd(int kvm_fd)
{
    int fd;
    do {
        fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

int kvm_vm_enable_cap(struct vm *vm, uint32_t cap, uint64_t arg0)
{
    struct kvm_enable_cap ec;
    memset(&ec, 0, sizeof(ec));
    ec.cap = cap;
    ec.args[0] = arg0;
    return ioctl(VM_P(vm)->fd, KVM_ENABLE_CAP, &ec);
}

int kvm_vm_irqfd(struct vm *vm, int fd, uint32_t gsi, int resamplefd, bool deassign)
{
    struct kvm_irqfd req;
    memset(&req, 0, sizeof(req));
    req.fd = (uint32_t)fd;
    req.gsi = gsi;
    req.flags = deassign ? KVM_IRQFD_FLAG_DEASSIGN : KVM_IRQFD_FLAG_RESAMPLE;
    req.resamplefd = deassign ? 0 : (uint32_t)resamplefd;
    return ioctl(VM_P(vm)->fd, KVM_IRQFD, &req);
}

int kvm_vm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa, void *host, size_t size, bool readonly)
{
    if (readonly && !kvm_check_ext(VM_P(vm)->fd, KVM_CAP_READONLY_MEM)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = readonly ? KVM_MEM_READONLY : 0,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)host,
    };
    VM_P(vm)->mem_gen++; /* host pointers into guest memory taken before may be stale */
    return ioctl(VM_P(vm)->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

int kvm_vcpu_create_fd(struct vm *vm, int index)
{
    return ioctl(VM_P(vm)->fd, KVM_CREATE_VCPU, (unsigned long)index);
}

int kvm_vcpu_map_run(struct vm_vcpu *vcpu)
{
    int size = ioctl(VM_P(vcpu->vm)->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run))
        return -1;
    void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, VCPU_P(vcpu)->fd, 0);
    if (p == MAP_FAILED)
        return -1;
    VCPU_P(vcpu)->run = p;
    VCPU_P(vcpu)->run_size = (size_t)size;
    return 0;
}

/* KVM's supported CPUID list (KVM_GET_SUPPORTED_CPUID), in a buffer the caller frees; NULL with errno. */
struct kvm_cpuid2 *kvm_supported_cpuid(int kvm_fd)
{
    int n = 128;
    for (int tries = 0; tries < 4; tries++, n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));
        if (!c)
            return NULL;
        c->nent = (uint32_t)n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        int e = errno;
        free(c);
        if (e != E2BIG) {
            errno = e;
            return NULL;
        }
    }
    errno = E2BIG;
    return NULL;
}

int kvm_vcpu_set_cpuid(struct vm_vcpu *vcpu, const struct kvm_cpuid2 *list)
{
    return kvm_vcpu_ioctl(vcpu, KVM_SET_CPUID2, (void *)(uintptr_t)list);
}

/* Machine checks as mcg_cap asks, within what KVM supports (KVM_CAP_MCE: its most banks; its capability bits);
   nothing when mcg_cap is 0 or KVM has no KVM_CAP_MCE. */
int kvm_vcpu_setup_mce(struct vm_vcpu *vcpu, uint64_t mcg_cap)
{
    int kvm_fd = VM_P(vcpu->vm)->kvm_fd, most = kvm_check_ext(kvm_fd, KVM_CAP_MCE);
    uint64_t supported = 0, banks = mcg_cap & 0xff;
    if (!mcg_cap || most <= 0)
        return 0;
    if (ioctl(kvm_fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &supported) < 0)
        return -1;
    mcg_cap = (mcg_cap & supported & ~0xffULL) | (banks < (uint64_t)most ? banks : (uint64_t)most);
    return kvm_vcpu_ioctl(vcpu, KVM_X86_SETUP_MCE, &mcg_cap) < 0 ? -1 : 0;
}

int kvm_vcpu_set_sigmask(struct vm_vcpu *vcpu, const sigset_t *set)
{
    if (!set)
        return kvm_vcpu_ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL);
    struct {
        struct kvm_signal_mask m;
        uint8_t bits[8]; /* the kernel's sigset_t: 64 signals */
    } k;
    k.m.len = sizeof(k.bits);
    memcpy(k.bits, set, sizeof(k.bits));
    return kvm_vcpu_ioctl(vcpu, KVM_SET_SIGNAL_MASK, &k.m);
}

/* KVM_RUN that only completes pending I/O/MMIO and returns without entering. */
int kvm_vcpu_run_immediate(struct vm_vcpu *vcpu)
{
    VCPU_P(vcpu)->run->immediate_exit = 1;
    int r = kvm_vcpu_ioctl(vcpu, KVM_RUN, NULL);
    int e = errno;
    VCPU_P(vcpu)->run->immediate_exit = 0;
    VCPU_P(vcpu)->stats.flushes++;
    if (r < 0 && e == EINTR)
        return 0;
    errno = e;
    return r < 0 ? -1 : 0;
}

/* struct kvm_msrs with room for its one entry, without a GNU extension. */
union one_msr {
    struct kvm_msrs hdr;
    struct {
        uint8_t pad[sizeof(struct kvm_msrs)];
        struct kvm_msr_entry e;
    } s;
};

int kvm_vcpu_get_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t *value)
{
    union one_msr m;
    memset(&m, 0, sizeof(m));
    m.hdr.nmsrs = 1;
    m.s.e.index = index;
    int r = kvm_vcpu_ioctl(vcpu, KVM_GET_MSRS, &m);
    if (r != 1) {
        if (r >= 0)
            errno = EINVAL;
        return -1;
    }
    *value = m.s.e.data;
    return 0;
}

int kvm_vcpu_set_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t value)
{
    union one_msr m;
    memset(&m, 0, sizeof(m));
    m.hdr.nmsrs = 1;
    m.s.e.index = index;
    m.s.e.data = value;
    int r = kvm_vcpu_ioctl(vcpu, KVM_SET_MSRS, &m);
    if (r != 1) {
        if (r >= 0)
            errno = EINVAL;
        return -1;
    }
    return 0;
}
