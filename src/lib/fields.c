/* fields.c: read and write one VMCS field through the KVM state the table names. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "kvm.h"
#include "segments.h"
#include "vmcs_table.h"

static struct kvm_segment *segment(struct kvm_sregs *s, uint32_t i)
{
    struct kvm_segment *segs[8] = {&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs, &s->ldt, &s->tr};
    return segs[i & 7];
}

static int read_sregs(struct vm_vcpu *vcpu, const struct field *f, uint64_t *v)
{
    struct kvm_sregs *s = state_sregs(vcpu);
    if (!s)
        return -1;
    struct kvm_dtable *dt = f->arg ? &s->idt : &s->gdt;
    switch (f->kind) {
    case FK_SEL: *v = segment(s, f->arg)->selector; break;
    case FK_BASE: *v = segment(s, f->arg)->base; break;
    case FK_LIMIT: *v = segment(s, f->arg)->limit; break;
    case FK_AR: *v = seg_to_ar(segment(s, f->arg)); break;
    case FK_DT_BASE: *v = dt->base; break;
    case FK_DT_LIMIT: *v = dt->limit; break;
    case FK_CR0: *v = s->cr0; break;
    case FK_CR3: *v = s->cr3; break;
    case FK_CR4: *v = s->cr4; break;
    default: *v = s->efer; break;
    }
    return 0;
}

static int write_sregs(struct vm_vcpu *vcpu, const struct field *f, uint64_t v)
{
    struct kvm_sregs *s = state_sregs(vcpu);
    if (!s)
        return -1;
    struct kvm_dtable *dt = f->arg ? &s->idt : &s->gdt;
    switch (f->kind) {
    case FK_SEL: segment(s, f->arg)->selector = (uint16_t)v; break;
    case FK_BASE: segment(s, f->arg)->base = v; break;
    case FK_LIMIT: segment(s, f->arg)->limit = (uint32_t)v; break;
    case FK_AR: seg_from_ar(segment(s, f->arg), (uint32_t)v); break;
    case FK_DT_BASE: dt->base = v; break;
    case FK_DT_LIMIT: dt->limit = (uint16_t)v; break;
    case FK_CR0: s->cr0 = v; break;
    case FK_CR3: s->cr3 = v; break;
    case FK_CR4: s->cr4 = v; break;
    default: s->efer = v; break;
    }
    VCPU_P(vcpu)->cache.sregs_st = CACHE_DIRTY;
    return 0;
}

static __u64 *regs_slot(struct kvm_regs *r, enum field_kind k)
{
    return k == FK_RSP ? &r->rsp : k == FK_RIP ? &r->rip : &r->rflags;
}

static int rw_regs(struct vm_vcpu *vcpu, const struct field *f, uint64_t *v, bool write)
{
    struct kvm_regs *r = state_regs(vcpu);
    if (!r)
        return -1;
    __u64 *slot = regs_slot(r, f->kind);
    if (!write) {
        *v = *slot;
        return 0;
    }
    *slot = *v;
    if (f->kind != FK_RIP)
        VCPU_P(vcpu)->pend.gpr_set = true;
    VCPU_P(vcpu)->cache.regs_st = CACHE_DIRTY;
    return 0;
}

static int rw_dr7(struct vm_vcpu *vcpu, uint64_t *v, bool write)
{
    struct kvm_debugregs d;
    if (kvm_vcpu_ioctl(vcpu, KVM_GET_DEBUGREGS, &d) < 0)
        return -1;
    if (!write) {
        *v = d.dr7;
        return 0;
    }
    d.dr7 = *v;
    d.flags = 0;
    return kvm_vcpu_ioctl(vcpu, KVM_SET_DEBUGREGS, &d) < 0 ? -1 : 0;
}

static int rw_activity(struct vm_vcpu *vcpu, uint64_t *v, bool write)
{
    struct kvm_mp_state mp;
    if (!write) {
        if (kvm_vcpu_ioctl(vcpu, KVM_GET_MP_STATE, &mp) < 0)
            return -1;
        *v = mp.mp_state == KVM_MP_STATE_HALTED ? 1 : mp.mp_state == KVM_MP_STATE_INIT_RECEIVED ? 3 : 0;
        return 0;
    }
    mp.mp_state = *v == 1 ? KVM_MP_STATE_HALTED : *v == 3 ? KVM_MP_STATE_INIT_RECEIVED : KVM_MP_STATE_RUNNABLE;
    return kvm_vcpu_ioctl(vcpu, KVM_SET_MP_STATE, &mp) < 0 ? -1 : 0;
}

/*
 * KVM's interrupt shadow as interruptibility bits 0 (STI) and 1 (MOV SS). KVM on SVM keeps one shadow and reports
 * both kinds, which VT-x never shows together: the kind last written stands, else blocking by STI (the same
 * effect on such a host).
 */
static uint64_t shadow_bits(const struct vm_vcpu *vcpu, uint8_t shadow)
{
    const uint8_t both = KVM_X86_SHADOW_INT_STI | KVM_X86_SHADOW_INT_MOV_SS;
    if ((shadow & both) == both)
        return VCPU_CP(vcpu)->cache.shadow_hint ? VCPU_CP(vcpu)->cache.shadow_hint : 1;
    return ((shadow & KVM_X86_SHADOW_INT_STI) ? 1 : 0) | ((shadow & KVM_X86_SHADOW_INT_MOV_SS) ? 2 : 0);
}

static int rw_events(struct vm_vcpu *vcpu, const struct field *f, uint64_t *v, bool write)
{
    if (f->kind == FK_PENDING_DBG && !VM_P(vcpu->vm)->payload) {
        errno = EOPNOTSUPP;
        return -1;
    }
    struct kvm_vcpu_events *ev = state_events(vcpu);
    if (!ev)
        return -1;
    if (f->kind == FK_INTERRUPTIBILITY) {
        if (!write) {
            *v = shadow_bits(vcpu, ev->interrupt.shadow) | (ev->nmi.masked ? 8 : 0);
            return 0;
        }
        ev->interrupt.shadow =
            (uint8_t)(((*v & 1) ? KVM_X86_SHADOW_INT_STI : 0) | ((*v & 2) ? KVM_X86_SHADOW_INT_MOV_SS : 0));
        ev->nmi.masked = (*v & 8) ? 1 : 0;
        VCPU_P(vcpu)->cache.shadow_hint = (uint8_t)(*v & 3);
    } else {
        bool db = ev->exception.pending && ev->exception.nr == 1 && ev->exception_has_payload;
        if (!write) {
            *v = db ? ev->exception_payload : 0;
            return 0;
        }
        if (*v == 0 && !db)
            return 0;
        ev->exception.pending = *v != 0;
        ev->exception.injected = 0;
        ev->exception.nr = 1;
        ev->exception.has_error_code = 0;
        ev->exception_has_payload = *v != 0;
        ev->exception_payload = *v;
    }
    VCPU_P(vcpu)->cache.events_st = CACHE_DIRTY;
    return 0;
}

static void *ctl_slot(struct vm_vcpu *vcpu, const struct field *f)
{
    bool exit = f->kind == FK_EXIT32 || f->kind == FK_EXITN;
    return (uint8_t *)(exit ? (void *)&VCPU_P(vcpu)->ex : (void *)&VCPU_P(vcpu)->ctl) + f->arg;
}

static int rw_stored(struct vm_vcpu *vcpu, const struct field *f, uint64_t *v, bool write)
{
    bool wide = f->kind == FK_CTLN || f->kind == FK_EXITN;
    void *slot = ctl_slot(vcpu, f);
    if (!write) {
        uint32_t v32;
        if (wide)
            memcpy(v, slot, 8);
        else {
            memcpy(&v32, slot, 4);
            *v = v32;
        }
        return 0;
    }
    uint32_t v32 = (uint32_t)*v;
    memcpy(slot, wide ? (void *)v : (void *)&v32, wide ? 8 : 4);
    return 0;
}

HOT static int dispatch(struct vm_vcpu *vcpu, const struct field *f, uint64_t *v, bool write)
{
    if (field_needs_view(f) && exit_view_ensure(vcpu) < 0)
        return -1;
    switch (f->kind) {
    case FK_SEL:
    case FK_BASE:
    case FK_LIMIT:
    case FK_AR:
    case FK_DT_BASE:
    case FK_DT_LIMIT:
    case FK_CR0:
    case FK_CR3:
    case FK_CR4:
    case FK_EFER: return write ? write_sregs(vcpu, f, *v) : read_sregs(vcpu, f, v);
    case FK_RSP:
    case FK_RIP:
    case FK_RFLAGS: return rw_regs(vcpu, f, v, write);
    case FK_DR7: return rw_dr7(vcpu, v, write);
    case FK_MSR: return write ? kvm_vcpu_set_msr(vcpu, f->arg, *v) : kvm_vcpu_get_msr(vcpu, f->arg, v);
    case FK_ACTIVITY: return rw_activity(vcpu, v, write);
    case FK_INTERRUPTIBILITY:
    case FK_PENDING_DBG: return rw_events(vcpu, f, v, write);
    case FK_PRIMARY:
        if (write)
            *v |= VMX_PRIMARY_HLT_EXITING | VMX_PRIMARY_UNCOND_IO_EXITING;
        VCPU_P(vcpu)->ctl.primary = write ? (uint32_t)*v : VCPU_P(vcpu)->ctl.primary;
        *v = VCPU_P(vcpu)->ctl.primary;
        return 0;
    case FK_ENTRY_INTR:
        if (write)
            VCPU_P(vcpu)->ctl.entry_intr_info = (uint32_t)*v;
        *v = VCPU_P(vcpu)->ctl.entry_intr_info;
        return 0;
    default: return rw_stored(vcpu, f, v, write);
    }
}

HOT int field_read(struct vm_vcpu *vcpu, const struct field *f, uint64_t *value)
{
    return dispatch(vcpu, f, value, false);
}

/* The fields entry_prepare turns into KVM state (the controls): a write of one makes the next entry look again. */
static bool is_control(const struct field *f)
{
    return f->kind == FK_PRIMARY || f->kind == FK_ENTRY_INTR || f->kind == FK_CTL32 || f->kind == FK_CTLN;
}

HOT int field_write(struct vm_vcpu *vcpu, const struct field *f, uint64_t value)
{
    if (is_control(f))
        VCPU_P(vcpu)->ctl.settled = false;
    return dispatch(vcpu, f, &value, true);
}
