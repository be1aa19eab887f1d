/* vmcs_table.h: the private side of the VMCS field table: how each field is reached on KVM. */
#ifndef VCPUCTX_VMCS_TABLE_H
#define VCPUCTX_VMCS_TABLE_H

#include <string.h>

#include "internal.h"

#pragma GCC visibility push(hidden)

/* How a field is reached. */
enum field_kind {
    FK_SEL,
    FK_BASE,
    FK_LIMIT,
    FK_AR, /* arg: segment 0..7 (ES CS SS DS FS GS LDTR TR) */
    FK_DT_BASE,
    FK_DT_LIMIT, /* arg: 0 GDTR, 1 IDTR */
    FK_CR0,
    FK_CR3,
    FK_CR4,
    FK_EFER,
    FK_RSP,
    FK_RIP,
    FK_RFLAGS,
    FK_DR7,
    FK_MSR, /* arg: MSR index */
    FK_INTERRUPTIBILITY,
    FK_ACTIVITY,
    FK_PENDING_DBG,
    FK_PRIMARY,    /* wired bits of the primary controls */
    FK_ENTRY_INTR, /* entry interruption information */
    FK_CTL32,
    FK_CTLN, /* arg: offset in struct controls */
    FK_EXIT32,
    FK_EXITN, /* arg: offset in struct exit_view */
};

struct field {
    struct vcpuctx_field_info info;
    enum field_kind kind;
    uint32_t arg;
};

/* The table (vmcs_table.c), and its direct index: an encoding's width (bits 14:13) and type (11:10) choose one of
   16 groups, its index (bits 9:1) the slot, which holds the row + 1 (0: no such field). */
extern const struct field vmcs_rows[];
extern const uint8_t vmcs_row_of[16][32];
#define VMCS_GROUP(e) ((((e) >> 13) & 3) * 4 + (((e) >> 10) & 3))
#define VMCS_SLOT(e)  (((e)&0x3ff) >> 1)

/* The row for an encoding, and whether the access is the high half of a 64-bit field; NULL with errno EINVAL. Inline:
   every field access starts here. */
static inline const struct field *field_find(uint32_t encoding, bool *high)
{
    bool hi = (encoding & 1) && ((encoding >> 13) & 3) == 1;
    uint32_t e = encoding & ~(hi ? 1U : 0U);
    unsigned row = (e & ~0x6fffU) || VMCS_SLOT(e) >= 32 ? 0 : vmcs_row_of[VMCS_GROUP(e)][VMCS_SLOT(e)];
    *high = hi;
    if (!row || vmcs_rows[row - 1].info.encoding != e) {
        errno = EINVAL;
        return NULL;
    }
    return &vmcs_rows[row - 1];
}

/* RIP and the exit information (but the reason) come from the VT-x view, computed on first use. */
static inline bool field_needs_view(const struct field *f)
{
    if (f->kind == FK_RIP)
        return true;
    return (f->kind == FK_EXIT32 || f->kind == FK_EXITN) && f->arg != offsetof(struct exit_view, reason);
}

/*
 * What field_read gives, for the reads a handler makes at every exit once the exit's VT-x view is made (or when
 * no exit is pending: then there is none to make): the view's fields in place, and RIP from the register cache.
 * False when field_read must be asked (it makes the view). Inline: a handler reads these at every exit.
 */
static inline bool field_read_quick(struct vm_vcpu *vcpu, const struct field *f, uint64_t *value)
{
    struct vcpu_priv *p = VCPU_P(vcpu);
    if (p->pend.active && !p->pend.view_ready)
        return false;
    const uint8_t *slot = (const uint8_t *)&p->ex + f->arg;
    uint32_t v32;
    switch (f->kind) {
    case FK_EXIT32:
        memcpy(&v32, slot, sizeof(v32));
        *value = v32;
        return true;
    case FK_EXITN: memcpy(value, slot, sizeof(*value)); return true;
    case FK_RIP:
        if (p->cache.regs_st == CACHE_UNKNOWN)
            return false;
        p->cache.used |= KVM_SYNC_X86_REGS; /* what state_regs notes */
        *value = p->cache.regs->rip;
        return true;
    default: return false;
    }
}

/* What field_write does for RIP once the exit's view is made (or with no exit pending) and the registers are
   cached; false when field_write must be asked. Inline: a handler moves RIP at most exits. */
static inline bool field_write_quick(struct vm_vcpu *vcpu, const struct field *f, uint64_t value)
{
    struct vcpu_priv *p = VCPU_P(vcpu);
    if (f->kind != FK_RIP || (p->pend.active && !p->pend.view_ready) || p->cache.regs_st == CACHE_UNKNOWN)
        return false;
    p->cache.used |= KVM_SYNC_X86_REGS;
    p->cache.regs->rip = value;
    p->cache.regs_st = CACHE_DIRTY;
    return true;
}

/* errno for writing value to the field (0 if acceptable): EPERM, ERANGE, EINVAL. */
int field_check_write(const struct field *f, bool high, uint64_t value);

/* Read or write through KVM state / the control block / the exit view. */
int field_read(struct vm_vcpu *vcpu, const struct field *f, uint64_t *value);
int field_write(struct vm_vcpu *vcpu, const struct field *f, uint64_t value);

#pragma GCC visibility pop

#endif /* VCPUCTX_VMCS_TABLE_H */
