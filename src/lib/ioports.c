/* ioports.c: the I/O port registry (libsel4vm's API) and the dispatch of I/O exits, string I/O included. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ioports.h"

int vm_io_port_add_handler(vm_t *vm, vm_ioport_range_t range, vm_ioport_interface_t iface)
{
    if (!vm || range.start > range.end) {
        errno = EINVAL;
        return -1;
    }
    vm_io_port_list_t *l = &VM_P(vm)->ports.list;
    int pos = 0;
    while (pos < l->num_ioports && l->ioports[pos].range.start < range.start)
        pos++;
    bool overlap_prev = pos > 0 && l->ioports[pos - 1].range.end >= range.start;
    bool overlap_next = pos < l->num_ioports && l->ioports[pos].range.start <= range.end;
    if (overlap_prev || overlap_next) {
        errno = EBUSY;
        return -1;
    }
    if (l->num_ioports == VM_P(vm)->ports.cap) {
        int cap = VM_P(vm)->ports.cap ? VM_P(vm)->ports.cap * 2 : 16;
        vm_ioport_entry_t *p = realloc(l->ioports, (size_t)cap * sizeof(*p));
        if (!p)
            return -1;
        l->ioports = p;
        VM_P(vm)->ports.cap = cap;
    }
    memmove(&l->ioports[pos + 1], &l->ioports[pos], (size_t)(l->num_ioports - pos) * sizeof(l->ioports[0]));
    l->ioports[pos] = (vm_ioport_entry_t){range, iface};
    l->num_ioports++;
    return 0;
}

void ioport_remove(struct vm *vm, uint16_t start)
{
    vm_io_port_list_t *l = &VM_P(vm)->ports.list;
    for (int i = 0; i < l->num_ioports; i++)
        if (l->ioports[i].range.start == start) {
            memmove(&l->ioports[i], &l->ioports[i + 1], (size_t)(l->num_ioports - i - 1) * sizeof(l->ioports[0]));
            l->num_ioports--;
            return;
        }
}

int vm_register_unhandled_ioport_callback(vm_t *vm, unhandled_ioport_callback_fn cb, void *cookie)
{
    if (!vm || !cb) {
        errno = EINVAL;
        return -1;
    }
    VM_P(vm)->ports.unhandled_cb = cb;
    VM_P(vm)->ports.unhandled_cookie = cookie;
    return 0;
}

/* The registered range holding port: the last one found if it still does (ranges never overlap, so any range
   holding port is the one), else by binary search; NULL if none. */
static const vm_ioport_entry_t *port_find(struct vm *vm, uint16_t port)
{
    const vm_io_port_list_t *l = &VM_CP(vm)->ports.list;
    unsigned hint = VM_CP(vm)->ports.hint;
    if (hint < (unsigned)l->num_ioports && port >= l->ioports[hint].range.start && port <= l->ioports[hint].range.end)
        return &l->ioports[hint];
    size_t lo = 0, hi = (size_t)l->num_ioports;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const vm_ioport_entry_t *e = &l->ioports[mid];
        if (port < e->range.start)
            hi = mid;
        else if (port > e->range.end)
            lo = mid + 1;
        else {
            VM_P(vm)->ports.hint = (unsigned)mid;
            return e;
        }
    }
    return NULL;
}

/* An access no handler took: the unhandled callback, else the default (reads all ones). */
static ioport_fault_result_t port_unhandled(struct vm_vcpu *vcpu, uint16_t port, bool in, unsigned size, unsigned *val)
{
    struct vm *vm = vcpu->vm;
    ioport_fault_result_t r = IO_FAULT_UNHANDLED;
    if (VM_P(vm)->ports.unhandled_cb)
        r = VM_P(vm)->ports.unhandled_cb(vcpu, port, in, val, size, VM_P(vm)->ports.unhandled_cookie);
    if (r == IO_FAULT_UNHANDLED) {
        if (in)
            *val = 0xffffffffU;
        r = IO_FAULT_HANDLED;
    }
    return r;
}

/* One access of size bytes: a handler, else the unhandled callback, else the default. */
static ioport_fault_result_t port_access(struct vm_vcpu *vcpu, uint16_t port, bool in, unsigned size, unsigned *val)
{
    const vm_ioport_entry_t *e = port_find(vcpu->vm, port);
    ioport_fault_result_t r = IO_FAULT_UNHANDLED;
    if (e && in && e->interface.port_in)
        r = e->interface.port_in(vcpu, e->interface.cookie, port, size, val);
    else if (e && !in && e->interface.port_out)
        r = e->interface.port_out(vcpu, e->interface.cookie, port, size, *val);
    return r == IO_FAULT_UNHANDLED ? port_unhandled(vcpu, port, in, size, val) : r;
}

static const uint32_t size_mask[5] = {0, 0xff, 0xffff, 0, 0xffffffffU};

/* A non-string IN: merge the result into EAX (a 4-byte IN zero-extends, as hardware does). */
static void merge_in(struct vm_vcpu *vcpu, unsigned size, unsigned val)
{
    seL4_Word eax = 0;
    vm_get_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, &eax);
    uint64_t v = size == 4 ? (uint64_t)val : (((uint64_t)eax & ~(uint64_t)size_mask[size]) | (val & size_mask[size]));
    vm_set_thread_context_reg(vcpu, VCPU_CONTEXT_EAX, (seL4_Word)v);
}

static unsigned load_element(const uint8_t *p, unsigned size)
{
    uint8_t b;
    uint16_t w;
    uint32_t d;
    switch (size) {
    case 1: memcpy(&b, p, 1); return b;
    case 2: memcpy(&w, p, 2); return w;
    default: memcpy(&d, p, 4); return d;
    }
}

static void store_element(uint8_t *p, unsigned size, unsigned val)
{
    uint8_t b = (uint8_t)val;
    uint16_t w = (uint16_t)val;
    switch (size) {
    case 1: memcpy(p, &b, 1); break;
    case 2: memcpy(p, &w, 2); break;
    default: memcpy(p, &val, 4); break;
    }
}

/* The registry handled the exit: complete it the seL4 way if a handler looked at the view, else let KVM. */
static int io_completed(struct vm_vcpu *vcpu)
{
    if (VCPU_P(vcpu)->pend.view_ready)
        exit_advance(vcpu);
    else
        VCPU_P(vcpu)->pend.complete_marked = true;
    return IO_FAULT_HANDLED;
}

/* Handle the current I/O exit through the registry and complete it. Returns an IO_FAULT_* value. */
HOT int ioport_dispatch(struct vm_vcpu *vcpu)
{
    const struct kvm_run *run = VCPU_P(vcpu)->run;
    uint16_t port = run->io.port;
    bool in = run->io.direction == KVM_EXIT_IO_IN;
    unsigned size = run->io.size;
    uint32_t count = run->io.count;
    uint8_t *data = exit_io_data(VCPU_P(vcpu)->run, VCPU_P(vcpu)->run_size);
    if (!data || (size != 1 && size != 2 && size != 4))
        return IO_FAULT_ERROR;
    for (uint32_t i = 0; i < count; i++) {
        unsigned val = in ? 0 : load_element(data + (size_t)i * size, size);
        ioport_fault_result_t r = port_access(vcpu, port, in, size, &val);
        if (r != IO_FAULT_HANDLED)
            return r;
        if (in)
            store_element(data + (size_t)i * size, size, val);
    }
    if (in && count == 1)
        merge_in(vcpu, size, load_element(data, size));
    return io_completed(vcpu);
}
