/* sel4/config.h: the seL4 kernel configuration code built for seL4 reads (upstream: the SDK's kernel/gen_config.h).
   vcpuctx's is that of Microkit's x86_64_generic_vtx board in its debug configuration (VT-x, 64-bit guests,
   printing, seL4's default XSAVE set of x87 and SSE), or the ia32 equivalent in an ia32 build. Each value can be
   set on the compiler's command line instead. */
#ifndef SEL4_CONFIG_H
#define SEL4_CONFIG_H

#ifndef CONFIG_ARCH_X86
#define CONFIG_ARCH_X86 1
#endif
#ifdef VCPUCTX_ABI_IA32
#ifndef CONFIG_ARCH_IA32
#define CONFIG_ARCH_IA32 1
#endif
#define CONFIG_WORD_SIZE 32
#else
#ifndef CONFIG_ARCH_X86_64
#define CONFIG_ARCH_X86_64 1
#endif
#ifndef CONFIG_X86_64_VTX_64BIT_GUESTS
#define CONFIG_X86_64_VTX_64BIT_GUESTS 1
#endif
#define CONFIG_WORD_SIZE 64
#endif
#ifndef CONFIG_VTX
#define CONFIG_VTX 1
#endif
#ifndef CONFIG_XSAVE_FEATURE_SET
#define CONFIG_XSAVE_FEATURE_SET 3
#endif
#if !defined(CONFIG_XSAVE_XSAVEOPT) && !defined(CONFIG_XSAVE_XSAVEC) && !defined(CONFIG_XSAVE_XSAVES) &&               \
    !defined(CONFIG_FXSAVE)
#define CONFIG_XSAVE_XSAVEOPT 1
#endif
#ifndef CONFIG_DEBUG_BUILD
#define CONFIG_DEBUG_BUILD 1
#endif
#ifndef CONFIG_PRINTING
#define CONFIG_PRINTING 1
#endif
#ifndef CONFIG_L1_CACHE_LINE_SIZE_BITS
#define CONFIG_L1_CACHE_LINE_SIZE_BITS 6
#endif

#endif /* SEL4_CONFIG_H */
