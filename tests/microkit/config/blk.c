/* config/blk.c: the board's block driver's configuration for blk.system, as sDDF's tooling writes it into the
   driver's .blk_driver_config section (the Makefile copies this object's section into blk.elf). */
#include "mkdrivers/sddf.h"

__attribute__((section(".blk_driver_config"))) struct sddf_blk_driver_config config = {
    .magic = SDDF_MAGIC(SDDF_BLK_MAGIC_V),
    .virt = {.storage_info = {(void *)0x20000000, 0x1000},
             .req_queue = {(void *)0x20001000, 0x1000},
             .resp_queue = {(void *)0x20002000, 0x1000},
             .num_buffers = 8,
             .id = 0},
};
