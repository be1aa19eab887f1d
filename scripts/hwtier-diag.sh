#!/bin/bash
# hwtier-diag.sh: checks that a tier whose emulator fails says why. Each tier is started with a configuration that
# names a firmware file that does not exist; hwtier.sh must end with status 125 and show the emulator's own message
# naming that file. Exits 0 when both tiers do, 1 otherwise (with what hwtier.sh printed).
set -u
cd "$(dirname "$0")/.."
missing=/nonexistent/vcpuctx-hwtier-diag.bin
failed=0

# check TIER EMU-ARG...: run the tier with the broken configuration and judge what it printed.
check() {
    local tier=$1 out st
    shift
    out=$(scripts/hwtier.sh "$tier" --timeout=120 "${@/#/--emu-arg=}" true 2>&1)
    st=$?
    if [ "$st" = 0 ] && grep -q '^hwtier: skipped' <<<"$out"; then
        echo "hwtier-diag: $tier tier: $(grep '^hwtier: skipped' <<<"$out")"
    elif [ "$st" = 125 ] && grep -q "^  | .*$missing" <<<"$out"; then
        echo "hwtier-diag: $tier tier: a missing firmware file ends with status 125 and the emulator's own words:"
        grep "^  | .*$missing" <<<"$out" | head -2
    else
        echo "hwtier-diag: $tier tier: status $st, and the emulator's message naming $missing was not shown:"
        echo "$out" | tail -30
        failed=1
    fi
}

check intel "romimage: file=$missing"
check amd -bios "$missing"
exit $failed
