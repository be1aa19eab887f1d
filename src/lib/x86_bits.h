/* x86_bits.h: the architectural bits vcpuctx names (Intel SDM vol. 3), one place for the library and the VMM. */
#ifndef VCPUCTX_X86_BITS_H
#define VCPUCTX_X86_BITS_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* RFLAGS (SDM 2.3). */
#define RFLAGS_CF    (1ULL << 0)
#define RFLAGS_FIXED (1ULL << 1) /* reads as 1 */
#define RFLAGS_TF    (1ULL << 8)
#define RFLAGS_IF    (1ULL << 9)
#define RFLAGS_DF    (1ULL << 10)

/* CR0 and CR4 (SDM 2.5). */
#define CR0_PE   (1ULL << 0)
#define CR0_ET   (1ULL << 4)
#define CR0_PG   (1ULL << 31)
#define CR4_PSE  (1ULL << 4)
#define CR4_PAE  (1ULL << 5)
#define CR4_LA57 (1ULL << 12)

/* IA32_EFER (SDM 2.2.1). */
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* DR6 and DR7 (SDM 18.2). */
#define DR6_B0_B3        0xfULL       /* breakpoint conditions met */
#define DR6_BD           (1ULL << 13) /* debug-register access detected */
#define DR6_BS           (1ULL << 14) /* single step */
#define DR6_EXIT_QUAL    0x600f       /* what a VT-x exit qualification reports of DR6: B0-B3, BD, BS */
#define DR7_L(i)         (1ULL << (2 * (i)))
#define DR7_LE_GE        0x300ULL /* exact data breakpoints, as debuggers set them */
#define DR7_RW_SHIFT(i)  (16 + 4 * (i))
#define DR7_LEN_SHIFT(i) (18 + 4 * (i))

/* VMX segment access rights (SDM 24.4.1, table 24-2). */
#define AR_TYPE_MASK 0xfu
#define AR_S         (1u << 4)
#define AR_DPL_SHIFT 5
#define AR_P         (1u << 7)
#define AR_AVL       (1u << 12)
#define AR_L         (1u << 13) /* 64-bit code segment */
#define AR_DB        (1u << 14)
#define AR_G         (1u << 15)
#define AR_UNUSABLE  (1u << 16)

/* Page-table entries (SDM 4.3-4.5). */
#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

/* Vectors (SDM 6.3). */
#define VEC_DB 1
#define VEC_BP 3

#endif
