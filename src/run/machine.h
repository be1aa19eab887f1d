/* machine.h: vcpuctx-run's machine, shared by vmm.c (each boot and the run) and exits.c (its exit handlers). */
#ifndef VCPUCTX_RUN_MACHINE_H
#define VCPUCTX_RUN_MACHINE_H

#include "../devices/devices.h"
#include "../gdb/gdb.h"
#include "run.h"

struct machine {
    const struct options *o;
    vm_t *vm;
    vm_vcpu_t *vcpu;
    struct sink dbg_sink, ser_sink, fw_sink, con_sink;
    struct debugcon dcon, fwcon;
    struct ata disk;
    struct blkfile vdisk[MAX_VIRTIO_DRIVES]; /* the virtio disks' images (--drive=...,if=virtio) */
    struct tap tap;                          /* the virtio network device's (--nic) */
    struct uart16550 com1;
    struct debug_exit dexit;
    struct cmos cmos;
    struct sysctl sys;
    struct fw_cfg fwcfg;
    struct i8042 kbd;
    struct acpi_pm pm;         /* with ACPI tables (the Linux format) */
    struct pc_testdev testdev; /* --device=pc-testdev */
    struct pcibus pci;
    bool acpi;
    bool cmos_kept;     /* the CMOS is the last boot's (NVRAM survives a reset, as on a PC) */
    uint32_t resume_at; /* this boot resumes from S3 at this FACS waking vector (0: an ordinary boot) */
    bool irqchip;
    struct vmm_hooks hooks; /* a debugger's (ctx NULL: none); kept across reboots */
    vm_t *kept_vm;          /* the VM that reset, until the next boot has its RAM (a warm reset), or NULL */
    bool killed;            /* a hook said the debugger killed the guest */
    uint64_t exits, by_reason[VM_EXIT_REASON_NUM + 1], unclaimed_ports, mmio_unmapped;
    int status;
    const char *crash;
};

/* exits.c: register the machine's exit handlers, callbacks and observer on its VM (0, or -1 with errno); a hook's
   verdict, with the debugger killing the guest recorded (it ends the run with STATUS_KILLED). */
int machine_handle_exits(struct machine *m);
int machine_hooked(struct machine *m, int r);

#endif /* VCPUCTX_RUN_MACHINE_H */
