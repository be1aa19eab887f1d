/* sel4/sel4.h: the seL4 types libvcpuctx's API uses (seL4_Word, seL4_VCPUContext), for Linux. */
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

/* The guest general-purpose registers that are not VMCS fields (seL4 x86). */
typedef struct seL4_VCPUContext_ {
    seL4_Word eax, ebx, ecx, edx, esi, edi, ebp;
#ifdef CONFIG_X86_64_VTX_64BIT_GUESTS
    seL4_Word r8, r9, r10, r11, r12, r13, r14, r15;
#endif
} seL4_VCPUContext;

#endif /* SEL4_SEL4_H */
