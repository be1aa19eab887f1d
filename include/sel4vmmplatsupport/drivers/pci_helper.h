/* sel4vmmplatsupport/drivers/pci_helper.h: building blocks of a device's configuration space, with upstream's
   names and semantics: a type-0 header held in memory, the host bridge, a host device's space passed through, and
   wrappers that emulate BARs, the interrupt line and the capability list over another entry. Upstream takes the
   PCI register numbers from util_libs' libpci; this header needs only the C library. */
#ifndef SEL4VMMPLATSUPPORT_DRIVERS_PCI_HELPER_H
#define SEL4VMMPLATSUPPORT_DRIVERS_PCI_HELPER_H

#include <stddef.h>
#include <stdint.h>

#include <sel4vmmplatsupport/drivers/pci.h>

#define PCI_BAR_OFFSET(b) (offsetof(vmm_pci_device_def_t, bar##b))

/* A type-0 configuration header, byte for byte (0x00-0x3f), then a pointer to capabilities the library never
   reads. */
typedef struct vmm_pci_device_def {
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t command;
    uint16_t status;
    uint8_t revision_id;
    uint8_t prog_if;
    uint8_t subclass;
    uint8_t class_code;
    uint8_t cache_line_size;
    uint8_t latency_timer;
    uint8_t header_type;
    uint8_t bist;
    uint32_t bar0;
    uint32_t bar1;
    uint32_t bar2;
    uint32_t bar3;
    uint32_t bar4;
    uint32_t bar5;
    uint32_t cardbus;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint32_t expansion_rom;
    uint8_t caps_pointer;
    uint8_t reserved1;
    uint16_t reserved2;
    uint32_t reserved3;
    uint8_t interrupt_line;
    uint8_t interrupt_pin;
    uint8_t min_grant;
    uint8_t max_latency;
    /* Now additional pointer to arbitrary capabilities */
    int caps_len;
    void *caps;
} __attribute__((packed)) vmm_pci_device_def_t;

typedef enum pci_mem_type {
    NON_MEM = 0, /* an I/O BAR */
    NON_PREFETCH_MEM,
    PREFETCH_MEM
} pci_mem_type_t;

typedef struct vmm_pci_bar {
    pci_mem_type_t mem_type;
    /* Address must be size aligned */
    uintptr_t address;
    size_t size_bits; /* the BAR decodes 1 << size_bits bytes */
} vmm_pci_bar_t;

typedef struct pci_bar_emulation {
    vmm_pci_entry_t passthrough;
    int num_bars;
    vmm_pci_bar_t bars[6];
    uint32_t bar_writes[6];
} pci_bar_emulation_t;

typedef struct pci_irq_emulation {
    vmm_pci_entry_t passthrough;
    int irq;
} pci_irq_emulation_t;

typedef struct pci_passthrough_device {
    /* The address on the host system of this device */
    vmm_pci_address_t addr;
    vmm_pci_config_t config;
} pci_passthrough_device_t;

typedef struct pci_cap_emulation {
    vmm_pci_entry_t passthrough;
    int num_caps;
    uint8_t *caps;
    int num_ignore;
    uint8_t *ignore_start;
    uint8_t *ignore_end;
} pci_cap_emulation_t;

/* An iowrite that drops every write. */
int vmm_pci_entry_ignore_write(void *cookie, int offset, int size, uint32_t value);
/* ioread and iowrite over a vmm_pci_device_def_t (the cookie): its 64 header bytes as they are; beyond them reads
   are 0 and writes dropped; a negative offset is an error. Writes land verbatim (no read-only bits). */
int vmm_pci_mem_device_read(void *cookie, int offset, int size, uint32_t *result);
int vmm_pci_mem_device_write(void *cookie, int offset, int size, uint32_t value);
/* Upstream's host bridge: vendor 0x5E14, device 0x42, revision 1, class 06/00, a normal header; all else 0. */
void define_pci_host_bridge(vmm_pci_device_def_t *bridge);

/*
 * The wrappers below each return a new entry whose cookie they allocate (a zeroed entry, with NULL callbacks,
 * when allocation fails; vmm_pci_add_entry then refuses it), and which forwards what it does not emulate to the
 * entry it wraps.
 */
/* A host device's configuration space through config's accessors (sizes 1, 2, 4; other sizes are errors). */
vmm_pci_entry_t vmm_pci_create_passthrough(vmm_pci_address_t addr, vmm_pci_config_t config);
/* BARs 0..num_bars-1 as bars[] say, the others reading 0: a read is the address, the type bits (1 for I/O, bit 3
   for prefetchable memory) and what the guest last wrote outside the size's mask, so writing all ones and reading
   back sizes the BAR, and writing the address back restores it. The address does not move. */
vmm_pci_entry_t vmm_pci_create_bar_emulation(vmm_pci_entry_t existing, int num_bars, vmm_pci_bar_t *bars);
/* The interrupt line (0x3c) reads irq, and a byte written to it is dropped. */
vmm_pci_entry_t vmm_pci_create_irq_emulation(vmm_pci_entry_t existing, int irq);
/* The capability list made of caps[0..num_caps) (their offsets, linked in that order), and num_ranges ranges
   [range_starts[i], range_ends[i]] that read 0 and drop writes. */
vmm_pci_entry_t vmm_pci_create_cap_emulation(vmm_pci_entry_t existing, int num_caps, uint8_t *caps, int num_ranges,
                                             uint8_t *range_starts, uint8_t *range_ends);
/* existing without its MSI and MSI-X capabilities (existing itself when it has none). */
vmm_pci_entry_t vmm_pci_no_msi_cap_emulation(vmm_pci_entry_t existing);

#endif /* SEL4VMMPLATSUPPORT_DRIVERS_PCI_HELPER_H */
