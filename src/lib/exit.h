/* exit.h: exit.c, what an exit means and how it completes: the VT-x view of the KVM exit in run (the reason at
   once, the rest on demand), completing the instruction in KVM, settling the handler's RIP against KVM's. */
#ifndef VCPUCTX_EXIT_H
#define VCPUCTX_EXIT_H

#include "common.h"

#pragma GCC visibility push(hidden)

/* How KVM left RIP at an exit, relative to the exiting instruction; RIP_PROBE: the bytes cannot tell, KVM must be
   asked (exit_site.c's answer to exit.c). */
enum rip_pos { RIP_AT = 0, RIP_PAST, RIP_PROBE };

/* The VT-x view of the last exit (the read-only VMCS exit fields). */
struct exit_view {
    uint32_t reason;
    uint64_t qualification;
    uint32_t instr_len;
    uint64_t gpa;
    uint64_t gla;
    uint32_t intr_info, intr_error;
    uint32_t idt_info, idt_error;
    uint32_t instr_info, instr_error;
    uint64_t io_rcx, io_rsi, io_rdi, io_rip;
};

/* What KVM holds pending for the exit, and how to complete it. */
struct pending {
    bool active;          /* an exit is being handled */
    bool completion;      /* KVM may finish the instruction at the next KVM_RUN */
    bool read;            /* IN / MMIO read / RDMSR: data flows into the guest */
    bool gpr_set;         /* the handler wrote a register other than RIP */
    bool view_ready;      /* the VT-x view (decode, RIP at the instruction) has been computed */
    bool complete_marked; /* the port registry completed the instruction without the view */
    uint64_t kvm_rip;     /* RIP as KVM holds it */
    uint64_t rip_view;    /* RIP presented: the exiting instruction */
};

void exit_translate(struct vm_vcpu *vcpu, int run_errno);
int exit_view_ensure(struct vm_vcpu *vcpu);
/* Let KVM finish what it holds pending for the exit (KVM_RUN with immediate_exit), keeping the regs cache. */
int exit_complete_in_kvm(struct vm_vcpu *vcpu);
/* Complete the exit the seL4 way: RIP past the exiting instruction (its decoded length). 0, or -1 with errno
   (nothing written). */
int exit_advance(struct vm_vcpu *vcpu);
/* Settle the exit before entry: complete it or resume at the handler's RIP. explicit: leave nothing in KVM. */
int exit_reconcile(struct vm_vcpu *vcpu, bool explicit);

#pragma GCC visibility pop

#endif /* VCPUCTX_EXIT_H */
