/* vmx_timer.h: vmx_timer.c, VT-x's preemption timer for a PD's VM, which KVM does not give a VMM: armed as a
   host timer at each VMEnter when the pin-based control asks for it, its expiry a signal that ends the run. */
#ifndef VCPUCTX_MK_VMX_TIMER_H
#define VCPUCTX_MK_VMX_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* IA32_VMX_MISC as the runtime reports it: the timer counts at the TSC's rate (bits 4:0 = 0), EFER.LMA is
   stored on exit (bit 5), and the HLT, shutdown and wait-for-SIPI activity states exist (bits 8:6). */
#define MK_VMX_MISC        0x1e0u
#define MK_VMX_TIMER_SHIFT 0

struct mk_vmx_timer {
    timer_t timer;
    bool made, armed;
    uint64_t khz;         /* the guest's TSC, kHz */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC */
};

/* A timer that sends signo to the calling thread: 0, or -1 with errno. */
int mk_vmx_timer_init(struct mk_vmx_timer *t, uint64_t tsc_khz, int signo);
void mk_vmx_timer_arm(struct mk_vmx_timer *t, uint64_t value);
/* Disarm it: the ticks it had left (0 once expired). */
uint64_t mk_vmx_timer_disarm(struct mk_vmx_timer *t);
bool mk_vmx_timer_expired(const struct mk_vmx_timer *t);

#endif /* VCPUCTX_MK_VMX_TIMER_H */
