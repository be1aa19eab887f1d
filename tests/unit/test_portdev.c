/* test_portdev.c: the port adapter: register numbers from the range's base, wide accesses split to the width. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "devices/devices.h"

/* A device that records each access and reads back 0xA0 + its register number in every byte. */
struct fake {
    unsigned n;
    struct {
        unsigned reg, size;
        uint32_t value;
    } log[8];
};

static uint32_t fake_read(void *dev, unsigned reg, unsigned size)
{
    struct fake *f = dev;
    f->log[f->n].reg = reg;
    f->log[f->n++].size = size;
    return 0x01010101u * (0xa0 + reg);
}

static void fake_write(void *dev, unsigned reg, unsigned size, uint32_t value)
{
    struct fake *f = dev;
    f->log[f->n].reg = reg;
    f->log[f->n].size = size;
    f->log[f->n++].value = value;
}

static const struct port_ops bytes = {fake_read, fake_write, 1}, words = {fake_read, fake_write, 2},
                             whole = {fake_read, fake_write, 4}, write_only = {NULL, fake_write, 1};

Test(portdev, registers_count_from_an_unaligned_base)
{
    struct fake f = {0};
    struct port_range r = {&bytes, &f, 0x3f9, 3, 0};
    cr_assert_eq(port_range_read(&r, 0x3fa, 1), 0xa1);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.log[0].reg, 1, "port 0x3fa is register 1 of a range at 0x3f9");
    port_range_write(&r, 0x3fb, 1, 0x5a);
    cr_assert_eq(f.log[1].reg, 2);
    cr_assert_eq(f.log[1].value, 0x5a);
}

Test(portdev, first_numbers_a_second_block)
{
    struct fake f = {0};
    struct port_range r = {&bytes, &f, 0x64, 1, 4};
    cr_assert_eq(port_range_read(&r, 0x64, 1), 0xa4);
    cr_assert_eq(f.log[0].reg, 4);
}

Test(portdev, wide_reads_split_into_bytes_little_endian_and_past_the_range_read_ones)
{
    struct fake f = {0};
    struct port_range r = {&bytes, &f, 0x70, 2, 0};
    cr_assert_eq(port_range_read(&r, 0x70, 2), 0xa1a0);
    cr_assert_eq(f.n, 2);
    cr_assert(f.log[0].reg == 0 && f.log[1].reg == 1 && f.log[0].size == 1 && f.log[1].size == 1);
    cr_assert_eq(port_range_read(&r, 0x71, 4), 0xffffffa1u, "port 0x72 on is not this device's");
    cr_assert_eq(f.n, 3, "only the piece inside the range reaches the device");
}

Test(portdev, wide_writes_split_and_drop_what_lies_past_the_range)
{
    struct fake f = {0};
    struct port_range r = {&bytes, &f, 0xe9, 1, 0};
    port_range_write(&r, 0xe9, 2, 0x4241);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.log[0].value, 0x41, "the low byte to the port, the high one to 0xea (not the device)");
}

Test(portdev, a_device_takes_accesses_up_to_its_width_whole)
{
    struct fake f = {0};
    struct port_range w = {&words, &f, 0x1f0, 8, 0}, d = {&whole, &f, 0xf4, 4, 0};
    cr_assert_eq(port_range_read(&w, 0x1f0, 4), 0xa2a2a0a0u);
    cr_assert(f.n == 2 && f.log[0].size == 2 && f.log[1].reg == 2 && f.log[1].size == 2, "two 16-bit pieces");
    port_range_write(&d, 0xf4, 4, 0x12345678);
    cr_assert_eq(f.n, 3);
    cr_assert(f.log[2].size == 4 && f.log[2].value == 0x12345678, "one 32-bit access");
    port_range_write(&d, 0xf4, 1, 0x9a);
    cr_assert(f.log[3].size == 1 && f.log[3].value == 0x9a);
}

Test(portdev, a_write_only_device_reads_as_all_ones)
{
    struct fake f = {0};
    struct port_range r = {&write_only, &f, 0xcf9, 1, 0};
    cr_assert_eq(port_range_read(&r, 0xcf9, 1), 0xff);
    cr_assert_eq(f.n, 0);
}

Test(portdev, bad_ranges_are_refused)
{
    struct fake f = {0};
    struct port_range slot;
    memset(&slot, 0x5a, sizeof(slot));
    struct port_range before = slot;
    static const struct port_ops wide = {fake_read, fake_write, 8};
    cr_assert_eq(port_range_register(NULL, &slot, (struct port_range){&bytes, &f, 0x80, 0, 0}, "empty"), -1);
    cr_assert_eq(port_range_register(NULL, &slot, (struct port_range){&bytes, &f, 0xffff, 2, 0}, "wraps"), -1);
    cr_assert_eq(port_range_register(NULL, &slot, (struct port_range){&wide, &f, 0x80, 1, 0}, "width"), -1);
    cr_assert_eq(port_range_register(NULL, &slot, (struct port_range){NULL, &f, 0x80, 1, 0}, "no ops"), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(memcmp(&slot, &before, sizeof(slot)), 0, "a refused range changes nothing");
}
