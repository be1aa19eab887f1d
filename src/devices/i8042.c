/* i8042.c: the PS/2 controller, minimal: self-tests pass, commands are acknowledged, 0xFE pulses reset. */
#include <string.h>

#include "devices.h"

#define ST_OUTPUT_FULL 0x01
#define ST_SYSTEM      0x04
#define ST_COMMAND     0x08

void i8042_init(struct i8042 *k, struct sysctl *reset)
{
    memset(k, 0, sizeof(*k));
    k->status = ST_SYSTEM;
    k->command_byte = 0x45;
    k->reset = reset;
}

static void push(struct i8042 *k, uint8_t v)
{
    if (k->nout < sizeof(k->out))
        k->out[k->nout++] = v;
    k->status |= ST_OUTPUT_FULL;
}

uint8_t i8042_read(struct i8042 *k, unsigned reg)
{
    if (reg == I8042_COMMAND)
        return k->status;
    if (!k->nout)
        return 0;
    uint8_t v = k->out[0];
    memmove(k->out, k->out + 1, --k->nout);
    if (!k->nout)
        k->status &= (uint8_t)~ST_OUTPUT_FULL;
    return v;
}

static void command(struct i8042 *k, uint8_t cmd)
{
    k->status |= ST_COMMAND;
    switch (cmd) {
    case 0x20: push(k, k->command_byte); break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4: k->pending_cmd = cmd; break;
    case 0xaa: push(k, 0x55); break; /* controller self-test passed */
    case 0xa9:
    case 0xab: push(k, 0x00); break; /* interface tests passed */
    case 0xfe: sysctl_reset(k->reset); break;
    default: break; /* enable/disable ports and the rest: accepted */
    }
}

static void data(struct i8042 *k, uint8_t v)
{
    k->status &= (uint8_t)~ST_COMMAND;
    uint8_t cmd = k->pending_cmd;
    k->pending_cmd = 0;
    if (cmd == 0x60)
        k->command_byte = v;
    else if (cmd == 0xd1 && !(v & 1))
        sysctl_reset(k->reset); /* output port bit 0 low: CPU reset */
    else if (cmd == 0xd2 || cmd == 0xd3)
        push(k, v);
    else if (cmd == 0xd4 || !cmd) {
        push(k, 0xfa); /* device acknowledges; after a reset it passes its self-test */
        if (v == 0xff)
            push(k, 0xaa);
    }
}

void i8042_write(struct i8042 *k, unsigned reg, uint8_t value)
{
    if (reg == I8042_COMMAND)
        command(k, value);
    else
        data(k, value);
}

PORT_OPS_BYTES(i8042_ops, struct i8042, i8042_read, i8042_write);

int i8042_register(vm_t *vm, struct i8042 *k)
{
    return port_range_register(vm, &k->io[0], (struct port_range){&i8042_ops, k, 0x60, 1, I8042_DATA}, "i8042") ||
                   port_range_register(vm, &k->io[1], (struct port_range){&i8042_ops, k, 0x64, 1, I8042_COMMAND},
                                       "i8042")
               ? -1
               : 0;
}
