/* abi.c: the ABI a program gets from its configuration macros: seL4_Word's and seL4_VCPUContext's sizes. */
#include <stdio.h>

#include <sel4vm/arch/guest_x86_context.h>

int main(void)
{
    printf("word %zu context %zu\n", sizeof(seL4_Word), sizeof(seL4_VCPUContext));
    return 0;
}
