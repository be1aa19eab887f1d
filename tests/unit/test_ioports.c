/* test_ioports.c: libsel4vmmplatsupport's port list: ranges where asked or handed out upwards, never
   overlapping, kept sorted; one access dispatched with upstream's results; no KVM needed. */
#include <criterion/criterion.h>
#include <errno.h>

#include <sel4vmmplatsupport/ioports.h>

static vmm_io_port_list_t *list;

static void setup(void)
{
    cr_assert_eq(vmm_io_port_init(&list, 0x9000), 0);
}

static void teardown(void)
{
    vcpuctx_io_port_list_free(list);
}

TestSuite(ioports, .init = setup, .fini = teardown);

static unsigned last_port, last_size, last_value;

static int port_in(void *cookie, unsigned int port_no, unsigned int size, unsigned int *result)
{
    last_port = port_no, last_size = size;
    *result = 0x1000u + (unsigned)(uintptr_t)cookie;
    return 0;
}

static int port_out(void *cookie, unsigned int port_no, unsigned int size, unsigned int value)
{
    last_port = port_no, last_size = size, last_value = value;
    return cookie == (void *)99 ? -1 : 0;
}

static ioport_interface_t iface(uintptr_t id)
{
    return (ioport_interface_t){(void *)id, port_in, port_out, "test"};
}

Test(ioports, free_ranges_are_handed_out_upwards)
{
    ioport_entry_t *a = vmm_io_port_add_handler(list, (ioport_range_t){0, 0, 0x40}, iface(1), IOPORT_FREE);
    ioport_entry_t *b = vmm_io_port_add_handler(list, (ioport_range_t){0x10, 0x20, 0x100}, iface(2), IOPORT_FREE);
    cr_assert(a && b);
    cr_assert(a->range.start == 0x9000 && a->range.end == 0x903f, "%x-%x", a->range.start, a->range.end);
    cr_assert(b->range.start == 0x9040 && b->range.end == 0x913f, "start and end given are ignored");
    cr_assert_eq(list->alloc_addr, 0x9140);
}

Test(ioports, ranges_are_kept_sorted_and_never_overlap)
{
    cr_assert_not_null(vmm_io_port_add_handler(list, (ioport_range_t){0x3f8, 0x3ff, 8}, iface(1), IOPORT_ADDR));
    cr_assert_not_null(vmm_io_port_add_handler(list, (ioport_range_t){0x60, 0x64, 5}, iface(2), IOPORT_ADDR));
    cr_assert_not_null(vmm_io_port_add_handler(list, (ioport_range_t){0x70, 0x71, 2}, iface(3), IOPORT_ADDR));
    cr_assert_eq(list->num_ioports, 3);
    cr_assert(list->ioports[0]->range.start == 0x60 && list->ioports[1]->range.start == 0x70 &&
              list->ioports[2]->range.start == 0x3f8);
    errno = 0;
    cr_assert_null(vmm_io_port_add_handler(list, (ioport_range_t){0x3ff, 0x400, 2}, iface(4), IOPORT_ADDR));
    cr_assert_eq(errno, EEXIST, "the last port of a range is its own");
    cr_assert_null(vmm_io_port_add_handler(list, (ioport_range_t){0x50, 0x60, 17}, iface(4), IOPORT_ADDR));
    cr_assert_eq(list->num_ioports, 3, "a refused range leaves the list as it was");
    cr_assert_null(vmm_io_port_add_handler(list, (ioport_range_t){0x80, 0x7f, 0}, iface(4), IOPORT_ADDR));
    cr_assert_eq(errno, EINVAL, "end before start");
}

Test(ioports, free_ranges_stop_at_the_last_port)
{
    vmm_io_port_list_t *high;
    cr_assert_eq(vmm_io_port_init(&high, 0xff00), 0);
    errno = 0;
    cr_assert_null(vmm_io_port_add_handler(high, (ioport_range_t){0, 0, 0x100}, iface(1), IOPORT_FREE));
    cr_assert_eq(errno, ERANGE, "port 0xFFFF is never handed out");
    cr_assert_not_null(vmm_io_port_add_handler(high, (ioport_range_t){0, 0, 0xff}, iface(1), IOPORT_FREE));
    cr_assert_null(vmm_io_port_add_handler(high, (ioport_range_t){0, 0, 1}, iface(2), IOPORT_FREE));
    cr_assert_eq(errno, ERANGE);
    cr_assert_eq(high->num_ioports, 1);
    vcpuctx_io_port_list_free(high);
}

Test(ioports, an_access_reaches_its_handler_with_the_absolute_port)
{
    cr_assert_not_null(vmm_io_port_add_handler(list, (ioport_range_t){0x3f8, 0x3ff, 8}, iface(7), IOPORT_ADDR));
    cr_assert_not_null(vmm_io_port_add_handler(list, (ioport_range_t){0x500, 0x503, 4}, iface(99), IOPORT_ADDR));
    unsigned data = 0;
    cr_assert_eq(emulate_io_handler(list, 0x3fd, true, 1, &data), 0);
    cr_assert(data == 0x1007 && last_port == 0x3fd && last_size == 1);
    data = 0xab;
    cr_assert_eq(emulate_io_handler(list, 0x3f8, false, 2, &data), 0);
    cr_assert(last_value == 0xab && last_size == 2);
    cr_assert_eq(emulate_io_handler(list, 0x3f7, true, 1, &data), 1, "no range holds the port");
    cr_assert_eq(emulate_io_handler(list, 0x502, false, 4, &data), -1, "the handler failed");
    cr_assert_eq(emulate_io_handler(NULL, 0x3f8, true, 1, &data), -1, "no list");
}

/* vcpuctx's move, for a BAR the guest moves: the range keeps its size, the list its order, and a place another
   range holds is refused with the list unchanged. */
Test(ioports, a_range_moves_where_nothing_else_is)
{
    ioport_entry_t *a =
        vmm_io_port_add_handler(list, (ioport_range_t){.size = 0x40}, (ioport_interface_t){0}, IOPORT_FREE);
    ioport_entry_t *b =
        vmm_io_port_add_handler(list, (ioport_range_t){.size = 0x40}, (ioport_interface_t){0}, IOPORT_FREE);
    cr_assert(a && b);
    cr_assert_eq(vcpuctx_io_port_move(list, a, 0xc000), 0);
    cr_assert_eq(a->range.start, 0xc000);
    cr_assert_eq(a->range.end, 0xc03f);
    cr_assert_eq(list->ioports[0], b, "sorted: 0x9040 before 0xc000");
    cr_assert_eq(list->ioports[1], a);
    errno = 0;
    cr_assert_eq(vcpuctx_io_port_move(list, b, 0xc020), -1);
    cr_assert_eq(errno, EEXIST);
    cr_assert_eq(b->range.start, 0x9040, "left where it was");
    cr_assert_eq(list->ioports[0], b);
    cr_assert_eq(list->num_ioports, 2);
    cr_assert_eq(vcpuctx_io_port_move(list, b, 0xffe0), -1, "past 0xFFFF");
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(vcpuctx_io_port_move(list, NULL, 0x100), -1);
    unsigned v = 0;
    cr_assert_eq(emulate_io_handler(list, 0x9000, true, 1, &v), 1, "nothing at a's old place");
}
