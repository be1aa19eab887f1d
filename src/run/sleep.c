/* sleep.c: suspend to RAM (S3), as QEMU's PC does it: the machine stops with its RAM kept, the RTC alarm wakes it
   when the guest enabled that (RTC_EN in PM1, AIE in the RTC), and the wake is a reset that firmware turns into a
   jump to the FACS's waking vector (SeaBIOS's s3_resume), here done by the VMM itself. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "../devices/devices.h"
#include "run.h"

enum { POLL_NS = 10 * 1000 * 1000 };

/* Whether the sleep ends now, and with what (SLEEP_WOKEN or a status). */
static bool sleep_ends(struct cmos *c, struct acpi_pm *pm, double deadline, int *status)
{
    int sig = signals_stop_requested();
    if (sig) {
        fprintf(stderr, "vcpuctx-run: stopped by %s while suspended\n", signals_name(sig));
        *status = STATUS_SIGNAL + sig;
    } else if (cmos_tick(c, (int64_t)time(NULL)) && acpi_pm_rtc_wakes(pm)) {
        *status = SLEEP_WOKEN;
    } else if (!cmos_alarm_enabled(c) || !acpi_pm_rtc_wakes(pm)) {
        fprintf(stderr, "vcpuctx-run: the guest suspended to RAM (S3) with no wake source enabled\n");
        *status = STATUS_HALTED;
    } else if (deadline > 0 && now_seconds() >= deadline) {
        fprintf(stderr, "vcpuctx-run: --timeout reached while suspended\n");
        *status = STATUS_TIMEOUT;
    } else {
        return false;
    }
    return true;
}

int sleep_until_woken(struct cmos *c, struct acpi_pm *pm, double deadline)
{
    int status;
    cmos_suspend(c);
    while (!sleep_ends(c, pm, deadline, &status)) {
        struct timespec ts = {0, POLL_NS};
        nanosleep(&ts, NULL); /* a signal cuts it short */
    }
    return status;
}

int sleep_resume_cpu(vm_vcpu_t *vcpu, uint32_t vector)
{
    if (vector > 0xfffff) {
        errno = ERANGE; /* real mode reaches the first MiB only */
        return -1;
    }
    if (mode_real_at(vcpu, (uint16_t)(vector >> 4), (uint16_t)(vector & 0xf)) < 0)
        return -1;
    return mode_firmware_lapic(vcpu);
}
