/* debug.c: what a debugger needs beyond the VMCS: host breakpoints, memory by linear address, x87/SSE state. */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* DR7's LEN encoding for a data breakpoint of len bytes; -1 if none. */
static int len_bits(unsigned len)
{
    switch (len) {
    case 1: return 0;
    case 2: return 1;
    case 8: return 2;
    case 4: return 3;
    default: return -1;
    }
}

/* One breakpoint into slot i of hw: local enable, R/W and LEN bits. -1 if it is not a valid one. */
static int encode_bp(struct hw_debug *hw, int i, const struct vcpuctx_breakpoint *bp)
{
    int lb = bp->type == VCPUCTX_BP_EXEC ? (bp->len == 1 ? 0 : -1) : len_bits(bp->len);
    bool data = bp->type == VCPUCTX_BP_WRITE || bp->type == VCPUCTX_BP_ACCESS;
    if (lb < 0 || (!data && bp->type != VCPUCTX_BP_EXEC) || (data && (bp->addr & (bp->len - 1))))
        return -1;
    hw->dr[i] = bp->addr;
    hw->dr7 |= (1ULL << (2 * i)) | ((uint64_t)bp->type << (16 + 4 * i)) | ((uint64_t)lb << (18 + 4 * i));
    return 0;
}

int vcpuctx_vcpu_set_breakpoints(vm_vcpu_t *vcpu, const struct vcpuctx_breakpoint *bp, size_t n)
{
    struct hw_debug hw;
    memset(&hw, 0, sizeof(hw));
    if (!vcpu || n > VCPUCTX_MAX_BREAKPOINTS || (n && !bp)) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (encode_bp(&hw, (int)i, &bp[i]) < 0) {
            errno = EINVAL;
            return -1;
        }
    if (hw.dr7)
        hw.dr7 |= 0x300; /* GE/LE: exact data breakpoints, as debuggers set them */
    vcpu->bp_want = hw;
    return 0;
}

/* Copy between buf and guest memory page by page; stops at the first page that is not memory. */
static long copy_linear(vm_vcpu_t *vcpu, uint64_t la, uint8_t *buf, size_t len, bool write)
{
    if (!vcpu || (!buf && len)) {
        errno = EINVAL;
        return -1;
    }
    const struct kvm_sregs *s = state_sregs(vcpu);
    if (!s)
        return -1;
    size_t done = 0;
    while (done < len) {
        uint64_t pa;
        if (guest_linear_to_phys(vcpu->vm, s, la + done, &pa) < 0)
            break;
        size_t chunk = 4096 - (size_t)((la + done) & 0xfff);
        if (chunk > len - done)
            chunk = len - done;
        uint8_t *p = guest_phys_any(vcpu->vm, pa, chunk);
        if (!p)
            break;
        if (write)
            memcpy(p, buf + done, chunk);
        else
            memcpy(buf + done, p, chunk);
        done += chunk;
    }
    if (done == 0 && len) {
        errno = EFAULT;
        return -1;
    }
    return (long)done;
}

long vcpuctx_vcpu_read_linear(vm_vcpu_t *vcpu, uint64_t la, void *buf, size_t len)
{
    return copy_linear(vcpu, la, buf, len, false);
}

long vcpuctx_vcpu_write_linear(vm_vcpu_t *vcpu, uint64_t la, const void *buf, size_t len)
{
    return copy_linear(vcpu, la, (uint8_t *)(uintptr_t)buf, len, true);
}

int vcpuctx_vcpu_get_fpu(vm_vcpu_t *vcpu, struct vcpuctx_fpu *fpu)
{
    struct kvm_fpu k;
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    if (kvm_vcpu_ioctl(vcpu, KVM_GET_FPU, &k) < 0)
        return -1;
    memcpy(fpu->st, k.fpr, sizeof(fpu->st));
    memcpy(fpu->xmm, k.xmm, sizeof(fpu->xmm));
    fpu->fcw = k.fcw;
    fpu->fsw = k.fsw;
    fpu->ftw = k.ftwx;
    fpu->fop = k.last_opcode;
    fpu->fip = k.last_ip;
    fpu->fdp = k.last_dp;
    fpu->mxcsr = k.mxcsr;
    return 0;
}

int vcpuctx_vcpu_set_fpu(vm_vcpu_t *vcpu, const struct vcpuctx_fpu *fpu)
{
    struct kvm_fpu k;
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    memset(&k, 0, sizeof(k));
    memcpy(k.fpr, fpu->st, sizeof(k.fpr));
    memcpy(k.xmm, fpu->xmm, sizeof(k.xmm));
    k.fcw = fpu->fcw;
    k.fsw = fpu->fsw;
    k.ftwx = fpu->ftw;
    k.last_opcode = fpu->fop;
    k.last_ip = fpu->fip;
    k.last_dp = fpu->fdp;
    k.mxcsr = fpu->mxcsr;
    return kvm_vcpu_ioctl(vcpu, KVM_SET_FPU, &k) < 0 ? -1 : 0;
}
