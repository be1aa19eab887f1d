/* test_microkit.c: the Microkit runtime's parts that need no KVM: seL4's VMEnter message layout and message tag,
   seL4's VMCS field lists, a PD's notification word and endpoint, and IRQ masking until acknowledgement. */
#ifndef VCPUCTX_ABI_IA32
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <microkit.h>
#include <sel4vm/arch/vmcs_fields.h>

#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <vcpuctx_microkit.h>

#include "microkit/dma.h"
#include "microkit/kernel.h"
#include "microkit/ports.h"
#include "microkit/vmcs_policy.h"

/* seL4's libsel4/arch_include/x86/sel4/arch/vmenter.h, in its order: the exit is 25 words. */
Test(microkit, the_vmenter_message_registers_are_sel4s)
{
    cr_assert_eq(SEL4_VMENTER_CALL_EIP_MR, 0);
    cr_assert_eq(SEL4_VMENTER_CALL_CONTROL_PPC_MR, 1);
    cr_assert_eq(SEL4_VMENTER_CALL_INTERRUPT_INFO_MR, 2);
    cr_assert_eq(SEL4_VMENTER_FAULT_REASON_MR, 3);
    cr_assert_eq(SEL4_VMENTER_FAULT_QUALIFICATION_MR, 4);
    cr_assert_eq(SEL4_VMENTER_FAULT_INSTRUCTION_LEN_MR, 5);
    cr_assert_eq(SEL4_VMENTER_FAULT_GUEST_PHYSICAL_MR, 6);
    cr_assert_eq(SEL4_VMENTER_FAULT_RFLAGS_MR, 7);
    cr_assert_eq(SEL4_VMENTER_FAULT_GUEST_INT_MR, 8);
    cr_assert_eq(SEL4_VMENTER_FAULT_CR3_MR, 9);
    cr_assert_eq(SEL4_VMENTER_FAULT_EAX, 10);
    cr_assert_eq(SEL4_VMENTER_FAULT_EBP, 16);
    cr_assert_eq(SEL4_VMENTER_FAULT_R8, 17);
    cr_assert_eq(SEL4_VMENTER_FAULT_R15, 24);
    cr_assert_eq(SEL4_VMENTER_NUM_FAULT_MSGS, 25);
    cr_assert_eq(SEL4_VMENTER_RESULT_FAULT, 1);
    cr_assert_eq(SEL4_VMENTER_RESULT_NOTIF_LEN, 3);
    /* The runtime copies seL4_VCPUContext over MRs 10..24: its fields must run in the MRs' order. */
    cr_assert_eq(offsetof(seL4_VCPUContext, ebp) / sizeof(seL4_Word), SEL4_VMENTER_FAULT_EBP - SEL4_VMENTER_FAULT_EAX);
    cr_assert_eq(offsetof(seL4_VCPUContext, r8) / sizeof(seL4_Word), SEL4_VMENTER_FAULT_R8 - SEL4_VMENTER_FAULT_EAX);
    cr_assert_eq(sizeof(seL4_VCPUContext) / sizeof(seL4_Word), SEL4_VMENTER_NUM_FAULT_MSGS - SEL4_VMENTER_FAULT_EAX);
}

Test(microkit, message_tags_pack_as_libsel4s)
{
    seL4_MessageInfo_t m = seL4_MessageInfo_new(0x123, 1, 2, 5);
    cr_assert_eq(m.words[0], (0x123ULL << 12) | (1 << 9) | (2 << 7) | 5);
    cr_assert_eq(seL4_MessageInfo_get_label(m), 0x123);
    cr_assert_eq(seL4_MessageInfo_get_capsUnwrapped(m), 1);
    cr_assert_eq(seL4_MessageInfo_get_extraCaps(m), 2);
    cr_assert_eq(seL4_MessageInfo_get_length(m), 5);
    cr_assert_eq(microkit_msginfo_get_count(microkit_msginfo_new(7, 120)), 120);
    cr_assert_eq(seL4_MessageInfo_get_length(seL4_MessageInfo_set_length(m, 9)), 9);
    cr_assert_eq(seL4_MessageInfo_get_label(seL4_MessageInfo_set_label(m, 4)), 4);
}

/* seL4's decodeWriteVMCS accepts 71 fields, decodeReadVMCS 83 (src/arch/x86/object/vcpu.c). */
Test(microkit, vmcs_access_follows_sel4s_lists)
{
    int readable = 0, writable = 0;
    for (uint32_t f = 0; f < 0x8000; f++) {
        readable += mk_vmcs_readable(f);
        writable += mk_vmcs_writable(f);
    }
    cr_assert_eq(writable, 71);
    cr_assert_eq(readable, 83);
    cr_assert(mk_vmcs_writable(VMX_GUEST_RIP) && mk_vmcs_readable(VMX_GUEST_RIP));
    cr_assert(!mk_vmcs_writable(0x6c16) && !mk_vmcs_readable(0x6c16), "host RIP is seL4's");
    cr_assert(!mk_vmcs_readable(VMX_DATA_EXIT_REASON), "the reason comes in the VMEnter message");
    cr_assert(mk_vmcs_readable(VMX_DATA_GUEST_PHYSICAL) && !mk_vmcs_writable(VMX_DATA_GUEST_PHYSICAL));
    cr_assert(mk_vmcs_writable(VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE) &&
              !mk_vmcs_readable(VMX_CONTROL_ENTRY_EXCEPTION_ERROR_CODE));
}

/* Two PDs in one process: 0 ("a", id 3) and 1 ("b", id 5) on one channel; a calls b. */
static struct mk_system *two_pds(void)
{
    struct mk_system *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->npds = 2;
    s->pds[0].ends[3] = (struct mk_end){true, true, true, 1, 5};
    s->pds[1].ends[5] = (struct mk_end){true, true, false, 0, 3};
    for (int i = 0; i < 2; i++) {
        pthread_mutex_init(&s->kernel[i].call, NULL);
        s->kernel[i].efd = eventfd(0, 0);
        cr_assert_geq(s->kernel[i].efd, 0);
    }
    return s;
}

Test(microkit, a_signal_sets_the_receivers_bit_and_wakes_it)
{
    struct mk_system *s = two_pds();
    cr_assert_eq(mk_kernel_signal(s, 0, 3), 0);
    cr_assert(mk_kernel_pending(s, 1));
    struct mk_event e = mk_kernel_wait(s, 1, 1);
    cr_assert_eq(e.badge, 1ULL << 5, "badge 0x%llx", (unsigned long long)e.badge);
    cr_assert_eq(e.call_id, -1);
    cr_assert_eq(mk_kernel_wait(s, 1, 0).badge, 0, "taken once");
    cr_assert_eq(mk_kernel_signal(s, 0, 4), -1, "no channel 4");
    cr_assert_eq(mk_kernel_signal(s, 0, 99), -1, "out of range");
    free(s);
}

static void *caller(void *arg)
{
    struct mk_system *s = arg;
    uint64_t tag = seL4_MessageInfo_new(7, 0, 0, 2).words[0], mrs[MK_MRS] = {40, 2};
    if (mk_kernel_call(s, 0, 3, &tag, mrs) < 0)
        return NULL;
    return (void *)(uintptr_t)(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{tag}}) == 1 && mrs[0] == 42);
}

Test(microkit, a_call_carries_its_registers_and_its_answer)
{
    struct mk_system *s = two_pds();
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, caller, s), 0);
    struct mk_event e = mk_kernel_wait(s, 1, 1);
    cr_assert_eq(e.call_id, 5, "the call arrives on the callee's own id");
    uint64_t tag, mrs[MK_MRS];
    mk_kernel_take(s, 1, &tag, mrs);
    cr_assert_eq(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{tag}}), 7);
    mrs[0] += mrs[1];
    mk_kernel_answer(s, 1, seL4_MessageInfo_new(1, 0, 0, 1).words[0], mrs);
    void *ok;
    pthread_join(t, &ok);
    cr_assert(ok, "the caller got label 1 and 42");
    uint64_t none[MK_MRS] = {0};
    cr_assert_eq(mk_kernel_call(s, 1, 5, &tag, none), -1, "b's end may not call");
    free(s);
}

/* The UART's interrupt on pin 4 reaches IRQ id 2; while masked a second rise waits for the acknowledgement. */
Test(microkit, an_irq_is_masked_from_delivery_to_acknowledgement)
{
    struct mk_system *s = two_pds();
    s->pds[0].irqs[2] = (struct mk_irq){.used = true, .pin = 4};
    s->pds[0].ioports[0] = (struct mk_ioport){true, 0x3f8, 8};
    struct mk_ports p;
    mk_ports_init(&p, s, 0, -1);
    cr_assert(mk_ports_allowed(&p, 0, 0x3ff, 1) && !mk_ports_allowed(&p, 0, 0x3ff, 2) &&
              !mk_ports_allowed(&p, 1, 0x3f8, 1));
    mk_ports_ack(&p, 2);              /* the runtime acknowledges every IRQ as its loop starts, as libmicrokit */
    mk_ports_out(&p, 0x3fc, 1, 0x08); /* OUT2 */
    mk_ports_out(&p, 0x3f9, 1, 0x02); /* transmitter-empty interrupt: rises */
    cr_assert_eq(mk_kernel_wait(s, 0, 0).badge, 1ULL << 2);
    mk_ports_in(&p, 0x3fa, 1);       /* IIR: the line falls */
    mk_ports_out(&p, 0x3f8, 1, 'x'); /* and rises again */
    cr_assert_eq(mk_kernel_wait(s, 0, 0).badge, 0, "masked until acknowledged");
    mk_ports_ack(&p, 2);
    cr_assert_eq(mk_kernel_wait(s, 0, 0).badge, 1ULL << 2, "delivered at the acknowledgement");
    cr_assert_eq(mk_ports_in(&p, 0x3f0, 2), 0xffff, "no device: all ones");
    free(s);
}
/* seL4's fixed bits of CR0 and CR4, for a CPUID with XSAVE and SMEP and without SMAP. */
Test(microkit, cr0_and_cr4_get_the_fixed_bits_a_vtx_cpu_reports)
{
    const uint32_t leaf1[4] = {0, 0, 1u << 26, 0}, leaf7[4] = {0, 1u << 7, 0, 0};
    struct mk_cr_fixed f = mk_cr_fixed_of(leaf1, leaf7);
    cr_assert_eq(mk_cr_apply(0x80000011, f.cr0_must, f.cr0_may), 0x80000031, "CR0.NE is set");
    cr_assert_eq(mk_cr_apply(0x100000011ULL, f.cr0_must, f.cr0_may), 0x31, "32 bits, as seL4's applyFixedBits");
    uint32_t osxsave = 1u << 18, smep = 1u << 20, smap = 1u << 21, pae = 1u << 5;
    cr_assert_eq(mk_cr_apply(pae | osxsave | smep | smap, f.cr4_must, f.cr4_may), pae | osxsave | smep | MK_CR4_VMXE,
                 "VMXE set, SMAP cleared");
    const uint32_t none[4] = {0};
    f = mk_cr_fixed_of(none, none);
    cr_assert_eq(mk_cr_apply(pae | osxsave, f.cr4_must, f.cr4_may), pae | MK_CR4_VMXE, "no XSAVE: no OSXSAVE");
}

/* A device's DMA reaches a region by its physical address, through the region's memory file. */
Test(microkit, dma_finds_a_region_by_its_physical_address)
{
    struct mk_system *s = two_pds();
    s->nmrs = 2;
    for (int i = 0; i < 2; i++) {
        s->mrs[i] = (struct mk_mr){.size = 0x2000, .phys_addr = 0x100000000ULL + 0x10000ULL * (uint64_t)i};
        s->mrs[i].fd = memfd_create("dma", 0);
        cr_assert(s->mrs[i].fd >= 0 && ftruncate(s->mrs[i].fd, 0x2000) == 0);
    }
    struct mk_dma d = {0};
    char *a = mk_dma_find(&d, s, 0x100010ff0ULL, 0x10), *b = mk_dma_find(&d, s, 0x100011000ULL, 0x1000);
    cr_assert(a && b && b - a == 0x10, "one mapping of the second region serves both");
    strcpy(b, "through DMA");
    char *view = mmap(NULL, 0x2000, PROT_READ, MAP_SHARED, s->mrs[1].fd, 0);
    cr_assert_str_eq(view + 0x1000, "through DMA", "the region's memory itself");
    errno = 0;
    cr_assert_null(mk_dma_find(&d, s, 0x100001800ULL, 0x1000), "past the first region's end");
    cr_assert_eq(errno, EFAULT);
    cr_assert_null(mk_dma_find(&d, s, 0xfffff000ULL, 0x1000), "below every region");
    munmap(view, 0x2000);
    free(s);
}

/* The network device's line (the tap, here a pipe): raised while a frame waits, and not again until the IRQ is
   acknowledged. */
Test(microkit, the_tap_raises_its_pin_once_per_acknowledgement)
{
    static struct mk_system *s; /* the watching thread keeps it to the test's end */
    static struct mk_ports p;
    s = two_pds();
    int tap[2];
    cr_assert(pipe(tap) == 0);
    s->board = (struct mk_board_files){.disk_fd = -1, .tap_fd = tap[0]};
    s->pds[0].irqs[5] = (struct mk_irq){.used = true, .pin = VCPUCTX_MK_NET_PIN};
    mk_ports_init(&p, s, 0, -1);
    cr_assert(mk_ports_start(&p, -1) == 0);
    mk_ports_ack(&p, 5);
    cr_assert(write(tap[1], "frame", 5) == 5);
    cr_assert_eq(mk_kernel_wait(s, 0, 1).badge, 1ULL << 5);
    usleep(50000);
    cr_assert_eq(mk_kernel_wait(s, 0, 0).badge, 0, "not again before the acknowledgement");
    mk_ports_ack(&p, 5);
    cr_assert_eq(mk_kernel_wait(s, 0, 1).badge, 1ULL << 5, "the frame still waits: again after it");
    char buf[8];
    cr_assert(read(tap[0], buf, sizeof(buf)) == 5);
    mk_ports_ack(&p, 5);
    usleep(50000);
    cr_assert_eq(mk_kernel_wait(s, 0, 0).badge, 0, "nothing waits: the line stays low");
}
#endif /* VCPUCTX_ABI_IA32 */
