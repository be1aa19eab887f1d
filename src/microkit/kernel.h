/* kernel.h: kernel.c, what seL4 does for a PD's notifications and endpoint, over the shared system file: signal a
   channel, raise an IRQ, wait for either or a call, call and answer. No PD state of its own: the caller says
   which PD it is, so the unit tests drive two PDs in one process. */
#ifndef VCPUCTX_MK_KERNEL_H
#define VCPUCTX_MK_KERNEL_H

#include <stdint.h>

#include "system.h"

/* What a wait returned: notification badge bits, or a call on a channel (id at the called end). */
struct mk_event {
    uint64_t badge; /* notification bits, 0 for a call */
    int call_id;    /* -1: no call */
};

/* Set bit id in PD pd's notification word and wake it (out of VMEnter too). */
void mk_kernel_notify(struct mk_system *sys, unsigned int pd, unsigned int id);
/* PD self signals its channel ch: -1 (errno EINVAL) when the channel does not exist or may not notify. */
int mk_kernel_signal(struct mk_system *sys, unsigned int self, unsigned int ch);
/* Take the notification bits or the call pending for self; block until there is one when wait. */
struct mk_event mk_kernel_wait(struct mk_system *sys, unsigned int self, int wait);
/* Unless a notification or a call is pending for self, block until one comes or a signal or another wake-up
   ends the wait (the caller loops); takes nothing. */
void mk_kernel_sleep(struct mk_system *sys, unsigned int self);
/* Whether anything waits for self (the VMEnter check before entering the guest). */
int mk_kernel_pending(struct mk_system *sys, unsigned int self);
/* Call over self's channel ch: tag and mrs[0..length) go, the answer's tag returns with its MRs in mrs.
   -1 (errno EINVAL) for a channel self may not call. */
int mk_kernel_call(struct mk_system *sys, unsigned int self, unsigned int ch, uint64_t *tag, uint64_t *mrs);
/* The called PD: the call's MRs (count from its tag), then the answer. */
void mk_kernel_take(struct mk_system *sys, unsigned int self, uint64_t *tag, uint64_t *mrs);
void mk_kernel_answer(struct mk_system *sys, unsigned int self, uint64_t tag, const uint64_t *mrs);

#endif /* VCPUCTX_MK_KERNEL_H */
