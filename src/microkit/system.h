/* system.h: the Microkit system as the launcher (vcpuctx-microkit) lays it out for the runtime (libvcpuctx-microkit):
   one shared memory file every PD maps, holding what the description says of each PD and the kernel's state that
   seL4 keeps for it (pending notification bits, a protected procedure call in progress). Private to the two. */
#ifndef VCPUCTX_MK_SYSTEM_H
#define VCPUCTX_MK_SYSTEM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define MK_MAGIC       0x766d6b31u /* "vmk1" */
#define MK_NAME_LEN    64
#define MK_PATH_LEN    256
#define MK_MAX_PDS     63 /* Microkit's limit */
#define MK_MAX_MRS     128
#define MK_MAX_IDS     63  /* channel ids 0..61, I/O port ids 0..62 */
#define MK_MAX_MAPS    32  /* per PD, and per VM */
#define MK_MAX_SETVARS 32  /* per PD */
#define MK_MRS         120 /* message registers (seL4_MsgMaxLength) */
#define MK_PHYS_NONE   UINT64_MAX
#define MK_PHYS_BASE   0x100000000ULL     /* regions without phys_addr get physical addresses from here up */
#define MK_PHYS_TOP    (1ULL << 52)       /* x86-64's widest physical address space */
#define MK_ENV         "VCPUCTX_MICROKIT" /* "FD:PD": the system file's descriptor, this PD's index */

/* Map permissions, as the description's perms="rwx" letters. */
enum { MK_PERM_R = 1, MK_PERM_W = 2, MK_PERM_X = 4 };

struct mk_mr {
    char name[MK_NAME_LEN];
    uint64_t size;      /* bytes, whole pages */
    uint64_t page_size; /* 4 KiB or 2 MiB */
    uint64_t phys_addr; /* its physical (I/O) address: phys_addr=, or one the launcher gave it */
    bool phys_given;    /* phys_addr= was written */
    int fd;             /* its memory file, inherited by every PD */
};

struct mk_map {
    uint32_t mr;    /* index into mrs */
    uint32_t perms; /* MK_PERM_* */
    uint64_t vaddr; /* the PD's address, or the guest-physical address in a VM */
    bool cached;
};

struct mk_setvar {
    char symbol[MK_NAME_LEN];
    uint64_t value;
    uint64_t addr; /* the symbol's value in the image (before a PIE's load bias) */
};

/* One end of a channel, indexed by this PD's id. */
struct mk_end {
    bool used;
    bool notify;     /* this end may notify the other */
    bool pp;         /* this end may call the other (the other end has pp="true") */
    uint8_t peer;    /* the other PD */
    uint8_t peer_id; /* the channel's id at the other end */
};

struct mk_irq {
    bool used;
    uint8_t pin, vector, ioapic;
    bool level;      /* trigger="level" */
    bool active_low; /* polarity="low" */
};

struct mk_ioport {
    bool used;
    uint16_t addr, size;
};

struct mk_vm {
    bool present;
    char name[MK_NAME_LEN];
    uint32_t vcpu_id;
    uint32_t nmaps;
    struct mk_map maps[MK_MAX_MAPS];
};

/* What the description says of one PD. */
struct mk_pd {
    char name[MK_NAME_LEN];
    char image[MK_PATH_LEN];
    uint32_t priority;
    bool passive;
    uint64_t stack_size;
    struct mk_end ends[MK_MAX_IDS];
    struct mk_irq irqs[MK_MAX_IDS];
    struct mk_ioport ioports[MK_MAX_IDS];
    uint32_t nmaps, nsetvars;
    struct mk_map maps[MK_MAX_MAPS];
    struct mk_setvar setvars[MK_MAX_SETVARS];
    struct mk_vm vm;
};

/* The kernel's state for one PD, changed by every PD: its notification word, and its endpoint. */
enum { MK_PPC_IDLE, MK_PPC_ASKED, MK_PPC_ANSWERED };
struct mk_kernel {
    _Atomic uint64_t pending; /* notification badge bits not yet received */
    _Atomic int in_vmenter;   /* its thread is in VMEnter: a notification kicks it (kick_signal) */
    _Atomic int pid;
    int efd;              /* eventfd that wakes it (the same number in every PD) */
    pthread_mutex_t call; /* one caller at a time (process-shared) */
    _Atomic int ppc;      /* MK_PPC_* */
    uint32_t ppc_id;      /* the channel's id at this (the called) end */
    uint64_t ppc_tag;
    uint64_t ppc_mrs[MK_MRS];
};

/* The board's host-backed devices, opened by the launcher (--disk, --net) and inherited by every PD. */
struct mk_board_files {
    int disk_fd; /* -1: none; open and locked */
    bool disk_readonly;
    uint64_t disk_bytes;
    int tap_fd; /* -1: none; non-blocking, each frame behind a 12-byte virtio-net header */
};

struct mk_system {
    uint32_t magic;
    uint32_t npds, nmrs;
    _Atomic int halted; /* a PD asked the system to stop (the board's debug exit) */
    _Atomic int halt_status;
    struct mk_board_files board;
    struct mk_mr mrs[MK_MAX_MRS];
    struct mk_pd pds[MK_MAX_PDS];
    struct mk_kernel kernel[MK_MAX_PDS];
};

/* The signal that ends a VMEnter when a notification arrives (a real-time signal, as vcpuctx's own kick). */
#define MK_KICK_SIGNAL (SIGRTMIN + 3)

#endif /* VCPUCTX_MK_SYSTEM_H */
