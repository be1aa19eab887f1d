/* config/net.c: the board's network driver's configuration for net.system, as sDDF's tooling writes it into
   the driver's .net_driver_config and .device_resources sections (the Makefile copies them into net.elf). */
#include "mkdrivers/sddf.h"

__attribute__((section(".net_driver_config"))) struct sddf_net_driver_config config = {
    .magic = SDDF_MAGIC(SDDF_NET_MAGIC_V),
    .virt_rx = {{(void *)0x20000000, 0x1000}, {(void *)0x20001000, 0x1000}, 4, 0},
    .virt_tx = {{(void *)0x20002000, 0x1000}, {(void *)0x20003000, 0x1000}, 4, 1},
};

__attribute__((section(".device_resources"))) struct sddf_device_resources device_resources = {
    .magic = SDDF_MAGIC(SDDF_DEVICE_MAGIC_V),
    .num_irqs = 1,
    .irqs = {{2}},
};
