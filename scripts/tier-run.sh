#!/bin/sh
# tier-run.sh: what each hardware-virtualization tier runs, inside it (scripts/hwtier.sh boots it). Busybox sh.
# Usage: scripts/tier-run.sh amd|intel   Exits with the number of suites that failed.
set -u
failed=0 ran=0
CRIT="--short-filename --timeout=300 --verbose" # every test named as it starts; none can hang a tier

# suite NAME COMMAND...: run it, note the time (the tier's own clock) and the outcome.
suite() {
    name=$1
    shift
    t0=$(date +%s)
    "$@"
    st=$?
    ran=$((ran + 1))
    [ $st -eq 0 ] || failed=$((failed + 1))
    echo "tier: $name: status $st, $(($(date +%s) - t0)) s"
}

# The suites of one ABI's build: unit, integration (plain and without SYNC_REGS) or only its host-dependent part,
# and the example VMMs.
abi() {
    b=$1 filter=$2
    suite "$b unit" "$b/tests/unit-tests" --short-filename
    suite "$b integration" "$b/tests/integration-tests" $CRIT $filter
    suite "$b integration, no SYNC_REGS" env VCPUCTX_NO_SYNC_REGS=1 "$b/tests/integration-tests" $CRIT $filter
    for e in "$b"/examples/*/vmm; do
        suite "$b example $(basename "$(dirname "$e")")" "$e" "$(dirname "$e")/guest.bin"
    done
}

build/exit-facts
case "${1:-}" in
amd)
    # Everything but the QEMU conformance suite: unit, integration (CLI, SeaBIOS, gdb included), both ABIs; and
    # Debian's kernel booted as a guest (TCG speed here; under Bochs it would take far longer than the bound).
    abi build ""
    abi build/ia32 ""
    suite "hostile campaign" scripts/hostile-campaign.sh 60 build
    suite "Linux: Debian's kernel and a busybox initramfs" scripts/linux-boot.sh build
    suite "Linux: the root file system on a virtio disk" scripts/linux-virtio.sh build
    ;;
intel)
    # Bochs is slow: the suites whose outcome depends on the host, both ABIs.
    f="--filter=@(context|fields|vm|ram|io|exits|fastpath|debug|loader|irq|fault|memory|smp|cpu|pci|microkit)/*"
    abi build "$f"
    abi build/ia32 "$f"
    suite "CLI crash, status and interrupt cases" build/tests/integration-tests $CRIT \
        "--filter=cli/@(exit_statuses|trace_stats_and_dump_go_to_stderr|paging32_*|seabios_reaches_no_bootable_device|the_pci_host_bridge_*|the_command_register_*|seabios_boots_the_virtio_disk|seabios_boots_the_ata_disk|ram_above_4_gib_*|serial_*|smp_*|cpu_*|the_rtc_alarm_*|a_suspended_*)"
    # The targeted hostile guests only: a random one (seed 3, real mode) stopped Bochs's VT-x itself, the tier's
    # own timers dead for good (measured twice); the random campaign runs in the amd tier and on the host.
    suite "hostile campaign (targeted guests)" scripts/hostile-campaign.sh 0 build
    ;;
*)
    echo "usage: tier-run.sh amd|intel" >&2
    exit 2
    ;;
esac
echo "tier: $ran suites, $failed failed"
exit $failed
