/* virtio_pci.c: a transitional virtio function's PCI side (virtio 1.2, 4.1.2-4.1.4): its configuration header,
   the capabilities that point a driver at the virtio 1.x structures in BAR 4, and the MMIO of that BAR. BAR 0
   (I/O, the legacy register file) and BAR 4 (memory) start where the VMM put them and move where the guest
   puts them, as firmware does when it lays the bus out: BAR 0's range moves in the port list, BAR 4's MMIO
   reservation on the VM. A BAR written with all ones reads its size; a place the VMM cannot take (another range
   there, RAM) leaves the BAR where it was. The command register gates both BARs: off at first, as QEMU's. With
   MSI-X, its capability follows the virtio ones, its table and pending bits in BAR 4 after the virtio structures. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sel4vm/guest_memory.h>
#include <sel4vm/guest_vcpu_fault.h>
#include <vcpuctx.h>

#include "pci_regs.h"
#include "virtio_pci.h"

#define CAP_VENDOR      0x09
#define CAP_COMMON      1
#define CAP_NOTIFY      2
#define CAP_ISR         3
#define CAP_DEVICE      4
#define MODERN_BAR      4
#define MSIX_CAP        0x84 /* after the notify capability */
#define MSIX_CTRL       (MSIX_CAP + 2)
#define PCI_STATUS_CAPS 0x10

/* One virtio_pci_cap at at (len 16, or 20 for the notify capability with its multiplier). */
static void add_cap(uint8_t *space, unsigned at, unsigned next, uint8_t type, uint32_t offset)
{
    uint8_t *c = space + at;
    uint32_t length = 0x1000;
    c[0] = CAP_VENDOR, c[1] = (uint8_t)next, c[2] = type == CAP_NOTIFY ? 20 : 16, c[3] = type, c[4] = MODERN_BAR;
    memcpy(c + 8, &offset, 4);
    memcpy(c + 12, &length, 4);
    if (type == CAP_NOTIFY) {
        uint32_t mult = VIO_NOTIFY_MULT;
        memcpy(c + 16, &mult, 4);
    }
}

/* The MSI-X capability (PCI Local Bus 3.0, 6.8.2): the table and its pending bits in BAR 4. */
static void add_msix_cap(uint8_t *space, unsigned nvectors)
{
    uint8_t *c = space + MSIX_CAP;
    uint16_t control = (uint16_t)(nvectors - 1);
    uint32_t table = VIO_MODERN_MSIX | MODERN_BAR, pba = (VIO_MODERN_MSIX + VIO_MSIX_PBA) | MODERN_BAR;
    c[0] = PCI_CAP_ID_MSIX, c[1] = 0;
    memcpy(c + 2, &control, 2);
    memcpy(c + 4, &table, 4);
    memcpy(c + 8, &pba, 4);
}

static void build_space(struct vio_pci *p)
{
    memcpy(p->space, &p->def, PCI_HEADER_SIZE);
    p->space[PCI_COMMAND] = p->space[PCI_COMMAND + 1] = 0; /* no decoding until the guest asks */
    p->space[PCI_STATUS] |= PCI_STATUS_CAPS;
    p->space[PCI_CAPABILITY_LIST] = 0x40;
    add_cap(p->space, 0x40, 0x50, CAP_COMMON, VIO_MODERN_COMMON);
    add_cap(p->space, 0x50, 0x60, CAP_ISR, VIO_MODERN_ISR);
    add_cap(p->space, 0x60, 0x70, CAP_DEVICE, VIO_MODERN_DEVICE);
    add_cap(p->space, 0x70, p->v->msix.nvectors ? MSIX_CAP : 0x00, CAP_NOTIFY, VIO_MODERN_NOTIFY);
    if (p->v->msix.nvectors)
        add_msix_cap(p->space, p->v->msix.nvectors);
}

/* The guest's write of the MSI-X message control's top byte: its enable and function mask. */
static void msix_control(struct vio_pci *p, uint8_t top)
{
    p->space[MSIX_CTRL + 1] = (uint8_t)((p->space[MSIX_CTRL + 1] & 0x07) | (top & 0xc0));
    vio_set_msix_control(p->v, (uint16_t)(top << 8));
}

static uint32_t bar_read(const struct vio_pci *p, unsigned bar)
{
    uint32_t v;
    memcpy(&v, p->space + PCI_BASE_ADDRESS_0 + 4 * bar, 4);
    if (!(p->sizing & 1u << bar) || !p->bar_size[bar])
        return v;
    return ~(p->bar_size[bar] - 1) | (v & (v & PCI_BAR_IO ? 0x3u : 0xfu));
}

static int config_read(void *cookie, int offset, int size, uint32_t *result)
{
    const struct vio_pci *p = cookie;
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    uint8_t bytes[8];
    unsigned first = (unsigned)offset & ~3u;
    for (unsigned i = 0; i < 8; i += 4) {
        unsigned at = first + i;
        uint32_t v = 0;
        if (at < 256 && at >= PCI_BASE_ADDRESS_0 && at < PCI_BASE_ADDRESS_END)
            v = bar_read(p, (at - PCI_BASE_ADDRESS_0) / 4);
        else if (at < 256)
            memcpy(&v, p->space + at, 4);
        memcpy(bytes + i, &v, 4);
    }
    *result = 0;
    memcpy(result, bytes + (offset & 3), (size_t)size);
    return 0;
}

static void set_bar(struct vio_pci *p, unsigned bar, uint32_t value)
{
    memcpy(p->space + PCI_BASE_ADDRESS_0 + 4 * bar, &value, 4);
}

static memory_fault_result_t bar_fault(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t addr, size_t len, void *cookie);

/* BAR 4 to to: the new reservation first, then the old one let go. */
static void move_mmio(struct vio_pci *p, uintptr_t to)
{
    vm_memory_reservation_t *r = vm_reserve_memory_at(p->vm, to, VIO_MODERN_SIZE, bar_fault, p);
    if (!r)
        return;
    vm_free_reserved_memory(p->vm, p->mmio);
    p->mmio = r;
    p->mem_base = to;
    set_bar(p, MODERN_BAR, (uint32_t)to);
}

static void move_bar(struct vio_pci *p, unsigned bar, uint32_t value)
{
    if (bar == 0 && p->io_entry && (value & 0xfffc) != *p->iobase &&
        vcpuctx_io_port_move(p->io, p->io_entry, (uint16_t)(value & 0xfffc)) == 0) {
        *p->iobase = value & 0xfffc;
        set_bar(p, 0, *p->iobase | PCI_BAR_IO);
    } else if (bar == MODERN_BAR && (value & ~0xfu) != p->mem_base && (value & ~0xfu) % VIO_MODERN_SIZE == 0) {
        move_mmio(p, value & ~0xfu);
    }
}

/* Writes the guest may make: the command register, the interrupt line, BAR sizing and BAR moves. */
static int config_write(void *cookie, int offset, int size, uint32_t value)
{
    struct vio_pci *p = cookie;
    if (!PCI_ACCESS_OK(offset, size))
        return -1;
    if (offset >= PCI_BASE_ADDRESS_0 && offset < PCI_BASE_ADDRESS_END && size == 4) {
        unsigned bar = (unsigned)(offset - PCI_BASE_ADDRESS_0) / 4;
        p->sizing = value == 0xffffffffu ? p->sizing | 1u << bar : p->sizing & ~(1u << bar);
        if (value != 0xffffffffu && p->bar_size[bar])
            move_bar(p, bar, value);
    } else if (PCI_COVERS(offset, size, PCI_COMMAND) || PCI_COVERS(offset, size, PCI_COMMAND + 1)) {
        for (int reg = PCI_COMMAND; reg < PCI_COMMAND + 2; reg++)
            if (PCI_COVERS(offset, size, reg))
                p->space[reg] = (uint8_t)(value >> PCI_SHIFT(offset, reg));
    } else if (p->v->msix.nvectors && PCI_COVERS(offset, size, MSIX_CTRL + 1)) {
        msix_control(p, (uint8_t)(value >> PCI_SHIFT(offset, MSIX_CTRL + 1)));
    } else if (offset == PCI_INTERRUPT_LINE && size == 1) {
        p->space[PCI_INTERRUPT_LINE] = (uint8_t)value;
    }
    return 0;
}

static memory_fault_result_t bar_fault(vm_t *vm, vm_vcpu_t *vcpu, uintptr_t addr, size_t len, void *cookie)
{
    (void)vm;
    struct vio_pci *p = cookie;
    uint64_t off = addr - p->mem_base;
    if (len == 0 || len > sizeof(seL4_Word) || off + len > VIO_MODERN_SIZE)
        return FAULT_ERROR;
    bool on = vio_pci_decodes(p, PCI_COMMAND_MEMORY);
    pthread_mutex_lock(&p->v->lock);
    if (is_vcpu_read_fault(vcpu))
        set_vcpu_fault_data(vcpu, on ? (seL4_Word)vio_modern_read(p->v, off, (unsigned)len) : ~(seL4_Word)0);
    else if (on)
        vio_modern_write(p->v, off, (unsigned)len, get_vcpu_fault_data(vcpu));
    pthread_mutex_unlock(&p->v->lock);
    advance_vcpu_fault(vcpu);
    return FAULT_HANDLED;
}

static int signal_msi(void *vm, uint64_t address, uint32_t data)
{
    return vcpuctx_vm_signal_msi(vm, address, data);
}

int vio_pci_init(struct vio_pci *p, vm_t *vm, struct vio *v, vmm_io_port_list_t *io, ioport_entry_t *entry,
                 unsigned int *iobase, uintptr_t mem_base, bool msix)
{
    if (!mem_base || mem_base % VIO_MODERN_SIZE || mem_base + VIO_MODERN_SIZE > (1ull << 32)) {
        errno = EINVAL;
        return -1;
    }
    p->v = v;
    p->vm = vm;
    p->io = io;
    p->io_entry = entry;
    p->iobase = iobase;
    p->mem_base = mem_base;
    p->def.bar4 = (uint32_t)mem_base;
    p->bar_size[0] = entry->range.size;
    p->bar_size[MODERN_BAR] = VIO_MODERN_SIZE;
    if (msix)
        vio_msix_init(&v->msix, v->dev->nqueues + 1, signal_msi, vm);
    build_space(p);
    v->features |= 1ull << 32; /* VIRTIO_F_VERSION_1 */
    p->mmio = vm_reserve_memory_at(vm, mem_base, VIO_MODERN_SIZE, bar_fault, p);
    return p->mmio ? 0 : -1;
}

vmm_pci_entry_t vio_pci_entry(struct vio_pci *p)
{
    return (vmm_pci_entry_t){.cookie = p, .ioread = config_read, .iowrite = config_write};
}

bool vio_pci_decodes(const struct vio_pci *p, unsigned bit)
{
    return p->space[PCI_COMMAND] & bit;
}
