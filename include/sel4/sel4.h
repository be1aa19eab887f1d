/* sel4/sel4.h: the seL4 types libvcpuctx's API uses (seL4_Word, seL4_VCPUContext), for Linux. */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <stdint.h>

/*
 * ABI selection. The default is the x86_64 seL4 ABI with 64-bit guests enabled
 * (CONFIG_X86_64_VTX_64BIT_GUESTS): seL4_Word is 64 bits and the vCPU context
 * has R8-R15. Define VCPUCTX_ABI_IA32 (pkg-config --cflags of an ia32 build
 * does) for the ia32 ABI: seL4_Word is 32 bits and the context has 7 words.
 * A program must be built with the same ABI as the library it links.
 */
#ifdef VCPUCTX_ABI_IA32
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
