/* kvm.h: kvm.c, every KVM ioctl the library makes; the vCPU ioctl wrapper and KVM_RUN inline. The _raw forms
   return -1/errno; none prints. */
#ifndef VCPUCTX_KVM_H
#define VCPUCTX_KVM_H

#include <signal.h>
#include <sys/ioctl.h>

#include "internal.h"

#pragma GCC visibility push(hidden)

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
int kvm_vcpu_set_cpuid(struct vm_vcpu *vcpu, const struct kvm_cpuid2 *list);
int kvm_vcpu_setup_mce(struct vm_vcpu *vcpu, uint64_t mcg_cap);
/* The signals KVM_RUN lets through (KVM_SET_SIGNAL_MASK: blocked ones stay pending); NULL: the thread's own. */
int kvm_vcpu_set_sigmask(struct vm_vcpu *vcpu, const sigset_t *set);
int kvm_vcpu_run_immediate(struct vm_vcpu *vcpu);
int kvm_vcpu_get_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t *value);
int kvm_vcpu_set_msr(struct vm_vcpu *vcpu, uint32_t index, uint64_t value);

/* A vCPU ioctl, counted (vcpuctx_vcpu_stats). */
static inline int kvm_vcpu_ioctl(struct vm_vcpu *vcpu, unsigned long req, void *arg)
{
    VCPU_P(vcpu)->stats.vcpu_ioctls++;
    return ioctl(VCPU_P(vcpu)->fd, req, arg);
}

/* KVM_RUN, given again while KVM answers EAGAIN: an application processor that woke in KVM (INIT, SIPI) without
   entering the guest, which is no exit (QEMU retries too). Inline, so that no frame of ours encloses the syscall:
   the host refills the return stack buffer at each exit, and every enclosing frame's return then mispredicts
   (make bench's case 1' measures what two such frames cost). */
static inline int kvm_vcpu_run(struct vm_vcpu *vcpu)
{
    int r;
    do
        r = kvm_vcpu_ioctl(vcpu, KVM_RUN, NULL);
    while (r < 0 && errno == EAGAIN);
    return r;
}

#pragma GCC visibility pop

#endif /* VCPUCTX_KVM_H */
