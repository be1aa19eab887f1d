/* bench.h: what bench.c and bench_exits.c share: the results, the exit cases, the timing helpers. */
#ifndef VCPUCTX_BENCH_H
#define VCPUCTX_BENCH_H

#include <errno.h>
#include <stdbool.h>

#include <vcpuctx.h>

#define RAM  (1u << 20) /* guest RAM of every case */
#define REPS 7          /* runs of each case; the table shows medians */

/* Every figure, as medians or ratios of medians. */
struct results {
    double raw, null_ratio, sel4_ratio, qual_ratio, ioctl_ratio, ipe_null, ipe_sel4, ipe_qual, acc_ns, acc_insn;
    double null_ns, sel4_ns, qual_ns; /* ns per exit over the raw loop's, medians of the side-by-side differences */
    double sync_ns;                   /* the same for the raw loop with case 3's KVM work (3'') */
    double floor_ns;                  /* the same for 3'' with case 3's least user-space work (3f) */
    double deep_ns;                   /* the same for the raw loop with KVM_RUN two frames deeper (1') */
    bool have_qemu, have_bios;
    double t_ours, t_irq, t_tcg, t_kvm, s_tcg, s_kvm, t_sb, t_qsb, r_sb;
};

/* Cases 2, 3 and 3b's handlers. */
enum handler { H_NULL, H_SEL4, H_QUAL };

struct lib_result {
    double ns_per_exit, ioctls_per_exit;
};

static inline double max2(double a, double b)
{
    return a > b ? a : b;
}

/* CLOCK_MONOTONIC in ns. */
double now(void);
/* The median of v[0..n) (sorts v). */
double median(double *v, int n);
/* Report what failed, with errno, and exit 1. */
void die(const char *what);
/* One run of n OUT exits through vm_run with handler h: ns and vCPU ioctls per exit (checked). */
struct lib_result lib_case(unsigned n, enum handler h);
/* Cases 1-4, n exits a run, REPS runs side by side: fills their fields of r. */
void exit_cases(unsigned n, struct results *r);

#endif /* VCPUCTX_BENCH_H */
