#!/bin/sh
# hostile-campaign.sh: runs random and targeted hostile guests under vcpuctx-run and reports what happened.
# Usage: scripts/hostile-campaign.sh [RUNS] [BUILD_DIR]   (defaults: 300, build); HOSTILE_VERBOSE=1 names each run first
# Required: no VMM crash (signal, sanitizer report) or hang, every run ends with a documented status
# (0, odd, 4 or 124), every status 4 prints a register dump. Exits 1 otherwise.
set -u
if [ ! -e /dev/kvm ]; then
    echo "hostile campaign: skipped: /dev/kvm does not exist on this machine (the tiers run it on kvm_amd and kvm_intel)"
    exit 0
fi
runs=${1:-300}
build=${2:-build}
vmm=$build/vcpuctx-run
gen=$build/hostile-gen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=0 crashes=0 hangs=0 undocumented=0 nodump=0
counts=""

note() { counts="$counts $1"; }

# run KIND-LABEL IMAGE ARGS...: one bounded run, checked.
run() {
    label=$1 img=$2
    shift 2
    total=$((total + 1))
    [ -n "${HOSTILE_VERBOSE:-}" ] && echo "run: $label $*"
    timeout -s KILL 20 "$vmm" --format=raw --timeout=0.5 --max-exits=20000 --debugcon=file:/dev/null \
        --serial=file:/dev/null "$@" "$img" 2>"$tmp/err"
    st=$?
    if [ $st -eq 137 ]; then
        hangs=$((hangs + 1)); echo "HANG: $label $*"
    elif [ $st -ge 128 ] || grep -q -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/err"; then
        crashes=$((crashes + 1)); echo "VMM CRASH ($st): $label $*"; head -20 "$tmp/err"
    elif [ $st -ne 0 ] && [ $st -ne 4 ] && [ $st -ne 124 ] && [ $((st % 2)) -ne 1 ]; then
        undocumented=$((undocumented + 1)); echo "UNDOCUMENTED STATUS $st: $label $*"; cat "$tmp/err"
    elif [ $st -eq 4 ] && ! grep -q -E "^(EIP|RIP)=" "$tmp/err"; then
        nodump=$((nodump + 1)); echo "NO REGISTER DUMP: $label $*"
    fi
    note "$st"
    last=$st
}

i=1
while [ $i -le "$runs" ]; do
    case $((i % 2)) in 0) kind=bytes ;; *) kind=mix ;; esac
    case $((i % 3)) in 0) mode=real ;; 1) mode=protected ;; *) mode=long ;; esac
    "$gen" "$i" "$kind" "$tmp/img" || exit 2
    run "seed $i $kind" "$tmp/img" --entry-mode=$mode
    i=$((i + 1))
done

# Targeted guests: NAME MODE EXPECTED-STATUSES
for t in "strio-wrap protected 1 4 124" "port-flood real 124" "output-flood real 124" "in-loop real 124" \
    "mmio-sweep protected 1" "triple-real real 0 1 4 124" "triple-prot protected 4" "triple-long long 4"; do
    set -- $t
    name=$1 mode=$2
    shift 2
    run "$name" "build/guest/hostile/$name.bin" --entry-mode=$mode
    ok=0
    for want in "$@"; do [ "$last" = "$want" ] && ok=1; done
    if [ $ok -ne 1 ]; then
        undocumented=$((undocumented + 1)); echo "UNEXPECTED: $name ended with $last (want: $*)"
    fi
    echo "targeted: $name ($mode): status $last"
done

summary=$(echo $counts | tr ' ' '\n' | sort -n | uniq -c | awk '{printf "%s status %s x%d", sep, $2, $1; sep=","}')
echo "hostile campaign: $total runs;$summary"
echo "hostile campaign: crashes=$crashes hangs=$hangs undocumented=$undocumented missing-dumps=$nodump"
[ $crashes -eq 0 ] && [ $hangs -eq 0 ] && [ $undocumented -eq 0 ] && [ $nodump -eq 0 ]
