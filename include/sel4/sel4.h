/* sel4/sel4.h: the seL4 types libvcpuctx's API and Microkit protection domains use (seL4_Word, seL4_VCPUContext,
   seL4_MessageInfo_t, the IPC buffer's message registers), for Linux. */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <stdint.h>

/*
 * ABI selection, the seL4 way or vcpuctx's. seL4 code is compiled with its
 * kernel configuration: CONFIG_ARCH_IA32, or CONFIG_ARCH_X86_64 with
 * CONFIG_X86_64_VTX_64BIT_GUESTS. vcpuctx's own switch is VCPUCTX_ABI_IA32
 * (pkg-config --cflags of an ia32 build gives it). With neither, the x86_64
 * ABI with 64-bit guests: seL4_Word is 64 bits and the vCPU context has
 * R8-R15. The ia32 ABI: seL4_Word is 32 bits, the context 7 words.
 * A program must be built with the ABI of the library it links; the
 * combinations no vcpuctx build has stop here, with the reason.
 */
#if defined(CONFIG_ARCH_IA32) && defined(CONFIG_ARCH_X86_64)
#error "sel4/sel4.h: CONFIG_ARCH_IA32 and CONFIG_ARCH_X86_64 are both defined"
#endif
#if defined(CONFIG_ARCH_IA32) && !defined(VCPUCTX_ABI_IA32)
#define VCPUCTX_ABI_IA32 1
#endif
#if defined(CONFIG_ARCH_X86_64) && defined(VCPUCTX_ABI_IA32)
#error "sel4/sel4.h: CONFIG_ARCH_X86_64 with VCPUCTX_ABI_IA32: the ia32 ABI is CONFIG_ARCH_IA32"
#endif
#if defined(CONFIG_ARCH_X86_64) && !defined(CONFIG_X86_64_VTX_64BIT_GUESTS)
#error "sel4/sel4.h: vcpuctx's x86_64 library has 64-bit guests: define CONFIG_X86_64_VTX_64BIT_GUESTS too"
#endif

#ifdef VCPUCTX_ABI_IA32
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
#error "sel4/sel4.h: CONFIG_X86_64_VTX_64BIT_GUESTS needs the x86_64 ABI, not ia32"
#endif
typedef uint32_t seL4_Word;
#else
typedef uint64_t seL4_Word;
#ifndef CONFIG_X86_64_VTX_64BIT_GUESTS
#define CONFIG_X86_64_VTX_64BIT_GUESTS 1
#endif
#endif

#include <sel4/config.h>

/* libsel4's fixed-width and basic types. */
typedef uint8_t seL4_Uint8;
typedef uint16_t seL4_Uint16;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;
typedef int8_t seL4_Int8;
typedef int16_t seL4_Int16;
typedef int32_t seL4_Int32;
typedef int64_t seL4_Int64;
typedef seL4_Int8 seL4_Bool;
typedef seL4_Word seL4_CPtr;
#define seL4_True         1
#define seL4_False        0
#define seL4_CapNull      0
#define seL4_WordBits     (sizeof(seL4_Word) * 8)
#define seL4_PageBits     12
#define seL4_MsgMaxLength 120

/* seL4's error codes (libsel4's seL4_Error). */
typedef enum {
    seL4_NoError = 0,
    seL4_InvalidArgument,
    seL4_InvalidCapability,
    seL4_IllegalOperation,
    seL4_RangeError,
    seL4_AlignmentError,
    seL4_FailedLookup,
    seL4_TruncatedMessage,
    seL4_DeleteFirst,
    seL4_RevokeFirst,
    seL4_NotEnoughMemory,
    seL4_NumErrors
} seL4_Error;

/* A message's tag, one word as libsel4 packs it: label from bit 12 up, capsUnwrapped 11:9, extraCaps 8:7,
   length 6:0. */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped, seL4_Word extraCaps,
                                                      seL4_Word length)
{
    seL4_MessageInfo_t m = {{(label << 12) | ((capsUnwrapped & 7) << 9) | ((extraCaps & 3) << 7) | (length & 0x7f)}};
    return m;
}
static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t m)
{
    return m.words[0] >> 12;
}
static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 9) & 7;
}
static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 7) & 3;
}
static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t m)
{
    return m.words[0] & 0x7f;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Word label)
{
    m.words[0] = (m.words[0] & 0xfff) | (label << 12);
    return m;
}
static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Word length)
{
    m.words[0] = (m.words[0] & ~(seL4_Word)0x7f) | (length & 0x7f);
    return m;
}

/* The IPC buffer, with its message registers. A Microkit protection domain on vcpuctx has one, which the
   runtime (libvcpuctx-microkit) points __sel4_ipc_buffer at before init(). */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[3];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer;

extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}
static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}
static inline void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}

/* A thread's registers as seL4_TCB_ReadRegisters gives them (x86). */
typedef struct seL4_UserContext_ {
#ifdef VCPUCTX_ABI_IA32
    seL4_Word eip, esp, eflags, eax, ebx, ecx, edx, esi, edi, ebp, fs_base, gs_base;
#else
    seL4_Word rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, fs_base,
        gs_base;
#endif
} seL4_UserContext;

/* seL4's debug console (CONFIG_PRINTING): a Microkit PD's runtime writes it to standard error. */
void seL4_DebugPutChar(char c);

/* The guest general-purpose registers that are not VMCS fields (seL4 x86). */
typedef struct seL4_VCPUContext_ {
    seL4_Word eax, ebx, ecx, edx, esi, edi, ebp;
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    seL4_Word r8, r9, r10, r11, r12, r13, r14, r15;
#endif
} seL4_VCPUContext;

#endif /* SEL4_SEL4_H */
