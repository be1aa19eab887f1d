/* vmcs_table.c: the VMCS field table: every field libvcpuctx knows, its width, class and KVM backing. */
#include <errno.h>
#include <stddef.h>

#include "vmcs_table.h"

#define G      VCPUCTX_FIELD_GUEST
#define C      VCPUCTX_FIELD_CONTROL
#define S      VCPUCTX_FIELD_STORED
#define X      VCPUCTX_FIELD_EXIT
#define CTL(m) ((uint32_t)offsetof(struct controls, m))
#define EXV(m) ((uint32_t)offsetof(struct exit_view, m))

/* Width from encoding bits 14:13: 16-bit, 64-bit, 32-bit, natural (the word size). */
#define ENC_W(e) (((e) >> 13) & 3)
#define WIDTH(e) (ENC_W(e) == 0 ? 16U : ENC_W(e) == 2 ? 32U : ENC_W(e) == 1 ? 64U : (unsigned)sizeof(seL4_Word) * 8U)

/* Row: encoding, class, writable, backing, kind, arg. */
#define ROW(name, cls, wr, backing, kind, arg)                                                                         \
    {                                                                                                                  \
        {name, #name, WIDTH(name), ENC_W(name) == 3, cls, wr, backing}, kind, arg                                      \
    }
#define SEGROWS(SEG, seg, i)                                                                                           \
    ROW(VMX_GUEST_##SEG##_SELECTOR, G, true, "sregs." seg ".selector", FK_SEL, i),                                     \
        ROW(VMX_GUEST_##SEG##_BASE, G, true, "sregs." seg ".base", FK_BASE, i),                                        \
        ROW(VMX_GUEST_##SEG##_LIMIT, G, true, "sregs." seg ".limit", FK_LIMIT, i),                                     \
        ROW(VMX_GUEST_##SEG##_ACCESS_RIGHTS, G, true, "sregs." seg " type/s/dpl/present/avl/l/db/g/unusable", FK_AR,   \
            i)

const struct field vmcs_rows[] = {
    SEGROWS(ES, "es", 0),
    SEGROWS(CS, "cs", 1),
    SEGROWS(SS, "ss", 2),
    SEGROWS(DS, "ds", 3),
    SEGROWS(FS, "fs", 4),
    SEGROWS(GS, "gs", 5),
    SEGROWS(LDTR, "ldt", 6),
    SEGROWS(TR, "tr", 7),
    ROW(VMX_GUEST_GDTR_BASE, G, true, "sregs.gdt.base", FK_DT_BASE, 0),
    ROW(VMX_GUEST_GDTR_LIMIT, G, true, "sregs.gdt.limit", FK_DT_LIMIT, 0),
    ROW(VMX_GUEST_IDTR_BASE, G, true, "sregs.idt.base", FK_DT_BASE, 1),
    ROW(VMX_GUEST_IDTR_LIMIT, G, true, "sregs.idt.limit", FK_DT_LIMIT, 1),
    ROW(VMX_GUEST_CR0, G, true, "sregs.cr0", FK_CR0, 0),
    ROW(VMX_GUEST_CR3, G, true, "sregs.cr3", FK_CR3, 0),
    ROW(VMX_GUEST_CR4, G, true, "sregs.cr4", FK_CR4, 0),
    ROW(VMX_GUEST_EFER, G, true, "sregs.efer", FK_EFER, 0),
    ROW(VMX_GUEST_RSP, G, true, "regs.rsp", FK_RSP, 0),
    ROW(VMX_GUEST_RIP, G, true, "regs.rip (at the exiting instruction)", FK_RIP, 0),
    ROW(VMX_GUEST_RFLAGS, G, true, "regs.rflags (bit 1 forced by KVM)", FK_RFLAGS, 0),
    ROW(VMX_GUEST_DR7, G, true, "KVM_GET/SET_DEBUGREGS dr7", FK_DR7, 0),
    ROW(VMX_GUEST_PAT, G, true, "MSR 0x277 (IA32_PAT)", FK_MSR, 0x277),
    ROW(VMX_GUEST_DEBUGCTRL, G, true, "MSR 0x1D9 (IA32_DEBUGCTL)", FK_MSR, 0x1d9),
    ROW(VMX_GUEST_SYSENTER_CS, G, true, "MSR 0x174 (IA32_SYSENTER_CS)", FK_MSR, 0x174),
    ROW(VMX_GUEST_SYSENTER_ESP, G, true, "MSR 0x175 (IA32_SYSENTER_ESP)", FK_MSR, 0x175),
    ROW(VMX_GUEST_SYSENTER_EIP, G, true, "MSR 0x176 (IA32_SYSENTER_EIP)", FK_MSR, 0x176),
    ROW(VMX_GUEST_INTERRUPTABILITY, G, true, "events.interrupt.shadow (STI, MOV SS), events.nmi.masked",
        FK_INTERRUPTIBILITY, 0),
    ROW(VMX_GUEST_ACTIVITY, G, true, "KVM_GET/SET_MP_STATE (0 runnable, 1 halted, 3 INIT received)", FK_ACTIVITY, 0),
    ROW(VMX_GUEST_PENDING_DEBUG_EXCEPTIONS, G, true, "events: pending #DB with payload (KVM_CAP_EXCEPTION_PAYLOAD)",
        FK_PENDING_DBG, 0),
    ROW(VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, C, true,
        "bit 2 -> kvm_run.request_interrupt_window; bit 27 (MTF) -> KVM_GUESTDBG_SINGLESTEP; bits 7 (HLT) and 24 (I/O) "
        "fixed to 1; rest stored",
        FK_PRIMARY, 0),
    ROW(VMX_CONTROL_ENTRY_INTERRUPTION_INFO, C, true, "KVM_SET_VCPU_EVENTS injection at the next entry", FK_ENTRY_INTR,
        0),
    ROW(VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE, C, true, "error code of the injected exception", FK_CTL32,
        CTL(entry_error)),
    ROW(VMX_CONTROL_PIN_EXECUTION_CONTROLS, S, true, "stored", FK_CTL32, CTL(pin)),
    ROW(VMX_CONTROL_EXCEPTION_BITMAP, C, true, "bit 3 (#BP) -> KVM_GUESTDBG_USE_SW_BP; rest stored", FK_CTL32,
        CTL(exc_bitmap)),
    ROW(VMX_CONTROL_EXIT_CONTROLS, S, true, "stored", FK_CTL32, CTL(exit_ctl)),
    ROW(VMX_CONTROL_SECONDARY_PROCESSOR_CONTROLS, S, true, "stored", FK_CTL32, CTL(secondary)),
    ROW(VMX_CONTROL_ENTRY_CONTROLS, S, true, "stored", FK_CTL32, CTL(entry_ctl)),
    ROW(VMX_CONTROL_ENTRY_INSTRUCTION_LENGTH, S, true, "stored", FK_CTL32, CTL(entry_instr_len)),
    ROW(VMX_CONTROL_TPR_THRESHOLD, S, true, "stored", FK_CTL32, CTL(tpr_threshold)),
    ROW(VMX_CONTROL_CR0_MASK, S, true, "stored", FK_CTLN, CTL(cr0_mask)),
    ROW(VMX_CONTROL_CR4_MASK, S, true, "stored", FK_CTLN, CTL(cr4_mask)),
    ROW(VMX_CONTROL_CR0_READ_SHADOW, S, true, "stored", FK_CTLN, CTL(cr0_shadow)),
    ROW(VMX_CONTROL_CR4_READ_SHADOW, S, true, "stored", FK_CTLN, CTL(cr4_shadow)),
    ROW(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, S, true, "stored (no timer runs)", FK_CTL32, CTL(preempt_timer)),
    ROW(VMX_GUEST_SMBASE, S, true, "stored (this KVM has no SMM)", FK_CTL32, CTL(smbase)),
    ROW(VMX_GUEST_PERF_GLOBAL_CTRL, S, true, "stored (no guest PMU)", FK_CTLN, CTL(perf_global_ctrl)),
    ROW(VMX_DATA_EXIT_REASON, X, false, "the exit's reason", FK_EXIT32, EXV(reason)),
    ROW(VMX_DATA_EXIT_QUALIFICATION, X, false, "I/O, EPT-violation or #DB qualification", FK_EXITN, EXV(qualification)),
    ROW(VMX_DATA_EXIT_INSTRUCTION_LENGTH, X, false, "decoded from guest memory, prefixes included", FK_EXIT32,
        EXV(instr_len)),
    ROW(VMX_DATA_EXIT_INSTRUCTION_INFO, X, false, "INS/OUTS: address size, segment", FK_EXIT32, EXV(instr_info)),
    ROW(VMX_DATA_GUEST_PHYSICAL, X, false, "kvm_run.mmio.phys_addr", FK_EXITN, EXV(gpa)),
    ROW(VMX_DATA_GUEST_LINEAR_ADDRESS, X, false, "INS/OUTS memory operand", FK_EXITN, EXV(gla)),
    ROW(VMX_DATA_EXIT_INTERRUPT_INFO, X, false, "#DB/#BP of a debug exit", FK_EXIT32, EXV(intr_info)),
    ROW(VMX_DATA_EXIT_INTERRUPT_ERROR, X, false, "0 (KVM reports no error code)", FK_EXIT32, EXV(intr_error)),
    ROW(VMX_DATA_IDT_VECTOR_INFO, X, false, "0 (KVM re-injects by itself)", FK_EXIT32, EXV(idt_info)),
    ROW(VMX_DATA_IDT_VECTOR_ERROR, X, false, "0", FK_EXIT32, EXV(idt_error)),
    ROW(VMX_DATA_INSTRUCTION_ERROR, X, false, "0 (no VMX instructions are run)", FK_EXIT32, EXV(instr_error)),
    ROW(VMX_DATA_IO_RCX, X, false, "RCX at the exit", FK_EXITN, EXV(io_rcx)),
    ROW(VMX_DATA_IO_RSI, X, false, "RSI at the exit", FK_EXITN, EXV(io_rsi)),
    ROW(VMX_DATA_IO_RDI, X, false, "RDI at the exit", FK_EXITN, EXV(io_rdi)),
    ROW(VMX_DATA_IO_RIP, X, false, "RIP of the exiting instruction", FK_EXITN, EXV(io_rip)),
};

#define NROWS ARRAY_SIZE(vmcs_rows)
_Static_assert(NROWS == 81 + 3, "one row for each of the 81 upstream encodings and our three extra controls");

const struct vcpuctx_field_info *vcpuctx_field_at(size_t index)
{
    return index < NROWS ? &vmcs_rows[index].info : NULL;
}

uint8_t vmcs_row_of[16][32];

/* vmcs_table.h's direct index, built once when the library is loaded. */
__attribute__((constructor)) static void index_rows(void)
{
    for (size_t i = 0; i < NROWS; i++) {
        uint32_t e = vmcs_rows[i].info.encoding;
        vmcs_row_of[VMCS_GROUP(e)][VMCS_SLOT(e)] = (uint8_t)(i + 1);
    }
}

const struct vcpuctx_field_info *vcpuctx_field_lookup(uint32_t encoding)
{
    bool high;
    const struct field *f = field_find(encoding, &high);
    if (!f || high) {
        errno = EINVAL;
        return NULL;
    }
    return &f->info;
}

HOT int field_check_write(const struct field *f, bool high, uint64_t value)
{
    if (!f->info.writable)
        return EPERM;
    unsigned width = high ? 32 : f->info.width;
    if (width < 64 && (value >> width) != 0)
        return ERANGE;
    switch (f->kind) {
    case FK_AR: return (value & ~(uint64_t)VMX_AR_DEFINED) ? ERANGE : 0;
    case FK_DT_LIMIT: return value > 0xffff ? ERANGE : 0; /* bits 31:16 must be 0 (SDM 26.3.1.3) */
    case FK_INTERRUPTIBILITY: return (value & ~0xfULL) ? ERANGE : (value & 4) ? EINVAL : 0;
    case FK_ACTIVITY: return value > 3 ? ERANGE : value == 2 ? EINVAL : 0;
    case FK_ENTRY_INTR: {
        unsigned type = (unsigned)(value >> 8) & 7;
        if (value & 0x7ffff000ULL)
            return ERANGE;
        return (value & VMX_INTR_INFO_VALID) && (type == 1 || type == 7) ? EINVAL : 0;
    }
    default: return 0;
    }
}
