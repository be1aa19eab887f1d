/* debug.c: what a debugger needs beyond the VMCS: host breakpoints, memory by linear address, x87/SSE state. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "debug.h"
#include "guestmem.h"
#include "kvm.h"

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
    hw->dr7 |= DR7_L(i) | ((uint64_t)bp->type << DR7_RW_SHIFT(i)) | ((uint64_t)lb << DR7_LEN_SHIFT(i));
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
        hw.dr7 |= DR7_LE_GE;
    VCPU_P(vcpu)->dbg.want = hw;
    VCPU_P(vcpu)->dbg.changed = true;
    VCPU_P(vcpu)->ctl.settled = false;
    return 0;
}

/* The debugger's copy: RAM and ROM, through the paging the vCPU has now. */
static long copy_linear(vm_vcpu_t *vcpu, uint64_t la, uint8_t *buf, size_t len, unsigned flags)
{
    if (!vcpu || (!buf && len)) {
        errno = EINVAL;
        return -1;
    }
    const struct kvm_sregs *s = state_sregs(vcpu);
    if (!s)
        return -1;
    size_t done = guest_copy_linear(vcpu->vm, s, la, buf, len, flags | GUEST_ROM);
    if (done == 0 && len) {
        errno = EFAULT;
        return -1;
    }
    return (long)done;
}

long vcpuctx_vcpu_read_linear(vm_vcpu_t *vcpu, uint64_t la, void *buf, size_t len)
{
    return copy_linear(vcpu, la, buf, len, 0);
}

long vcpuctx_vcpu_write_linear(vm_vcpu_t *vcpu, uint64_t la, const void *buf, size_t len)
{
    return copy_linear(vcpu, la, (uint8_t *)(uintptr_t)buf, len, GUEST_WRITE);
}

/* The vCPU's XSAVE image (KVM_GET_XSAVE2 where the state can outgrow 4 KiB), malloc'd; NULL with errno. */
static uint8_t *xsave_get(vm_vcpu_t *vcpu)
{
    int big = kvm_check_ext(VM_P(vcpu->vm)->kvm_fd, KVM_CAP_XSAVE2);
    uint8_t *x = calloc(1, big > (int)sizeof(struct kvm_xsave) ? (size_t)big : sizeof(struct kvm_xsave));
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

/* Where each member of struct vcpuctx_fpu lies in the FXSAVE area at the start of an XSAVE image. */
static const struct {
    size_t fx, member, size;
} fx_layout[] = {
    {0, offsetof(struct vcpuctx_fpu, fcw), 2},         {2, offsetof(struct vcpuctx_fpu, fsw), 2},
    {4, offsetof(struct vcpuctx_fpu, ftw), 1},         {6, offsetof(struct vcpuctx_fpu, fop), 2},
    {8, offsetof(struct vcpuctx_fpu, fip), 8},         {16, offsetof(struct vcpuctx_fpu, fdp), 8},
    {24, offsetof(struct vcpuctx_fpu, mxcsr), 4},      {32, offsetof(struct vcpuctx_fpu, st), 8 * 16},
    {160, offsetof(struct vcpuctx_fpu, xmm), 16 * 16},
};
#define XSTATE_BV 512 /* the XSAVE header's component bitmap */

int vcpuctx_vcpu_get_fpu(vm_vcpu_t *vcpu, struct vcpuctx_fpu *fpu)
{
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *x = xsave_get(vcpu);
    if (!x)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(fx_layout); i++)
        memcpy((uint8_t *)fpu + fx_layout[i].member, x + fx_layout[i].fx, fx_layout[i].size);
    free(x);
    return 0;
}

/* Through KVM_SET_XSAVE with the x87 and SSE bits of XSTATE_BV set: KVM_SET_FPU alone leaves a vCPU
   whose FPU is still in its init state unchanged for the guest (measured on our hosts). */
int vcpuctx_vcpu_set_fpu(vm_vcpu_t *vcpu, const struct vcpuctx_fpu *fpu)
{
    if (!vcpu || !fpu) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *x = xsave_get(vcpu);
    if (!x)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(fx_layout); i++)
        memcpy(x + fx_layout[i].fx, (const uint8_t *)fpu + fx_layout[i].member, fx_layout[i].size);
    x[XSTATE_BV] |= 3; /* x87 and SSE state present */
    int r = kvm_vcpu_ioctl(vcpu, KVM_SET_XSAVE, x) < 0 ? -1 : 0;
    int e = errno;
    free(x);
    errno = e;
    return r;
}
