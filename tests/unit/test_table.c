/* test_table.c: the VMCS field table, unit-tested without KVM: encodings, widths, classes, write checks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmcs_table.h"

static size_t nrows(void)
{
    size_t n = 0;
    while (vcpuctx_field_at(n))
        n++;
    return n;
}

Test(table, has_the_81_upstream_fields_and_three_controls)
{
    cr_assert_eq(nrows(), 84);
}

Test(table, every_header_encoding_is_a_row_and_back)
{
    FILE *f = fopen(SRCDIR "/include/sel4vm/arch/vmcs_fields.h", "r");
    cr_assert_not_null(f);
    char line[256], name[128];
    unsigned enc, found = 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "#define %127s 0x%x", name, &enc) != 2 || strncmp(name, "VMX_", 4) != 0 ||
            strncmp(name, "VMX_AR_", 7) == 0 || strncmp(name, "VMX_INTR_", 9) == 0 ||
            strncmp(name, "VMX_PRIMARY_", 12) == 0)
            continue;
        const struct vcpuctx_field_info *row = vcpuctx_field_lookup(enc);
        cr_assert_not_null(row, "%s (0x%x) is not in the table", name, enc);
        cr_assert_str_eq(row->name, name);
        found++;
    }
    fclose(f);
    cr_assert_eq(found, nrows(), "header and table list the same fields");
}

Test(table, width_and_type_follow_the_encoding)
{
    for (size_t i = 0; i < nrows(); i++) {
        const struct vcpuctx_field_info *r = vcpuctx_field_at(i);
        unsigned w = (r->encoding >> 13) & 3, type = (r->encoding >> 10) & 3;
        unsigned want = w == 0 ? 16 : w == 1 ? 64 : w == 2 ? 32 : (unsigned)sizeof(seL4_Word) * 8;
        cr_assert_eq(r->width, want, "%s width", r->name);
        cr_assert_eq(r->natural, w == 3, "%s natural", r->name);
        cr_assert_eq(r->encoding & 1, 0, "%s is a full access", r->name);
        if (type == 1) {
            cr_assert_eq(r->cls, VCPUCTX_FIELD_EXIT, "%s: read-only data", r->name);
            cr_assert(!r->writable, "%s is read-only", r->name);
        } else {
            cr_assert(r->writable, "%s is writable", r->name);
            cr_assert_neq(r->cls, VCPUCTX_FIELD_EXIT, "%s", r->name);
        }
        if (r->cls == VCPUCTX_FIELD_CONTROL)
            cr_assert_eq(type, 0, "%s: wired controls are control fields", r->name);
        cr_assert(r->backing && r->backing[0], "%s documents its backing", r->name);
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(vcpuctx_field_at(j)->encoding, r->encoding, "%s listed twice", r->name);
    }
}

Test(table, lookup_finds_every_row_and_nothing_else)
{
    for (size_t i = 0; i < nrows(); i++)
        cr_assert_eq(vcpuctx_field_lookup(vcpuctx_field_at(i)->encoding), vcpuctx_field_at(i));
    unsigned found = 0;
    for (uint32_t e = 0; e < 0x10000; e++)
        found += vcpuctx_field_lookup(e) != NULL;
    cr_assert_eq(found, nrows(), "exactly the table's encodings below 0x10000");
    cr_assert_null(vcpuctx_field_lookup(0x10000 | VMX_GUEST_RIP));
    cr_assert_null(vcpuctx_field_lookup(0x1000 | VMX_GUEST_RIP), "bit 12 set");
}

Test(table, lookup_refuses_unknown_fields)
{
    errno = 0;
    cr_assert_null(vcpuctx_field_lookup(0x1234));
    cr_assert_eq(errno, EINVAL);
    cr_assert_null(vcpuctx_field_lookup(VMX_GUEST_PAT + 1), "the high half is not a row");
    cr_assert_null(vcpuctx_field_at(nrows()));
    bool high = false;
    const struct field *f = field_find(VMX_GUEST_PAT + 1, &high);
    cr_assert_not_null(f);
    cr_assert(high);
    cr_assert_null(field_find(VMX_GUEST_RIP + 1, &high), "natural width has no high half");
}

static int check(uint32_t enc, uint64_t v)
{
    bool high;
    const struct field *f = field_find(enc, &high);
    cr_assert_not_null(f);
    return field_check_write(f, high, v);
}

Test(table, write_checks)
{
    cr_assert_eq(check(VMX_GUEST_ES_SELECTOR, 0xffff), 0);
    cr_assert_eq(check(VMX_GUEST_ES_SELECTOR, 0x10000), ERANGE);
    cr_assert_eq(check(VMX_GUEST_CS_LIMIT, 0xffffffffULL), 0);
    cr_assert_eq(check(VMX_GUEST_CS_LIMIT, 0x100000000ULL), ERANGE);
    cr_assert_eq(check(VMX_GUEST_PAT + 1, 0x100000000ULL), ERANGE, "a high half is 32 bits");
    cr_assert_eq(check(VMX_GUEST_CS_ACCESS_RIGHTS, VMX_AR_DEFINED), 0);
    cr_assert_eq(check(VMX_GUEST_CS_ACCESS_RIGHTS, 0x100), ERANGE, "bits 11:8 are reserved");
    cr_assert_eq(check(VMX_GUEST_CS_ACCESS_RIGHTS, 0x20000), ERANGE);
    cr_assert_eq(check(VMX_GUEST_GDTR_LIMIT, 0xffff), 0);
    cr_assert_eq(check(VMX_GUEST_IDTR_LIMIT, 0x10000), ERANGE, "descriptor-table limits are 16 bits");
    cr_assert_eq(check(VMX_DATA_EXIT_REASON, 0), EPERM);
    cr_assert_eq(check(VMX_DATA_GUEST_PHYSICAL, 0), EPERM);
    cr_assert_eq(check(VMX_GUEST_ACTIVITY, 2), EINVAL, "shutdown state cannot be entered");
    cr_assert_eq(check(VMX_GUEST_ACTIVITY, 4), ERANGE);
    cr_assert_eq(check(VMX_GUEST_INTERRUPTABILITY, 0xb), 0);
    cr_assert_eq(check(VMX_CONTROL_ENTRY_INTERRUPTION_INFO, 0x80000b0e), 0, "#PF with error code");
    cr_assert_eq(check(VMX_CONTROL_ENTRY_INTERRUPTION_INFO, 0x80000720), EINVAL, "type 7");
    cr_assert_eq(check(VMX_GUEST_RIP, (seL4_Word)~0ULL), 0);
    if (sizeof(seL4_Word) == 4)
        cr_assert_eq(check(VMX_GUEST_RIP, 0x100000000ULL), ERANGE, "natural width is 32 bits in the ia32 ABI");
}

Test(table, exit_reason_names)
{
    cr_assert_str_eq(vcpuctx_exit_reason_name(EXIT_REASON_IO_INSTRUCTION), "IO_INSTRUCTION");
    cr_assert_str_eq(vcpuctx_exit_reason_name(EXIT_REASON_EPT_VIOLATION), "EPT_VIOLATION");
    cr_assert_str_eq(vcpuctx_exit_reason_name(EXIT_REASON_INVALID_GUEST_STATE | VMX_EXIT_REASONS_FAILED_VMENTRY),
                     "INVALID_GUEST_STATE");
    cr_assert_str_eq(vcpuctx_exit_reason_name(VCPUCTX_EXIT_REASON_INTERNAL_ERROR), "INTERNAL_ERROR");
    cr_assert_str_eq(vcpuctx_exit_reason_name(57), "UNKNOWN", "RDRAND: not among the reasons");
    cr_assert_str_eq(vcpuctx_exit_reason_name(1000), "UNKNOWN");
}

/* VMX_EXIT_REASONS is the one list: unique reasons below VM_EXIT_REASON_NUM, each named as the library names it. */
Test(table, vmx_exit_reasons_is_the_name_table)
{
    static const struct {
        int reason;
        const char *name;
    } list[] = {VMX_EXIT_REASONS};
    bool seen[VM_EXIT_REASON_NUM] = {false};
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        cr_assert(list[i].reason >= 0 && list[i].reason < VM_EXIT_REASON_NUM);
        cr_assert_not(seen[list[i].reason], "reason %d twice", list[i].reason);
        seen[list[i].reason] = true;
        cr_assert_str_eq(vcpuctx_exit_reason_name((unsigned)list[i].reason), list[i].name);
    }
    cr_assert_str_eq(vcpuctx_exit_reason_name(EXIT_REASON_MWAIT_INSTRUCTION), "MWAIT_INSTRUCTION", "upstream's name");
}

/* libsel4vm's spellings, with the values its headers give them. */
Test(table, upstream_spellings_and_values)
{
    cr_assert_eq(EXIT_REASON_VMOFF, 26);
    cr_assert_eq(EXIT_REASON_VMON, 27);
    cr_assert_eq(EXIT_REASON_INVALID_STATE, 33);
    cr_assert_eq(EXIT_REASON_VMX_TIMER, 52);
    cr_assert_eq(EXIT_REASON_INVPCID, 58);
    cr_assert_eq(VMX_CONTROL_PPC_HLT_EXITING, VMX_PRIMARY_HLT_EXITING);
    cr_assert_eq(VMX_CONTROL_PPC_CR3_LOAD_EXITING, 0x8000);
    cr_assert_eq(VMX_CONTROL_PPC_CR3_STORE_EXITING, 0x10000);
    cr_assert_eq(AR(P) | AR(S) | AR_T(BUSY_TSS), VMX_AR_P | VMX_AR_S | 0xb);
    cr_assert_eq(AR(AVL) | AR(L) | AR(DB) | AR(G) | AR(UNUSABLE),
                 VMX_AR_AVL | VMX_AR_L | VMX_AR_DB | VMX_AR_G | VMX_AR_UNUSABLE);
    cr_assert_eq(DEFAULT_TR_ACCESS_RIGHTS, 0x8b);
    cr_assert_eq(DEFAULT_ACCESS_RIGHTS, 0xa093);
    cr_assert_eq(AR_T(LDT), 2);
    cr_assert_eq(AR_T(BUSY_16_TSS), 3);
}
