/* ioports.c: libsel4vmmplatsupport's list of emulated port ranges: sorted by start, never overlapping, each
   IOPORT_FREE range handed out upwards from the list's allocation address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sel4vmmplatsupport/ioports.h>

int vmm_io_port_init(vmm_io_port_list_t **io_list, uint16_t ioport_alloc_addr)
{
    vmm_io_port_list_t *l = io_list ? calloc(1, sizeof(*l)) : NULL;
    if (!l) {
        errno = io_list ? ENOMEM : EINVAL;
        return -1;
    }
    l->alloc_addr = ioport_alloc_addr;
    pthread_mutex_init(&l->lock, NULL);
    *io_list = l;
    return 0;
}

/* Where a range goes: the next free ports (IOPORT_FREE), or where it says. 0, or -1 with errno. */
static int place(const vmm_io_port_list_t *l, ioport_range_t *r, ioport_type_t type)
{
    if (type == IOPORT_FREE) {
        /* Port 0xFFFF is never handed out, so that the next address still fits in alloc_addr. */
        if (r->size == 0 || (uint32_t)l->alloc_addr + r->size > 0xffff) {
            errno = r->size ? ERANGE : EINVAL;
            return -1;
        }
        r->start = l->alloc_addr;
        r->end = (uint16_t)(l->alloc_addr + r->size - 1);
        return 0;
    }
    if (type != IOPORT_ADDR || r->end < r->start) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* The index where a range starting at start goes (the first entry starting after it). */
static int insertion_point(const vmm_io_port_list_t *l, uint16_t start)
{
    int i = 0;
    while (i < l->num_ioports && l->ioports[i]->range.start < start)
        i++;
    return i;
}

static bool overlaps_neighbours(const vmm_io_port_list_t *l, int at, ioport_range_t r)
{
    return (at > 0 && l->ioports[at - 1]->range.end >= r.start) ||
           (at < l->num_ioports && l->ioports[at]->range.start <= r.end);
}

static ioport_entry_t *add_locked(vmm_io_port_list_t *io_list, ioport_range_t ioport_range,
                                  ioport_interface_t ioport_interface, ioport_type_t port_type)
{
    ioport_range_t r = ioport_range;
    if (place(io_list, &r, port_type) < 0)
        return NULL;
    int at = insertion_point(io_list, r.start);
    if (overlaps_neighbours(io_list, at, r)) {
        errno = EEXIST;
        return NULL;
    }
    ioport_entry_t **grown = realloc(io_list->ioports, sizeof(*grown) * (size_t)(io_list->num_ioports + 1));
    if (!grown)
        return NULL;
    io_list->ioports = grown; /* room for one more: the list itself is the same */
    ioport_entry_t *e = malloc(sizeof(*e));
    if (!e)
        return NULL;
    for (int i = io_list->num_ioports; i > at; i--)
        grown[i] = grown[i - 1];
    *e = (ioport_entry_t){.range = r, .interface = ioport_interface};
    grown[at] = e;
    io_list->num_ioports++;
    if (port_type == IOPORT_FREE)
        io_list->alloc_addr = (uint16_t)(r.end + 1);
    return e;
}

ioport_entry_t *vmm_io_port_add_handler(vmm_io_port_list_t *io_list, ioport_range_t ioport_range,
                                        ioport_interface_t ioport_interface, ioport_type_t port_type)
{
    if (!io_list) {
        errno = EINVAL;
        return NULL;
    }
    pthread_mutex_lock(&io_list->lock);
    ioport_entry_t *e = add_locked(io_list, ioport_range, ioport_interface, port_type);
    pthread_mutex_unlock(&io_list->lock);
    return e;
}

/* The interface of the range holding port_no, into f; whether there is one (the lock held). */
static bool lookup(const vmm_io_port_list_t *l, unsigned int port_no, ioport_interface_t *f)
{
    int lo = 0, hi = l->num_ioports - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const ioport_entry_t *e = l->ioports[mid];
        if (port_no < e->range.start) {
            hi = mid - 1;
        } else if (port_no > e->range.end) {
            lo = mid + 1;
        } else {
            *f = e->interface;
            return true;
        }
    }
    return false;
}

int emulate_io_handler(vmm_io_port_list_t *io_port, unsigned int port_no, bool is_in, size_t size, unsigned int *data)
{
    if (!io_port || !data)
        return -1;
    ioport_interface_t f;
    pthread_mutex_lock(&io_port->lock);
    bool found = lookup(io_port, port_no, &f);
    pthread_mutex_unlock(&io_port->lock);
    if (!found)
        return 1;
    int r = is_in ? (f.port_in ? f.port_in(f.cookie, port_no, (unsigned)size, data) : -1)
                  : (f.port_out ? f.port_out(f.cookie, port_no, (unsigned)size, *data) : -1);
    return r ? -1 : 0;
}

static int index_of(const vmm_io_port_list_t *l, const ioport_entry_t *e)
{
    for (int i = 0; i < l->num_ioports; i++)
        if (l->ioports[i] == e)
            return i;
    return -1;
}

static int move_locked(vmm_io_port_list_t *io_list, ioport_entry_t *entry, uint16_t start)
{
    int at = index_of(io_list, entry);
    uint32_t end = at < 0 ? 0x10000 : (uint32_t)start + entry->range.end - entry->range.start;
    if (end > 0xffff) {
        errno = EINVAL;
        return -1;
    }
    ioport_entry_t **l = io_list->ioports;
    memmove(l + at, l + at + 1, sizeof(*l) * (size_t)(io_list->num_ioports - at - 1));
    io_list->num_ioports--; /* out of the list while its new place is checked */
    ioport_range_t r = {.start = start, .end = (uint16_t)end, .size = entry->range.size};
    int to = insertion_point(io_list, r.start);
    bool clash = overlaps_neighbours(io_list, to, r);
    if (clash)
        to = insertion_point(io_list, entry->range.start);
    else
        entry->range = r;
    memmove(l + to + 1, l + to, sizeof(*l) * (size_t)(io_list->num_ioports - to));
    l[to] = entry;
    io_list->num_ioports++;
    if (clash)
        errno = EEXIST;
    return clash ? -1 : 0;
}

int vcpuctx_io_port_move(vmm_io_port_list_t *io_list, ioport_entry_t *entry, uint16_t start)
{
    if (!io_list || !entry) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&io_list->lock);
    int r = move_locked(io_list, entry, start);
    pthread_mutex_unlock(&io_list->lock);
    return r;
}

void vcpuctx_io_port_list_free(vmm_io_port_list_t *io_list)
{
    if (!io_list)
        return;
    for (int i = 0; i < io_list->num_ioports; i++)
        free(io_list->ioports[i]);
    free(io_list->ioports);
    pthread_mutex_destroy(&io_list->lock);
    free(io_list);
}
