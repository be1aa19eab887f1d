/* own_names.c: a program with functions named like libvcpuctx's internals links against the sealed archive. */
#include <stdio.h>

#include <vcpuctx.h>

/* The library's own internal names (kvm.c, state.c, decode.c): here they are the program's. */
int kvm_vcpu_run(void);
int state_regs(void);
int insn_decode(void);

int kvm_vcpu_run(void)
{
    return 1;
}

int state_regs(void)
{
    return 2;
}

int insn_decode(void)
{
    return 3;
}

int main(void)
{
    const struct vcpuctx_field_info *f = vcpuctx_field_at(0);
    if (!f || kvm_vcpu_run() + state_regs() + insn_decode() != 6)
        return 1;
    printf("own names and %s\n", f->name);
    return 0;
}
