/* debug.c: what a debugger needs beyond the VMCS: host breakpoints, memory by linear address, x87/SSE state. */
#include <errno.h>
#include <stdlib.h>
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
    vcpu->bp_changed = true;
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

/* The vCPU's XSAVE image (KVM_GET_XSAVE2 where the state can outgrow 4 KiB), malloc'd; NULL with errno. */
static uint8_t *xsave_get(vm_vcpu_t *vcpu, size_t *size)
{
    int big = kvm_check_ext(vcpu->vm->kvm_fd, KVM_CAP_XSAVE2);
    *size = big > (int)sizeof(struct kvm_xsave) ? (size_t)big : sizeof(struct kvm_xsave);
    uint8_t *x = calloc(1, *size);
    if (!x)
        return NULL;
    if (kvm_vcpu_ioctl(vcpu, big > 0 ? KVM_GET_XSAVE2 : KVM_GET_XSAVE, x) < 0) {
        int e = errno;
        free(x);
        errno = e;
        return NULL;
    }
    return x;
}

/* The FXSAVE legacy area at the start of an XSAVE image, field by field. */
enum {
    FX_FCW = 0,
    FX_FSW = 2,
    FX_FTW = 4,
    FX_FOP = 6,
    FX_FIP = 8,
    FX_FDP = 16,
    FX_MXCSR = 24,
    FX_ST = 32,
    FX_XMM = 160,
    XSAVE_BV = 512
};

int vcpuctx_vcpu_get_fpu(vm_vcpu_t *vcpu, struct vcpuctx_fpu *fpu)
{
    size_t size;
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *x = xsave_get(vcpu, &size);
    if (!x)
        return -1;
    memcpy(&fpu->fcw, x + FX_FCW, 2);
    memcpy(&fpu->fsw, x + FX_FSW, 2);
    fpu->ftw = x[FX_FTW];
    memcpy(&fpu->fop, x + FX_FOP, 2);
    memcpy(&fpu->fip, x + FX_FIP, 8);
    memcpy(&fpu->fdp, x + FX_FDP, 8);
    memcpy(&fpu->mxcsr, x + FX_MXCSR, 4);
    memcpy(fpu->st, x + FX_ST, sizeof(fpu->st));
    memcpy(fpu->xmm, x + FX_XMM, sizeof(fpu->xmm));
    free(x);
    return 0;
}

/* Through KVM_SET_XSAVE with the x87 and SSE bits of XSTATE_BV set: KVM_SET_FPU alone leaves a vCPU
   whose FPU is still in its init state unchanged for the guest (measured on our hosts). */
int vcpuctx_vcpu_set_fpu(vm_vcpu_t *vcpu, const struct vcpuctx_fpu *fpu)
{
    size_t size;
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *x = xsave_get(vcpu, &size);
    if (!x)
        return -1;
    memcpy(x + FX_FCW, &fpu->fcw, 2);
    memcpy(x + FX_FSW, &fpu->fsw, 2);
    x[FX_FTW] = fpu->ftw;
    memcpy(x + FX_FOP, &fpu->fop, 2);
    memcpy(x + FX_FIP, &fpu->fip, 8);
    memcpy(x + FX_FDP, &fpu->fdp, 8);
    memcpy(x + FX_MXCSR, &fpu->mxcsr, 4);
    memcpy(x + FX_ST, fpu->st, sizeof(fpu->st));
    memcpy(x + FX_XMM, fpu->xmm, sizeof(fpu->xmm));
    x[XSAVE_BV] |= 3; /* x87 and SSE state present */
    int r = kvm_vcpu_ioctl(vcpu, KVM_SET_XSAVE, x) < 0 ? -1 : 0;
    int e = errno;
    free(x);
    errno = e;
    return r;
}
