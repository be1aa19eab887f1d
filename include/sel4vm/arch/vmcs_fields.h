/* sel4vm/arch/vmcs_fields.h: VMCS field encodings (Intel SDM vol. 3 app. B) under libsel4vm's names. */
#ifndef SEL4VM_ARCH_VMCS_FIELDS_H
#define SEL4VM_ARCH_VMCS_FIELDS_H

/*
 * The 81 encodings libsel4vm uses. Bits 14:13 of an encoding give the width
 * (0 16-bit, 1 64-bit, 2 32-bit, 3 natural), bits 11:10 the type (0 control,
 * 1 read-only data, 2 guest state). A 64-bit field's high 32 bits are read or
 * written with encoding + 1. What each field is backed by on KVM: docs/api.md.
 */

/* 16-bit guest state: segment selectors */
#define VMX_GUEST_ES_SELECTOR   0x00000800
#define VMX_GUEST_CS_SELECTOR   0x00000802
#define VMX_GUEST_SS_SELECTOR   0x00000804
#define VMX_GUEST_DS_SELECTOR   0x00000806
#define VMX_GUEST_FS_SELECTOR   0x00000808
#define VMX_GUEST_GS_SELECTOR   0x0000080A
#define VMX_GUEST_LDTR_SELECTOR 0x0000080C
#define VMX_GUEST_TR_SELECTOR   0x0000080E

/* 64-bit fields */
#define VMX_DATA_GUEST_PHYSICAL    0x00002400
#define VMX_GUEST_DEBUGCTRL        0x00002802
#define VMX_GUEST_PAT              0x00002804
#define VMX_GUEST_EFER             0x00002806
#define VMX_GUEST_PERF_GLOBAL_CTRL 0x00002808

/* 32-bit controls */
#define VMX_CONTROL_PIN_EXECUTION_CONTROLS       0x00004000
#define VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS   0x00004002
#define VMX_CONTROL_EXCEPTION_BITMAP             0x00004004
#define VMX_CONTROL_EXIT_CONTROLS                0x0000400C
#define VMX_CONTROL_ENTRY_INTERRUPTION_INFO      0x00004016
#define VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE   0x00004018
#define VMX_CONTROL_SECONDARY_PROCESSOR_CONTROLS 0x0000401E

/* 32-bit read-only exit information */
#define VMX_DATA_INSTRUCTION_ERROR       0x00004400
#define VMX_DATA_EXIT_REASON             0x00004402
#define VMX_DATA_EXIT_INTERRUPT_INFO     0x00004404
#define VMX_DATA_EXIT_INTERRUPT_ERROR    0x00004406
#define VMX_DATA_IDT_VECTOR_INFO         0x00004408
#define VMX_DATA_IDT_VECTOR_ERROR        0x0000440A
#define VMX_DATA_EXIT_INSTRUCTION_LENGTH 0x0000440C
#define VMX_DATA_EXIT_INSTRUCTION_INFO   0x0000440E

/* 32-bit guest state: segment and descriptor-table limits */
#define VMX_GUEST_ES_LIMIT   0x00004800
#define VMX_GUEST_CS_LIMIT   0x00004802
#define VMX_GUEST_SS_LIMIT   0x00004804
#define VMX_GUEST_DS_LIMIT   0x00004806
#define VMX_GUEST_FS_LIMIT   0x00004808
#define VMX_GUEST_GS_LIMIT   0x0000480A
#define VMX_GUEST_LDTR_LIMIT 0x0000480C
#define VMX_GUEST_TR_LIMIT   0x0000480E
#define VMX_GUEST_GDTR_LIMIT 0x00004810
#define VMX_GUEST_IDTR_LIMIT 0x00004812

/* 32-bit guest state: segment access rights */
#define VMX_GUEST_ES_ACCESS_RIGHTS   0x00004814
#define VMX_GUEST_CS_ACCESS_RIGHTS   0x00004816
#define VMX_GUEST_SS_ACCESS_RIGHTS   0x00004818
#define VMX_GUEST_DS_ACCESS_RIGHTS   0x0000481A
#define VMX_GUEST_FS_ACCESS_RIGHTS   0x0000481C
#define VMX_GUEST_GS_ACCESS_RIGHTS   0x0000481E
#define VMX_GUEST_LDTR_ACCESS_RIGHTS 0x00004820
#define VMX_GUEST_TR_ACCESS_RIGHTS   0x00004822

/* 32-bit guest state: other */
#define VMX_GUEST_INTERRUPTABILITY           0x00004824
#define VMX_GUEST_ACTIVITY                   0x00004826
#define VMX_GUEST_SMBASE                     0x00004828
#define VMX_GUEST_SYSENTER_CS                0x0000482A
#define VMX_GUEST_VMX_PREEMPTION_TIMER_VALUE 0x0000482E

/* natural-width controls */
#define VMX_CONTROL_CR0_MASK        0x00006000
#define VMX_CONTROL_CR4_MASK        0x00006002
#define VMX_CONTROL_CR0_READ_SHADOW 0x00006004
#define VMX_CONTROL_CR4_READ_SHADOW 0x00006006

/* natural-width read-only exit information */
#define VMX_DATA_EXIT_QUALIFICATION   0x00006400
#define VMX_DATA_IO_RCX               0x00006402
#define VMX_DATA_IO_RSI               0x00006404
#define VMX_DATA_IO_RDI               0x00006406
#define VMX_DATA_IO_RIP               0x00006408
#define VMX_DATA_GUEST_LINEAR_ADDRESS 0x0000640A

/* natural-width guest state */
#define VMX_GUEST_CR0                      0x00006800
#define VMX_GUEST_CR3                      0x00006802
#define VMX_GUEST_CR4                      0x00006804
#define VMX_GUEST_ES_BASE                  0x00006806
#define VMX_GUEST_CS_BASE                  0x00006808
#define VMX_GUEST_SS_BASE                  0x0000680A
#define VMX_GUEST_DS_BASE                  0x0000680C
#define VMX_GUEST_FS_BASE                  0x0000680E
#define VMX_GUEST_GS_BASE                  0x00006810
#define VMX_GUEST_LDTR_BASE                0x00006812
#define VMX_GUEST_TR_BASE                  0x00006814
#define VMX_GUEST_GDTR_BASE                0x00006816
#define VMX_GUEST_IDTR_BASE                0x00006818
#define VMX_GUEST_DR7                      0x0000681A
#define VMX_GUEST_RSP                      0x0000681C
#define VMX_GUEST_RIP                      0x0000681E
#define VMX_GUEST_RFLAGS                   0x00006820
#define VMX_GUEST_PENDING_DEBUG_EXCEPTIONS 0x00006822
#define VMX_GUEST_SYSENTER_ESP             0x00006824
#define VMX_GUEST_SYSENTER_EIP             0x00006826

/* Controls the seL4 kernel also accepts (not among libsel4vm's 81). */
#define VMX_CONTROL_ENTRY_CONTROLS           0x00004012
#define VMX_CONTROL_ENTRY_INSTRUCTION_LENGTH 0x0000401A
#define VMX_CONTROL_TPR_THRESHOLD            0x0000401C

/* Segment access rights (VMX_GUEST_*_ACCESS_RIGHTS). */
#define VMX_AR_TYPE_MASK 0x0000000FU /* bits 3:0 segment type */
#define VMX_AR_S         0x00000010U /* bit 4 descriptor type: 1 code/data */
#define VMX_AR_DPL_SHIFT 5           /* bits 6:5 privilege level */
#define VMX_AR_DPL_MASK  0x00000060U
#define VMX_AR_P         0x00000080U /* bit 7 present */
#define VMX_AR_AVL       0x00001000U /* bit 12 available to software */
#define VMX_AR_L         0x00002000U /* bit 13 64-bit code segment */
#define VMX_AR_DB        0x00004000U /* bit 14 default operation size */
#define VMX_AR_G         0x00008000U /* bit 15 granularity */
#define VMX_AR_UNUSABLE  0x00010000U /* bit 16 segment unusable */
#define VMX_AR_DEFINED   0x0001F0FFU /* every defined bit; the rest are reserved */

/* Entry and exit interruption information (0x4016, 0x4404, 0x4408). */
#define VMX_INTR_INFO_VECTOR_MASK       0x000000FFU
#define VMX_INTR_INFO_TYPE_SHIFT        8
#define VMX_INTR_INFO_TYPE_MASK         0x00000700U
#define VMX_INTR_TYPE_EXTERNAL          0
#define VMX_INTR_TYPE_NMI               2
#define VMX_INTR_TYPE_HW_EXCEPTION      3
#define VMX_INTR_TYPE_SW_INTERRUPT      4
#define VMX_INTR_TYPE_PRIV_SW_EXCEPTION 5
#define VMX_INTR_TYPE_SW_EXCEPTION      6
#define VMX_INTR_INFO_ERROR_CODE_VALID  0x00000800U
#define VMX_INTR_INFO_VALID             0x80000000U

/*
 * libsel4vm's own spellings (its vmcs_fields.h), for code written against it.
 * BIT() is seL4 libutils' macro. The CR3 load/store exiting bits are stored
 * only: KVM handles CR3 itself, and no exit 28 comes for CR3.
 */
/* Spelt exactly as libutils spells it, so that its definition is no redefinition. */
/* clang-format off */
#ifndef BIT
#define BIT(n) (1ul<<(n))
#endif
/* clang-format on */
#define VMX_CONTROL_PPC_HLT_EXITING       BIT(7)
#define VMX_CONTROL_PPC_CR3_LOAD_EXITING  BIT(15)
#define VMX_CONTROL_PPC_CR3_STORE_EXITING BIT(16)

#define AR(x)                          (ACCESS_RIGHTS_##x)
#define AR_T(x)                        (ACCESS_RIGHTS_TYPE_##x)
#define ACCESS_RIGHTS_S                BIT(4)
#define ACCESS_RIGHTS_P                BIT(7)
#define ACCESS_RIGHTS_AVL              BIT(12)
#define ACCESS_RIGHTS_L                BIT(13)
#define ACCESS_RIGHTS_DB               BIT(14)
#define ACCESS_RIGHTS_G                BIT(15)
#define ACCESS_RIGHTS_UNUSABLE         BIT(16)
#define ACCESS_RIGHTS_TYPE_BUSY_TSS    0xB
#define ACCESS_RIGHTS_TYPE_BUSY_16_TSS 0x3
#define ACCESS_RIGHTS_TYPE_LDT         0x2
#define DEFAULT_TR_ACCESS_RIGHTS       (AR(P) | AR_T(BUSY_TSS))
#define DEFAULT_ACCESS_RIGHTS          (AR(G) | AR(L) | AR(P) | AR(S) | AR_T(BUSY_16_TSS))

/* Primary processor-based controls (0x4002) that libvcpuctx wires to KVM. */
#define VMX_PRIMARY_INTERRUPT_WINDOW_EXITING 0x00000004U
#define VMX_PRIMARY_HLT_EXITING              0x00000080U
#define VMX_PRIMARY_UNCOND_IO_EXITING        0x01000000U
#define VMX_PRIMARY_MONITOR_TRAP_FLAG        0x08000000U

#endif /* SEL4VM_ARCH_VMCS_FIELDS_H */
