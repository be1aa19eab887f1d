/* kernel.c: a PD's notification word and endpoint on Linux. A notification is a bit set atomically in the
   receiver's word, then its eventfd written (and its VMEnter ended by a signal); a protected procedure call
   writes the message into the receiver's endpoint, wakes it, and sleeps on a futex until the answer. */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel.h"

static void wake(struct mk_kernel *k)
{
    uint64_t one = 1;
    if (atomic_load(&k->in_vmenter) && atomic_load(&k->pid) > 0)
        kill(atomic_load(&k->pid), MK_KICK_SIGNAL);
    while (write(k->efd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

void mk_kernel_notify(struct mk_system *sys, unsigned int pd, unsigned int id)
{
    atomic_fetch_or(&sys->kernel[pd].pending, 1ULL << id);
    wake(&sys->kernel[pd]);
}

/* PD self's end of channel ch, or NULL when there is none. */
static const struct mk_end *end_at(const struct mk_system *sys, unsigned int self, unsigned int ch)
{
    return ch < MK_MAX_IDS && sys->pds[self].ends[ch].used ? &sys->pds[self].ends[ch] : NULL;
}

int mk_kernel_signal(struct mk_system *sys, unsigned int self, unsigned int ch)
{
    const struct mk_end *e = end_at(sys, self, ch);
    if (!e || !e->notify) {
        errno = EINVAL;
        return -1;
    }
    mk_kernel_notify(sys, e->peer, e->peer_id);
    return 0;
}

int mk_kernel_pending(struct mk_system *sys, unsigned int self)
{
    struct mk_kernel *k = &sys->kernel[self];
    return atomic_load(&k->pending) != 0 || atomic_load(&k->ppc) == MK_PPC_ASKED;
}

void mk_kernel_sleep(struct mk_system *sys, unsigned int self)
{
    uint64_t count;
    if (!mk_kernel_pending(sys, self))
        (void)!read(sys->kernel[self].efd, &count, sizeof(count));
}

struct mk_event mk_kernel_wait(struct mk_system *sys, unsigned int self, int wait)
{
    struct mk_kernel *k = &sys->kernel[self];
    for (;;) {
        if (atomic_load(&k->ppc) == MK_PPC_ASKED)
            return (struct mk_event){0, (int)k->ppc_id};
        uint64_t bits = atomic_exchange(&k->pending, 0);
        if (bits || !wait)
            return (struct mk_event){bits, -1};
        uint64_t count;
        if (read(k->efd, &count, sizeof(count)) < 0 && errno != EINTR && errno != EAGAIN)
            return (struct mk_event){0, -1};
    }
}

static void futex_wait(_Atomic int *word, int value)
{
    syscall(SYS_futex, word, FUTEX_WAIT, value, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static unsigned int tag_length(uint64_t tag)
{
    unsigned int n = (unsigned int)(tag & 0x7f);
    return n < MK_MRS ? n : MK_MRS;
}

int mk_kernel_call(struct mk_system *sys, unsigned int self, unsigned int ch, uint64_t *tag, uint64_t *mrs)
{
    const struct mk_end *e = end_at(sys, self, ch);
    if (!e || !e->pp) {
        errno = EINVAL;
        return -1;
    }
    struct mk_kernel *k = &sys->kernel[e->peer];
    pthread_mutex_lock(&k->call);
    k->ppc_id = e->peer_id;
    k->ppc_tag = *tag;
    memcpy(k->ppc_mrs, mrs, tag_length(*tag) * sizeof(*mrs));
    atomic_store(&k->ppc, MK_PPC_ASKED);
    wake(k);
    int state;
    while ((state = atomic_load(&k->ppc)) != MK_PPC_ANSWERED)
        futex_wait(&k->ppc, state);
    *tag = k->ppc_tag;
    memcpy(mrs, k->ppc_mrs, tag_length(*tag) * sizeof(*mrs));
    atomic_store(&k->ppc, MK_PPC_IDLE);
    pthread_mutex_unlock(&k->call);
    return 0;
}

void mk_kernel_take(struct mk_system *sys, unsigned int self, uint64_t *tag, uint64_t *mrs)
{
    struct mk_kernel *k = &sys->kernel[self];
    *tag = k->ppc_tag;
    memcpy(mrs, k->ppc_mrs, tag_length(*tag) * sizeof(*mrs));
}

void mk_kernel_answer(struct mk_system *sys, unsigned int self, uint64_t tag, const uint64_t *mrs)
{
    struct mk_kernel *k = &sys->kernel[self];
    k->ppc_tag = tag;
    memcpy(k->ppc_mrs, mrs, tag_length(tag) * sizeof(*mrs));
    atomic_store(&k->ppc, MK_PPC_ANSWERED);
    futex_wake(&k->ppc);
}
