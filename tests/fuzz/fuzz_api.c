/* fuzz_api.c: random field, register, width and value sequences through the guest_x86_context API on KVM.
   Never a crash; every refusal is -1 with a documented errno and changes nothing; every accepted write reads back. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vcpuctx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vm_t *vm;
static vm_vcpu_t *vcpu;

static seL4_Word pick_field(uint8_t sel, uint32_t raw)
{
    size_t n = 0;
    while (vcpuctx_field_at(n))
        n++;
    if (sel < 200)
        return vcpuctx_field_at(sel % n)->encoding + ((sel & 0x80) ? 1 : 0); /* sometimes a high half */
    return raw;                                                              /* anything at all */
}

/* What a read after an accepted write must show. */
static bool reads_back(seL4_Word field, seL4_Word wrote, seL4_Word got)
{
    switch (field) {
    case VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS:
        return got == (wrote | VMX_PRIMARY_HLT_EXITING | VMX_PRIMARY_UNCOND_IO_EXITING);
    case VMX_GUEST_DEBUGCTRL:
    case VMX_GUEST_DEBUGCTRL + 1: /* KVM keeps what it supports */
    case VMX_GUEST_DR7:
    case VMX_GUEST_ACTIVITY:
    case VMX_GUEST_PAT:
    case VMX_GUEST_PAT + 1:
    case VMX_GUEST_SYSENTER_CS:
    case VMX_GUEST_SYSENTER_ESP:
    case VMX_GUEST_SYSENTER_EIP:
    case VMX_GUEST_EFER + 1: return true; /* MSR-backed: KVM may canonicalize; the read is KVM's own value */
    default: return got == wrote;
    }
}

static void op_field(seL4_Word field, seL4_Word value)
{
    seL4_Word before = 0, after = 0;
    int had = vm_get_vmcs_field(vcpu, field, &before);
    errno = 0;
    if (vm_set_vmcs_field(vcpu, field, value) == 0) {
        if (vm_get_vmcs_field(vcpu, field, &after) != 0 || !reads_back(field, value, after)) {
            fprintf(stderr, "field 0x%llx: wrote 0x%llx, reads 0x%llx\n", (unsigned long long)field,
                    (unsigned long long)value, (unsigned long long)after);
            abort();
        }
        return;
    }
    if (errno != EINVAL && errno != EPERM && errno != ERANGE && errno != EOPNOTSUPP)
        abort();
    if (had == 0 && (vm_get_vmcs_field(vcpu, field, &after) != 0 || after != before))
        abort(); /* a refusal changed the field */
}

static void op_reg(unsigned reg, seL4_Word value)
{
    seL4_Word got = 0x5a5a;
    if (vm_set_thread_context_reg(vcpu, (vcpu_context_reg_t)reg, value) == 0) {
        if (vm_get_thread_context_reg(vcpu, (vcpu_context_reg_t)reg, &got) != 0 || got != value)
            abort();
    } else if (errno != EINVAL || vm_get_thread_context_reg(vcpu, (vcpu_context_reg_t)reg, &got) != -1 ||
               got != 0x5a5a) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!vm) {
        vm = vcpuctx_vm_create(1u << 20);
        vcpu = vm ? vm_create_vcpu(vm, 0) : NULL;
        if (!vcpu)
            abort();
    }
    for (size_t i = 0; i + 10 <= size; i += 10) {
        uint64_t v;
        uint32_t raw;
        memcpy(&v, data + i + 2, 8);
        memcpy(&raw, data + i + 2, 4);
        switch (data[i] % 4) {
        case 0: op_field(pick_field(data[i + 1], raw), (seL4_Word)v); break;
        case 1: op_field(pick_field(data[i + 1], raw), (seL4_Word)(v & 0xffff)); break;
        case 2: op_reg(data[i + 1] % 20, (seL4_Word)v); break;
        default:
            /* State reaches KVM: refused state must come back as an entry failure, not a crash. */
            if (vcpuctx_vcpu_flush(vcpu) != 0 && errno != EINVAL)
                abort();
        }
    }
    return 0;
}
