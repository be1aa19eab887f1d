/* pd.c: libmicrokit on Linux: a PD's start (its place in the system, its maps, its variables), the handler loop
   that calls init, notified, protected and fault as libmicrokit's does, and the calls microkit.h makes. The
   process is the PD, so its state is the process's, as libmicrokit's is the PD's. */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <microkit.h>
#include <vcpuctx_microkit.h>

#include "dma.h"
#include "kernel.h"
#include "ports.h"
#include "vmenter.h"

#define MK_EXIT_SETUP 2 /* the PD could not start: the launcher ends the system with status 2 */
#define MK_EXIT_CRASH 4 /* the PD crashed: status 4 */

char microkit_name[MICROKIT_PD_NAME_LENGTH];
seL4_Bool microkit_have_signal;
seL4_CPtr microkit_signal_cap;
seL4_MessageInfo_t microkit_signal_msg;
struct microkit_x86_vcpu_state microkit_x86_vcpu_state;
seL4_Word microkit_irqs, microkit_notifications, microkit_pps, microkit_ioports;
seL4_Bool microkit_passive;
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

static struct {
    struct mk_system *sys;
    unsigned int self;
    struct mk_ports ports;
    struct mk_dma dma;
    seL4_IPCBuffer ipc;
} rt;

__attribute__((weak)) microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'protected' entry point\n");
    microkit_internal_crash(0);
}

__attribute__((weak)) seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)child;
    (void)msginfo;
    (void)reply_msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'fault' entry point\n");
    microkit_internal_crash(0);
}

void seL4_DebugPutChar(char c)
{
    while (write(STDERR_FILENO, &c, 1) < 0 && errno == EINTR)
        ;
}

void microkit_dbg_putc(int c)
{
    seL4_DebugPutChar((char)c);
}

void microkit_dbg_puts(const char *s)
{
    while (*s)
        microkit_dbg_putc(*s++);
}

void microkit_dbg_put32(seL4_Uint32 x)
{
    char buf[11], *p = buf + sizeof(buf);
    *--p = '\0';
    do
        *--p = (char)('0' + x % 10);
    while (x /= 10);
    microkit_dbg_puts(p);
}

void microkit_dbg_put8(seL4_Uint8 x)
{
    microkit_dbg_put32(x);
}

void vcpuctx_mk_crash(seL4_Error err)
{
    fprintf(stderr, "vcpuctx-microkit: PD '%s' crashed (seL4 error %d)\n", microkit_name, (int)err);
    _exit(MK_EXIT_CRASH);
}

void vcpuctx_mk_signal(seL4_CPtr cap)
{
    if (cap >= BASE_OUTPUT_NOTIFICATION_CAP && cap < BASE_OUTPUT_NOTIFICATION_CAP + MICROKIT_MAX_CHANNELS)
        mk_kernel_signal(rt.sys, rt.self, (unsigned int)(cap - BASE_OUTPUT_NOTIFICATION_CAP));
    else if (cap >= BASE_IRQ_CAP && cap < BASE_IRQ_CAP + MICROKIT_MAX_CHANNELS)
        mk_ports_ack(&rt.ports, (unsigned int)(cap - BASE_IRQ_CAP));
    /* MONITOR_EP: a passive PD's handing over of its scheduling context, which Linux has no need of. */
}

seL4_MessageInfo_t vcpuctx_mk_call(seL4_CPtr cap, seL4_MessageInfo_t msginfo)
{
    uint64_t tag = msginfo.words[0];
    if (mk_kernel_call(rt.sys, rt.self, (unsigned int)(cap - BASE_ENDPOINT_CAP), &tag, rt.ipc.msg) < 0)
        return seL4_MessageInfo_new(0, 0, 0, 0);
    return (seL4_MessageInfo_t){{tag}};
}

seL4_Error vcpuctx_mk_ioport_out(microkit_ioport id, seL4_Word port, unsigned int size, seL4_Word value)
{
    if (!mk_ports_allowed(&rt.ports, id, (uint32_t)port, size))
        return seL4_IllegalOperation;
    mk_ports_out(&rt.ports, (uint16_t)port, size, (uint32_t)value);
    return seL4_NoError;
}

seL4_Error vcpuctx_mk_ioport_in(microkit_ioport id, seL4_Word port, unsigned int size, seL4_Word *value)
{
    if (!mk_ports_allowed(&rt.ports, id, (uint32_t)port, size))
        return seL4_IllegalOperation;
    *value = mk_ports_in(&rt.ports, (uint16_t)port, size);
    return seL4_NoError;
}

void *vcpuctx_mk_dma(uint64_t io_addr, uint64_t size)
{
    return mk_dma_find(&rt.dma, rt.sys, io_addr, size);
}

int vcpuctx_mk_board_disk(uint64_t *bytes, bool *read_only)
{
    const struct mk_board_files *b = &rt.sys->board;
    if (b->disk_fd < 0) {
        errno = ENODEV;
        return -1;
    }
    *bytes = b->disk_bytes;
    *read_only = b->disk_readonly;
    return b->disk_fd;
}

int vcpuctx_mk_board_tap(void)
{
    if (rt.sys->board.tap_fd < 0)
        errno = ENODEV;
    return rt.sys->board.tap_fd;
}

static void setup_fail(const char *what, const char *detail)
{
    fprintf(stderr, "vcpuctx-microkit: PD '%s': %s: %s\n", microkit_name[0] ? microkit_name : "?", what, detail);
    _exit(MK_EXIT_SETUP);
}

static void join_system(void)
{
    const char *env = getenv(MK_ENV);
    int fd = -1;
    unsigned int self = 0;
    if (!env || sscanf(env, "%d:%u", &fd, &self) != 2) {
        fprintf(stderr, "this program is a Microkit protection domain: start its system with vcpuctx-microkit\n");
        exit(MK_EXIT_SETUP);
    }
    rt.sys = mmap(NULL, sizeof(*rt.sys), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (rt.sys == MAP_FAILED || rt.sys->magic != MK_MAGIC || self >= rt.sys->npds)
        setup_fail("system file", rt.sys == MAP_FAILED ? strerror(errno) : "not a vcpuctx-microkit system");
    rt.self = self;
    snprintf(microkit_name, sizeof(microkit_name), "%s", rt.sys->pds[self].name);
    atomic_store(&rt.sys->kernel[self].pid, (int)getpid());
}

static void set_masks(const struct mk_pd *pd)
{
    for (unsigned int id = 0; id < MK_MAX_IDS; id++) {
        seL4_Word bit = (seL4_Word)1 << id;
        if (pd->ends[id].used && pd->ends[id].notify)
            microkit_notifications |= bit;
        if (pd->ends[id].used && pd->ends[id].pp)
            microkit_pps |= bit;
        if (pd->irqs[id].used)
            microkit_irqs |= bit;
        if (pd->ioports[id].used)
            microkit_ioports |= bit;
    }
    microkit_passive = pd->passive;
}

static void map_regions(const struct mk_pd *pd)
{
    for (uint32_t i = 0; i < pd->nmaps; i++) {
        const struct mk_map *m = &pd->maps[i];
        const struct mk_mr *mr = &rt.sys->mrs[m->mr];
        int prot = (m->perms & MK_PERM_R ? PROT_READ : 0) | (m->perms & MK_PERM_W ? PROT_WRITE : 0) |
                   (m->perms & MK_PERM_X ? PROT_EXEC : 0);
        void *at = mmap((void *)(uintptr_t)m->vaddr, mr->size, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, mr->fd, 0);
        if (at != (void *)(uintptr_t)m->vaddr) {
            char what[160];
            snprintf(what, sizeof(what), "map of '%s' at 0x%llx", mr->name, (unsigned long long)m->vaddr);
            setup_fail(what, at == MAP_FAILED ? strerror(errno) : "placed elsewhere");
        }
    }
}

static int main_bias(struct dl_phdr_info *info, size_t size, void *bias)
{
    (void)size;
    *(uintptr_t *)bias = info->dlpi_addr;
    return 1; /* the first object is the program */
}

static void set_variables(const struct mk_pd *pd)
{
    uintptr_t bias = 0;
    dl_iterate_phdr(main_bias, &bias);
    for (uint32_t i = 0; i < pd->nsetvars; i++)
        *(uint64_t *)(bias + pd->setvars[i].addr) = pd->setvars[i].value;
}

static void deferred_flush(void)
{
    if (microkit_have_signal) {
        microkit_have_signal = seL4_False;
        vcpuctx_mk_signal(microkit_signal_cap);
    }
}

static void deliver(uint64_t badge)
{
    for (unsigned int idx = 0; badge; idx++, badge >>= 1)
        if (badge & 1)
            notified(idx);
}

static void serve_call(unsigned int id)
{
    uint64_t tag;
    mk_kernel_take(rt.sys, rt.self, &tag, rt.ipc.msg);
    microkit_msginfo reply = protected(id, (seL4_MessageInfo_t){{tag}});
    deferred_flush();
    mk_kernel_answer(rt.sys, rt.self, reply.words[0], rt.ipc.msg);
}

static void vcpu_round(void)
{
    uint64_t badge = 0;
    int r = mk_vm_enter(&rt.ipc, &microkit_x86_vcpu_state, &badge);
    if (r < 0) {
        fprintf(stderr, "vcpuctx-microkit: PD '%s': VMEnter: %s\n", microkit_name, strerror(errno));
        vcpuctx_mk_crash(seL4_IllegalOperation);
    }
    if (r == 0) {
        deliver(badge);
        return;
    }
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
    if (!fault(0, seL4_MessageInfo_new(0, 0, 0, SEL4_VMENTER_NUM_FAULT_MSGS), &reply))
        microkit_x86_vcpu_state.is_on = seL4_False;
}

static void handler_loop(void)
{
    for (unsigned int id = 0; id < MK_MAX_IDS; id++)
        if (microkit_irqs & ((seL4_Word)1 << id))
            microkit_irq_ack(id);
    for (;;) {
        deferred_flush();
        if (microkit_x86_vcpu_state.is_on) {
            vcpu_round();
            continue;
        }
        struct mk_event ev = mk_kernel_wait(rt.sys, rt.self, 1);
        if (ev.call_id >= 0)
            serve_call((unsigned int)ev.call_id);
        else
            deliver(ev.badge);
    }
}

int main(void)
{
    join_system();
    const struct mk_pd *pd = &rt.sys->pds[rt.self];
    set_masks(pd);
    map_regions(pd);
    set_variables(pd);
    __sel4_ipc_buffer = &rt.ipc;
    mk_ports_init(&rt.ports, rt.sys, rt.self, STDOUT_FILENO);
    if (mk_ports_start(&rt.ports, STDIN_FILENO) < 0)
        setup_fail("the board's input", strerror(errno));
    if (mk_vm_setup(rt.sys, rt.self, &rt.ports) < 0)
        _exit(MK_EXIT_SETUP);
    init();
    handler_loop();
}
