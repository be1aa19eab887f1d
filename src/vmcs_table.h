/* vmcs_table.h: the private side of the VMCS field table: how each field is reached on KVM. */
#ifndef VCPUCTX_VMCS_TABLE_H
#define VCPUCTX_VMCS_TABLE_H

#include "internal.h"

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

/* The row for an encoding, and whether the access is the high half of a 64-bit field. */
const struct field *field_find(uint32_t encoding, bool *high);

/* errno for writing value to the field (0 if acceptable): EPERM, ERANGE, EINVAL. */
int field_check_write(const struct field *f, bool high, uint64_t value);

/* Read or write through KVM state / the control block / the exit view. */
int field_read(struct vm_vcpu *vcpu, const struct field *f, uint64_t *value);
int field_write(struct vm_vcpu *vcpu, const struct field *f, uint64_t value);

#endif /* VCPUCTX_VMCS_TABLE_H */
