/* stub.h: the GDB stub's own parts: packet layer, register map, run control, the session's state. */
#ifndef VCPUCTX_GDB_STUB_H
#define VCPUCTX_GDB_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vcpuctx.h>

#include "gdb.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The architectural bits the stub reads (Intel SDM vol. 3: 2.2.1, 6.3, 24.4.1). */
#define EFER_LMA (1ULL << 10)
#define VEC_DB   1
#define AR_L     (1u << 13) /* 64-bit code segment */

#define GDB_PACKET_MAX 0x4000 /* the PacketSize announced: the largest packet accepted or sent */

/* gdb_proto.c: RSP framing on a stream socket (no KVM here: unit-tested). */
struct rsp {
    int fd;                 /* -1: no debugger */
    bool noack;             /* QStartNoAckMode in force */
    bool pending_interrupt; /* a 0x03 arrived while we waited for something else */
    uint8_t in[4096];
    size_t head, tail;
};

enum rsp_event {
    RSP_PACKET = 0,    /* a packet with a good checksum, unescaped, NUL-terminated */
    RSP_INTERRUPT = 1, /* the interrupt byte 0x03 (Ctrl-C) */
    RSP_TOOLONG = 2,   /* a packet longer than the caller's buffer (consumed, acknowledged) */
    RSP_CLOSED = -1,   /* the debugger went away (EOF or a socket error) */
};

void rsp_init(struct rsp *c, int fd);
/* Next packet or interrupt; blocks. NAKs bad checksums and waits for the resend. */
int rsp_read_packet(struct rsp *c, char *out, size_t cap, size_t *len);
/* Send data as one packet (escaping $ # } *), and in ack mode wait for '+', resending on '-'. 0 or -1. */
int rsp_send(struct rsp *c, const char *data, size_t len);
int rsp_send_str(struct rsp *c, const char *s);
/* Without blocking: 1 if an interrupt byte is waiting (consumed), 0 if not, RSP_CLOSED if gone. */
int rsp_poll_interrupt(struct rsp *c);

/* Hex helpers for the packets. */
void hex_encode(char *out, const uint8_t *in, size_t n);
int hex_decode(uint8_t *out, const char *in, size_t n); /* n bytes from 2n digits; -1 on a bad digit */
int hex_parse(const char **p, uint64_t *v);             /* one or more digits; -1 if none or overflow */

/* gdb_regs.c: the register layouts gdb sees, and their target descriptions. */
struct gdb_reg;
struct gdb_arch {
    const char *name; /* "i386" or "i386:x86-64" */
    const struct gdb_reg *regs;
    size_t nregs;
};
const struct gdb_arch *gdb_arch_for(bool long_mode);
/* The target description XML for arch (static storage). */
const char *gdb_target_xml(const struct gdb_arch *arch, size_t *len);
/* Bytes of register n in the g packet, 0 if n is out of range. */
size_t gdb_reg_size(const struct gdb_arch *arch, size_t n);
/* Read register n as little-endian bytes into out; fpu is loaded on first use (*have_fpu). -1: unavailable. */
int gdb_reg_read(vm_vcpu_t *vcpu, const struct gdb_arch *arch, size_t n, uint8_t *out, struct vcpuctx_fpu *fpu,
                 bool *have_fpu);
/* Write register n from little-endian bytes; x87/SSE go to fpu (*fpu_dirty), flushed by the caller. */
int gdb_reg_write(vm_vcpu_t *vcpu, const struct gdb_arch *arch, size_t n, const uint8_t *in, struct vcpuctx_fpu *fpu,
                  bool *have_fpu, bool *fpu_dirty);

#define GDB_MAX_BPS 64

struct gdb_bp {
    uint64_t addr;
    uint8_t type; /* the Z packet's type: 0 software, 1 hardware, 2 write, 3 read, 4 access */
    uint8_t len;
    uint8_t old[8]; /* a software-emulated write watchpoint: the value before */
};

struct gdb {
    int listen_fd;
    unsigned port; /* the port listened on (chosen by the kernel for --gdb=0) */
    struct rsp rsp;
    vm_vcpu_t *vcpu;
    bool exec_bps;                     /* the host delivers execute breakpoints (probed at gdb_listen) */
    bool data_bps;                     /* the host delivers data breakpoints (probed at gdb_listen) */
    int slot[VCPUCTX_MAX_BREAKPOINTS]; /* debug register i holds bps[slot[i]] */
    const struct gdb_arch *arch;
    struct gdb_bp bps[GDB_MAX_BPS];
    size_t nbps;
    bool step;              /* the debugger asked for one instruction */
    bool stepping_over;     /* our own step past a breakpoint at RIP before continuing */
    bool soft;              /* stepping every instruction for breakpoints that have no debug register */
    bool swbreak, hwbreak;  /* stop reasons the debugger understands */
    double stopped_seconds; /* time spent stopped in sessions (--timeout does not count it) */
    char stop_reply[96];
    char pkt[GDB_PACKET_MAX + 1];
};

/* gdb_run.c: breakpoints and run control. */
/* Insert or remove a Z-packet breakpoint: 0, or -1 with errno ENOTSUP (type not available here), ENOSPC, EFAULT. */
int gdb_bp_insert(struct gdb *g, unsigned type, uint64_t addr, uint64_t kind);
int gdb_bp_remove(struct gdb *g, unsigned type, uint64_t addr, uint64_t kind);
/* Program single-step and debug registers for the resume the debugger asked for (g->step). */
int gdb_arm(struct gdb *g);
/* Remove every breakpoint and stop stepping (detach). */
void gdb_disarm(struct gdb *g);
/* Probe whether this host delivers debug-register breakpoints of a type (a throwaway VM). */
bool gdb_probe_breakpoints(enum vcpuctx_bp_type type);

/* gdb_monitor.c: a qRcmd (gdb's "monitor" command, hex-encoded): output as O packets, then OK. */
int gdb_monitor(struct gdb *g, const char *hex);

/* gdb_exits.c: a new boot: register the exit hooks on vm and arm the breakpoints on vcpu. */
int gdb_attach(struct gdb *g, vm_t *vm, vm_vcpu_t *vcpu);

/* gdb.c: the session. */
/* The guest is stopped: record the stop reply (signal, extra "key:value;" pairs), send it when announce
   (not before the first instruction: gdb asks with '?'), and serve the debugger until it resumes the guest.
   Returns VM_EXIT_HANDLED (resumed, detached or gone), VCPUCTX_EXIT_STOP (killed) or VM_EXIT_HANDLE_ERROR. */
int gdb_stop(struct gdb *g, int signal, const char *extra, bool announce);
/* Close the debugger's connection (the listening socket stays). */
void gdb_hang_up(struct gdb *g);

/* A field read where 0 will do (the stub reads what the vCPU shows; a failed read shows as 0). */
static inline seL4_Word gdb_field(vm_vcpu_t *vcpu, seL4_Word field)
{
    seL4_Word v = 0;
    vm_get_vmcs_field(vcpu, field, &v);
    return v;
}

/* Z-packet breakpoint types. */
enum { Z_SW = 0, Z_HW = 1, Z_WRITE = 2, Z_READ = 3, Z_ACCESS = 4 };

static inline bool gdb_bp_is_exec(const struct gdb_bp *b)
{
    return b->type == Z_SW || b->type == Z_HW;
}

/* The linear address of the next instruction: CS base + RIP, wrapped to 32 bits outside 64-bit code. */
static inline uint64_t gdb_pc_linear(vm_vcpu_t *vcpu)
{
    uint64_t la = (uint64_t)gdb_field(vcpu, VMX_GUEST_CS_BASE) + (uint64_t)gdb_field(vcpu, VMX_GUEST_RIP);
    bool code64 = (gdb_field(vcpu, VMX_GUEST_CS_ACCESS_RIGHTS) & AR_L) && (gdb_field(vcpu, VMX_GUEST_EFER) & EFER_LMA);
    return code64 ? la : (uint32_t)la;
}

static inline bool gdb_connected(const struct gdb *g)
{
    return g->rsp.fd >= 0;
}

#endif /* VCPUCTX_GDB_STUB_H */
