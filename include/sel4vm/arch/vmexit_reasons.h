/* sel4vm/arch/vmexit_reasons.h: VT-x basic exit reasons (Intel SDM vol. 3 app. C) as libvcpuctx reports them. */
#ifndef SEL4VM_ARCH_VMEXIT_REASONS_H
#define SEL4VM_ARCH_VMEXIT_REASONS_H

#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_IO_SMI              5
#define EXIT_REASON_OTHER_SMI           6
#define EXIT_REASON_PENDING_INTERRUPT   7
#define EXIT_REASON_NMI_WINDOW          8
#define EXIT_REASON_TASK_SWITCH         9
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_GETSEC              11
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVD                13
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDPMC               15
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_RSM                 17
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_DR_ACCESS           29
#define EXIT_REASON_IO_INSTRUCTION      30
#define EXIT_REASON_MSR_READ            31
#define EXIT_REASON_MSR_WRITE           32
#define EXIT_REASON_INVALID_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING         34
#define EXIT_REASON_MWAIT_INSTRUCTION   36
#define EXIT_REASON_MONITOR_TRAP_FLAG   37
#define EXIT_REASON_MONITOR_INSTRUCTION 39
#define EXIT_REASON_PAUSE_INSTRUCTION   40
#define EXIT_REASON_MCE_DURING_VMENTRY  41
#define EXIT_REASON_TPR_BELOW_THRESHOLD 43
#define EXIT_REASON_APIC_ACCESS         44
#define EXIT_REASON_GDTR_IDTR           46
#define EXIT_REASON_LDTR_TR             47
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_RDTSCP              51
#define EXIT_REASON_PREEMPTION_TIMER    52
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_WBINVD              54
#define EXIT_REASON_XSETBV              55
#define EXIT_REASON_INVPCID             58

/* libsel4vm's spellings of the same reasons. */
#define EXIT_REASON_VMOFF         EXIT_REASON_VMXOFF
#define EXIT_REASON_VMON          EXIT_REASON_VMXON
#define EXIT_REASON_INVALID_STATE EXIT_REASON_INVALID_GUEST_STATE
#define EXIT_REASON_VMX_TIMER     EXIT_REASON_PREEMPTION_TIMER

/*
 * { reason, "NAME" } for every reason above, as libsel4vm's VMX_EXIT_REASONS
 * (its names where it has one), for a table such as
 * struct { int reason; const char *name; } t[] = { VMX_EXIT_REASONS };
 * vcpuctx_exit_reason_name reads the same list.
 */
/* clang-format off */
#define VMX_EXIT_REASONS \
    { EXIT_REASON_EXCEPTION_NMI, "EXCEPTION_NMI" }, \
    { EXIT_REASON_EXTERNAL_INTERRUPT, "EXTERNAL_INTERRUPT" }, \
    { EXIT_REASON_TRIPLE_FAULT, "TRIPLE_FAULT" }, \
    { EXIT_REASON_INIT, "INIT" }, \
    { EXIT_REASON_SIPI, "SIPI" }, \
    { EXIT_REASON_IO_SMI, "IO_SMI" }, \
    { EXIT_REASON_OTHER_SMI, "OTHER_SMI" }, \
    { EXIT_REASON_PENDING_INTERRUPT, "PENDING_INTERRUPT" }, \
    { EXIT_REASON_NMI_WINDOW, "NMI_WINDOW" }, \
    { EXIT_REASON_TASK_SWITCH, "TASK_SWITCH" }, \
    { EXIT_REASON_CPUID, "CPUID" }, \
    { EXIT_REASON_GETSEC, "GETSEC" }, \
    { EXIT_REASON_HLT, "HLT" }, \
    { EXIT_REASON_INVD, "INVD" }, \
    { EXIT_REASON_INVLPG, "INVLPG" }, \
    { EXIT_REASON_RDPMC, "RDPMC" }, \
    { EXIT_REASON_RDTSC, "RDTSC" }, \
    { EXIT_REASON_RSM, "RSM" }, \
    { EXIT_REASON_VMCALL, "VMCALL" }, \
    { EXIT_REASON_VMCLEAR, "VMCLEAR" }, \
    { EXIT_REASON_VMLAUNCH, "VMLAUNCH" }, \
    { EXIT_REASON_VMPTRLD, "VMPTRLD" }, \
    { EXIT_REASON_VMPTRST, "VMPTRST" }, \
    { EXIT_REASON_VMREAD, "VMREAD" }, \
    { EXIT_REASON_VMRESUME, "VMRESUME" }, \
    { EXIT_REASON_VMWRITE, "VMWRITE" }, \
    { EXIT_REASON_VMXOFF, "VMOFF" }, \
    { EXIT_REASON_VMXON, "VMON" }, \
    { EXIT_REASON_CR_ACCESS, "CR_ACCESS" }, \
    { EXIT_REASON_DR_ACCESS, "DR_ACCESS" }, \
    { EXIT_REASON_IO_INSTRUCTION, "IO_INSTRUCTION" }, \
    { EXIT_REASON_MSR_READ, "MSR_READ" }, \
    { EXIT_REASON_MSR_WRITE, "MSR_WRITE" }, \
    { EXIT_REASON_INVALID_GUEST_STATE, "INVALID_GUEST_STATE" }, \
    { EXIT_REASON_MSR_LOADING, "MSR_LOADING" }, \
    { EXIT_REASON_MWAIT_INSTRUCTION, "MWAIT_INSTRUCTION" }, \
    { EXIT_REASON_MONITOR_TRAP_FLAG, "MONITOR_TRAP_FLAG" }, \
    { EXIT_REASON_MONITOR_INSTRUCTION, "MONITOR_INSTRUCTION" }, \
    { EXIT_REASON_PAUSE_INSTRUCTION, "PAUSE_INSTRUCTION" }, \
    { EXIT_REASON_MCE_DURING_VMENTRY, "MCE_DURING_VMENTRY" }, \
    { EXIT_REASON_TPR_BELOW_THRESHOLD, "TPR_BELOW_THRESHOLD" }, \
    { EXIT_REASON_APIC_ACCESS, "APIC_ACCESS" }, \
    { EXIT_REASON_GDTR_IDTR, "GDTR_IDTR" }, \
    { EXIT_REASON_LDTR_TR, "LDTR_TR" }, \
    { EXIT_REASON_EPT_VIOLATION, "EPT_VIOLATION" }, \
    { EXIT_REASON_EPT_MISCONFIG, "EPT_MISCONFIG" }, \
    { EXIT_REASON_INVEPT, "INVEPT" }, \
    { EXIT_REASON_RDTSCP, "RDTSCP" }, \
    { EXIT_REASON_PREEMPTION_TIMER, "PREEMPTION_TIMER" }, \
    { EXIT_REASON_INVVPID, "INVVPID" }, \
    { EXIT_REASON_WBINVD, "WBINVD" }, \
    { EXIT_REASON_XSETBV, "XSETBV" }
/* clang-format on */

/* Number of slots in libsel4vm's exit-handler table (reasons 0..58). */
#define VM_EXIT_REASON_NUM 59

/* Bit 31 of the exit reason: the exit is a VM-entry failure. */
#define VMX_EXIT_REASONS_FAILED_VMENTRY 0x80000000U

/*
 * libvcpuctx's own value for an exit VT-x has no reason for: KVM could not
 * emulate an instruction or hit an internal error (KVM_EXIT_INTERNAL_ERROR and
 * any exit KVM adds later). VMX_DATA_EXIT_QUALIFICATION holds KVM's
 * suberror (or its exit reason for an unknown exit). Outside 0..58 on purpose.
 */
#define VCPUCTX_EXIT_REASON_INTERNAL_ERROR 0xFFFF

#endif /* SEL4VM_ARCH_VMEXIT_REASONS_H */
