/* dump.c: register dumps in the layout of QEMU's "info registers", and --trace lines, from VMCS fields. */
#include "run.h"

seL4_Word vmcs_value(vm_vcpu_t *vcpu, seL4_Word f)
{
    seL4_Word v = 0;
    vm_get_vmcs_field(vcpu, f, &v);
    return v;
}

static void flags_string(seL4_Word fl, char out[8])
{
    const char *letters = "DOSZAPC";
    const unsigned bits[7] = {10, 11, 7, 6, 4, 2, 0};
    for (int i = 0; i < 7; i++)
        out[i] = (fl >> bits[i]) & 1 ? letters[i] : '-';
    out[7] = '\0';
}

static void dump_gprs(vm_vcpu_t *vcpu, FILE *f, bool wide)
{
    seL4_VCPUContext c = {0};
    vm_get_thread_context(vcpu, &c);
    seL4_Word rsp = vmcs_value(vcpu, VMX_GUEST_RSP);
    if (!wide) {
        fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", (unsigned)c.eax, (unsigned)c.ebx, (unsigned)c.ecx,
                (unsigned)c.edx);
        fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", (unsigned)c.esi, (unsigned)c.edi, (unsigned)c.ebp,
                (unsigned)rsp);
        return;
    }
    const unsigned long long r[16] = {c.eax, c.ebx, c.ecx, c.edx, c.esi,
                                      c.edi, c.ebp, rsp,
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
                                      c.r8,  c.r9,  c.r10, c.r11, c.r12,
                                      c.r13, c.r14, c.r15
#endif
    };
    static const char *const names[16] = {"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
                                          "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"};
    for (int i = 0; i < 16; i++)
        fprintf(f, "%s=%016llx%c", names[i], r[i], i % 4 == 3 ? '\n' : ' ');
}

static void dump_segments(vm_vcpu_t *vcpu, FILE *f, bool wide)
{
    static const char *const names[8] = {"ES =", "CS =", "SS =", "DS =", "FS =", "GS =", "LDT=", "TR ="};
    for (int n = 0; n < 8; n++) {
        seL4_Word sel = vmcs_value(vcpu, VMX_GUEST_ES_SELECTOR + 2 * n),
                  base = vmcs_value(vcpu, VMX_GUEST_ES_BASE + 2 * n);
        seL4_Word limit = vmcs_value(vcpu, VMX_GUEST_ES_LIMIT + 2 * n),
                  ar = vmcs_value(vcpu, VMX_GUEST_ES_ACCESS_RIGHTS + 2 * n);
        fprintf(f, wide ? "%s%04x %016llx %08x %08x\n" : "%s%04x %08llx %08x %08x\n", names[n], (unsigned)sel,
                (unsigned long long)base, (unsigned)limit, (unsigned)((ar & 0xf0ff) << 8));
    }
    fprintf(f, wide ? "GDT=     %016llx %08x\n" : "GDT=     %08llx %08x\n",
            (unsigned long long)vmcs_value(vcpu, VMX_GUEST_GDTR_BASE),
            (unsigned)vmcs_value(vcpu, VMX_GUEST_GDTR_LIMIT));
    fprintf(f, wide ? "IDT=     %016llx %08x\n" : "IDT=     %08llx %08x\n",
            (unsigned long long)vmcs_value(vcpu, VMX_GUEST_IDTR_BASE),
            (unsigned)vmcs_value(vcpu, VMX_GUEST_IDTR_LIMIT));
}

/* QEMU prints CR2 and DR0-DR6 too; they are not VMCS fields, so they are not shown. */
void dump_registers(vm_vcpu_t *vcpu, FILE *f)
{
    seL4_Word efer = vmcs_value(vcpu, VMX_GUEST_EFER), rfl = vmcs_value(vcpu, VMX_GUEST_RFLAGS);
    bool wide = (efer & EFER_LMA) != 0;
    char fl[8];
    flags_string(rfl, fl);
    dump_gprs(vcpu, f, wide);
    unsigned cpl = (unsigned)(vmcs_value(vcpu, VMX_GUEST_SS_ACCESS_RIGHTS) >> 5) & 3;
    unsigned ii = (vmcs_value(vcpu, VMX_GUEST_INTERRUPTABILITY) & 3) != 0;
    unsigned hlt = vmcs_value(vcpu, VMX_GUEST_ACTIVITY) == 1;
    fprintf(f,
            wide ? "RIP=%016llx RFL=%08x [%s] CPL=%u II=%u A20=1 SMM=0 HLT=%u\n"
                 : "EIP=%08llx EFL=%08x [%s] CPL=%u II=%u A20=1 SMM=0 HLT=%u\n",
            (unsigned long long)vmcs_value(vcpu, VMX_GUEST_RIP), (unsigned)rfl, fl, cpl, ii, hlt);
    dump_segments(vcpu, f, wide);
    fprintf(f, wide ? "CR0=%08llx CR3=%016llx CR4=%08llx\n" : "CR0=%08llx CR3=%08llx CR4=%08llx\n",
            (unsigned long long)vmcs_value(vcpu, VMX_GUEST_CR0), (unsigned long long)vmcs_value(vcpu, VMX_GUEST_CR3),
            (unsigned long long)vmcs_value(vcpu, VMX_GUEST_CR4));
    fprintf(f, "DR7=%08llx\nEFER=%016llx\n", (unsigned long long)vmcs_value(vcpu, VMX_GUEST_DR7),
            (unsigned long long)efer);
}

/* One line: reason, CS:RIP, and the qualification decoded. */
void trace_exit(vm_vcpu_t *vcpu, unsigned reason, FILE *f)
{
    seL4_Word q = vmcs_value(vcpu, VMX_DATA_EXIT_QUALIFICATION);
    fprintf(f, "exit %-19s %04x:%08llx", vcpuctx_exit_reason_name(reason),
            (unsigned)vmcs_value(vcpu, VMX_GUEST_CS_SELECTOR), (unsigned long long)vmcs_value(vcpu, VMX_GUEST_RIP));
    switch (reason & 0xffff) {
    case EXIT_REASON_IO_INSTRUCTION:
        fprintf(f, " %s%s%s port=0x%04x size=%u len=%u", (q & 8) ? "in" : "out", (q & 16) ? "s" : "",
                (q & 32) ? " rep" : "", (unsigned)(q >> 16), (unsigned)(q & 7) + 1,
                (unsigned)vmcs_value(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH));
        break;
    case EXIT_REASON_EPT_VIOLATION:
        fprintf(f, " %s gpa=0x%llx len=%u", (q & 2) ? "write" : "read",
                (unsigned long long)vmcs_value(vcpu, VMX_DATA_GUEST_PHYSICAL),
                (unsigned)vmcs_value(vcpu, VMX_DATA_EXIT_INSTRUCTION_LENGTH));
        break;
    case EXIT_REASON_HLT: break;
    default:
        if (q)
            fprintf(f, " qualification=0x%llx", (unsigned long long)q);
    }
    fputc('\n', f);
}
