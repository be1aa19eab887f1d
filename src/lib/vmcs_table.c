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
    {{name, #name, WIDTH(name), ENC_W(name) == 3, cls, wr, backing}, kind, arg},
#define SEGROWS(R, SEG, seg, i)                                                                                        \
    R(VMX_GUEST_##SEG##_SELECTOR, G, true, "sregs." seg ".selector", FK_SEL, i)                                        \
    R(VMX_GUEST_##SEG##_BASE, G, true, "sregs." seg ".base", FK_BASE, i)                                               \
    R(VMX_GUEST_##SEG##_LIMIT, G, true, "sregs." seg ".limit", FK_LIMIT, i)                                            \
    R(VMX_GUEST_##SEG##_ACCESS_RIGHTS, G, true, "sregs." seg " type/s/dpl/present/avl/l/db/g/unusable", FK_AR, i)

/* The one list of fields, in the table's order: the rows, their numbers and the direct index are made from it. */
#define VMCS_ROWS(R)                                                                                                   \
    SEGROWS(R, ES, "es", 0)                                                                                            \
    SEGROWS(R, CS, "cs", 1)                                                                                            \
    SEGROWS(R, SS, "ss", 2)                                                                                            \
    SEGROWS(R, DS, "ds", 3)                                                                                            \
    SEGROWS(R, FS, "fs", 4)                                                                                            \
    SEGROWS(R, GS, "gs", 5)                                                                                            \
    SEGROWS(R, LDTR, "ldt", 6)                                                                                         \
    SEGROWS(R, TR, "tr", 7)                                                                                            \
    R(VMX_GUEST_GDTR_BASE, G, true, "sregs.gdt.base", FK_DT_BASE, 0)                                                   \
    R(VMX_GUEST_GDTR_LIMIT, G, true, "sregs.gdt.limit", FK_DT_LIMIT, 0)                                                \
    R(VMX_GUEST_IDTR_BASE, G, true, "sregs.idt.base", FK_DT_BASE, 1)                                                   \
    R(VMX_GUEST_IDTR_LIMIT, G, true, "sregs.idt.limit", FK_DT_LIMIT, 1)                                                \
    R(VMX_GUEST_CR0, G, true, "sregs.cr0", FK_CR0, 0)                                                                  \
    R(VMX_GUEST_CR3, G, true, "sregs.cr3", FK_CR3, 0)                                                                  \
    R(VMX_GUEST_CR4, G, true, "sregs.cr4", FK_CR4, 0)                                                                  \
    R(VMX_GUEST_EFER, G, true, "sregs.efer", FK_EFER, 0)                                                               \
    R(VMX_GUEST_RSP, G, true, "regs.rsp", FK_RSP, 0)                                                                   \
    R(VMX_GUEST_RIP, G, true, "regs.rip (at the exiting instruction)", FK_RIP, 0)                                      \
    R(VMX_GUEST_RFLAGS, G, true, "regs.rflags (bit 1 forced by KVM)", FK_RFLAGS, 0)                                    \
    R(VMX_GUEST_DR7, G, true, "KVM_GET/SET_DEBUGREGS dr7", FK_DR7, 0)                                                  \
    R(VMX_GUEST_PAT, G, true, "MSR 0x277 (IA32_PAT)", FK_MSR, 0x277)                                                   \
    R(VMX_GUEST_DEBUGCTRL, G, true, "MSR 0x1D9 (IA32_DEBUGCTL)", FK_MSR, 0x1d9)                                        \
    R(VMX_GUEST_SYSENTER_CS, G, true, "MSR 0x174 (IA32_SYSENTER_CS)", FK_MSR, 0x174)                                   \
    R(VMX_GUEST_SYSENTER_ESP, G, true, "MSR 0x175 (IA32_SYSENTER_ESP)", FK_MSR, 0x175)                                 \
    R(VMX_GUEST_SYSENTER_EIP, G, true, "MSR 0x176 (IA32_SYSENTER_EIP)", FK_MSR, 0x176)                                 \
    R(VMX_GUEST_INTERRUPTABILITY, G, true, "events.interrupt.shadow (STI, MOV SS), events.nmi.masked",                 \
      FK_INTERRUPTIBILITY, 0)                                                                                          \
    R(VMX_GUEST_ACTIVITY, G, true, "KVM_GET/SET_MP_STATE (0 runnable, 1 halted, 3 INIT received)", FK_ACTIVITY, 0)     \
    R(VMX_GUEST_PENDING_DEBUG_EXCEPTIONS, G, true, "events: pending #DB with payload (KVM_CAP_EXCEPTION_PAYLOAD)",     \
      FK_PENDING_DBG, 0)                                                                                               \
    R(VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS, C, true,                                                                 \
      "bit 2 -> kvm_run.request_interrupt_window; bit 27 (MTF) -> KVM_GUESTDBG_SINGLESTEP; bits 7 (HLT) and 24 (I/O) " \
      "fixed to 1; rest stored",                                                                                       \
      FK_PRIMARY, 0)                                                                                                   \
    R(VMX_CONTROL_ENTRY_INTERRUPTION_INFO, C, true, "KVM_SET_VCPU_EVENTS injection at the next entry", FK_ENTRY_INTR,  \
      0)                                                                                                               \
    R(VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE, C, true, "error code of the injected exception", FK_CTL32,               \
      CTL(entry_error))                                                                                                \
    R(VMX_CONTROL_PIN_EXECUTION_CONTROLS, S, true, "stored", FK_CTL32, CTL(pin))                                       \
    R(VMX_CONTROL_EXCEPTION_BITMAP, C, true, "bit 3 (#BP) -> KVM_GUESTDBG_USE_SW_BP; rest stored", FK_CTL32,           \
      CTL(exc_bitmap))                                                                                                 \
    R(VMX_CONTROL_EXIT_CONTROLS, S, true, "stored", FK_CTL32, CTL(exit_ctl))                                           \
    R(VMX_CONTROL_SECONDARY_PROCESSOR_CONTROLS, S, true, "stored", FK_CTL32, CTL(secondary))                           \
    R(VMX_CONTROL_ENTRY_CONTROLS, S, true, "stored", FK_CTL32, CTL(entry_ctl))                                         \
    R(VMX_CONTROL_ENTRY_INSTRUCTION_LENGTH, S, true, "stored", FK_CTL32, CTL(entry_instr_len))                         \
    R(VMX_CONTROL_TPR_THRESHOLD, S, true, "stored", FK_CTL32, CTL(tpr_threshold))                                      \
    R(VMX_CONTROL_CR0_MASK, S, true, "stored", FK_CTLN, CTL(cr0_mask))                                                 \
    R(VMX_CONTROL_CR4_MASK, S, true, "stored", FK_CTLN, CTL(cr4_mask))                                                 \
    R(VMX_CONTROL_CR0_READ_SHADOW, S, true, "stored", FK_CTLN, CTL(cr0_shadow))                                        \
    R(VMX_CONTROL_CR4_READ_SHADOW, S, true, "stored", FK_CTLN, CTL(cr4_shadow))                                        \
    R(VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE, S, true, "stored (no timer runs)", FK_CTL32, CTL(preempt_timer))           \
    R(VMX_GUEST_SMBASE, S, true, "stored (this KVM has no SMM)", FK_CTL32, CTL(smbase))                                \
    R(VMX_GUEST_PERF_GLOBAL_CTRL, S, true, "stored (no guest PMU)", FK_CTLN, CTL(perf_global_ctrl))                    \
    R(VMX_DATA_EXIT_REASON, X, false, "the exit's reason", FK_EXIT32, EXV(reason))                                     \
    R(VMX_DATA_EXIT_QUALIFICATION, X, false, "I/O, EPT-violation or #DB qualification", FK_EXITN, EXV(qualification))  \
    R(VMX_DATA_EXIT_INSTRUCTION_LENGTH, X, false, "decoded from guest memory, prefixes included", FK_EXIT32,           \
      EXV(instr_len))                                                                                                  \
    R(VMX_DATA_EXIT_INSTRUCTION_INFO, X, false, "INS/OUTS: address size, segment", FK_EXIT32, EXV(instr_info))         \
    R(VMX_DATA_GUEST_PHYSICAL, X, false, "kvm_run.mmio.phys_addr", FK_EXITN, EXV(gpa))                                 \
    R(VMX_DATA_GUEST_LINEAR_ADDRESS, X, false, "INS/OUTS memory operand", FK_EXITN, EXV(gla))                          \
    R(VMX_DATA_EXIT_INTERRUPT_INFO, X, false, "#DB/#BP of a debug exit", FK_EXIT32, EXV(intr_info))                    \
    R(VMX_DATA_EXIT_INTERRUPT_ERROR, X, false, "0 (KVM reports no error code)", FK_EXIT32, EXV(intr_error))            \
    R(VMX_DATA_IDT_VECTOR_INFO, X, false, "0 (KVM re-injects by itself)", FK_EXIT32, EXV(idt_info))                    \
    R(VMX_DATA_IDT_VECTOR_ERROR, X, false, "0", FK_EXIT32, EXV(idt_error))                                             \
    R(VMX_DATA_INSTRUCTION_ERROR, X, false, "0 (no VMX instructions are run)", FK_EXIT32, EXV(instr_error))            \
    R(VMX_DATA_IO_RCX, X, false, "RCX at the exit", FK_EXITN, EXV(io_rcx))                                             \
    R(VMX_DATA_IO_RSI, X, false, "RSI at the exit", FK_EXITN, EXV(io_rsi))                                             \
    R(VMX_DATA_IO_RDI, X, false, "RDI at the exit", FK_EXITN, EXV(io_rdi))                                             \
    R(VMX_DATA_IO_RIP, X, false, "RIP of the exiting instruction", FK_EXITN, EXV(io_rip))

#define ROW_ID(name, ...) ROW_ID_##name,
enum { VMCS_ROWS(ROW_ID) NROWS_LISTED };

/* Page-aligned: the whole table (84 rows of 48 bytes) is one page, so a handler's field accesses touch one page
   of it after an exit, whichever rows they are (scripts/bench.c measures what each page costs). */
__attribute__((aligned(4096))) const struct field vmcs_rows[] = {VMCS_ROWS(ROW)};
_Static_assert(sizeof(vmcs_rows) <= 4096, "the table fits one page");

#define NROWS ARRAY_SIZE(vmcs_rows)
_Static_assert(NROWS == 81 + 3, "one row for each of the 81 upstream encodings and our three extra controls");

const struct vcpuctx_field_info *vcpuctx_field_at(size_t index)
{
    return index < NROWS ? &vmcs_rows[index].info : NULL;
}

/* vmcs_table.h's direct index, made by the compiler (-Woverride-init, in -Wextra, catches two rows in a slot). */
#define ROW_SLOT(name, ...) [VMCS_GROUP(name)][VMCS_SLOT(name)] = ROW_ID_##name + 1,
const uint8_t vmcs_row_of[16][32] = {VMCS_ROWS(ROW_SLOT)};
_Static_assert(NROWS_LISTED < 255, "a row number fits the index's bytes");

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
