/* sel4vmmplatsupport/drivers/pci.h: libsel4vmmplatsupport's virtual PCI bus, with upstream's names and semantics:
   bus 0, 32 devices of function 0, each a pair of configuration-space callbacks; the host bridge at 00:00.0. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_PCI_H
#define SEL4VMMPLATSUPPORT_DRIVERS_PCI_H

#include <stdint.h>

typedef struct vmm_pci_address {
    uint8_t bus;
    uint8_t dev;
    uint8_t fun;
} vmm_pci_address_t;

/* Accessors of a host's configuration space (for vmm_pci_create_passthrough). */
typedef struct vmm_pci_config {
    void *cookie;
    uint8_t (*ioread8)(void *cookie, vmm_pci_address_t addr, unsigned int offset);
    uint16_t (*ioread16)(void *cookie, vmm_pci_address_t addr, unsigned int offset);
    uint32_t (*ioread32)(void *cookie, vmm_pci_address_t addr, unsigned int offset);
    void (*iowrite8)(void *cookie, vmm_pci_address_t addr, unsigned int offset, uint8_t val);
    void (*iowrite16)(void *cookie, vmm_pci_address_t addr, unsigned int offset, uint16_t val);
    void (*iowrite32)(void *cookie, vmm_pci_address_t addr, unsigned int offset, uint32_t val);
} vmm_pci_config_t;

/* One device's configuration space: size bytes (1, 2 or 4) at offset; 0, or non-zero for an error. */
typedef struct vmm_pci_entry {
    void *cookie;
    int (*ioread)(void *cookie, int offset, int size, uint32_t *result);
    int (*iowrite)(void *cookie, int offset, int size, uint32_t value);
} vmm_pci_entry_t;

typedef struct vmm_pci_space {
    vmm_pci_entry_t *bus0[32][8];
    uint32_t conf_port_addr; /* the last value written to 0xCF8 (bits 1:0 clear) */
} vmm_pci_space_t;

/**
 * Make a PCI space with the host bridge (define_pci_host_bridge) at 00:00.0.
 * @param space  receives the new space
 * @return 0, or -1 with errno (ENOMEM)
 */
int vmm_pci_init(vmm_pci_space_t **space);

/**
 * Put a device at the first free device number of bus 0 (function 0); the space keeps a copy of entry.
 * @param addr  receives where it went (may be NULL)
 * @return 0, or -1 with errno (ENOSPC: all 32 taken; EINVAL: no space or no read callback)
 */
int vmm_pci_add_entry(vmm_pci_space_t *space, vmm_pci_entry_t entry, vmm_pci_address_t *addr);

/* Decode a configuration address (0xCF8's format): bus 23:16, device 15:11, function 10:8, register 7:0. */
void make_addr_reg_from_config(uint32_t conf, vmm_pci_address_t *addr, uint8_t *reg);

/* The device at addr, or NULL (no such device, or not on bus 0). */
vmm_pci_entry_t *find_device(vmm_pci_space_t *self, vmm_pci_address_t addr);

/* vcpuctx: free a space made by vmm_pci_init, its host bridge and the copies of its entries (not their cookies).
   The entry at 00:00.0 may be replaced (a VMM's own host bridge): the library's bridge is freed all the same. */
void vcpuctx_pci_free(vmm_pci_space_t *space);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_PCI_H */
