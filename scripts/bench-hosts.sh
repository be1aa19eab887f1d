#!/bin/sh
# bench-hosts.sh: make bench's per-host table: cases 1-4 (raw exit; null, seL4-style and qualification-reading
# handlers, in ns per exit over raw and as ratios; the seL4-style handler's kernel work (sync) and its floor
# (floor: that plus the least decode, any VMM's cost of case 3); the raw loop with KVM_RUN deeper; ioctls per exit)
# on this host's KVM and inside each hardware-virtualization tier (scripts/hwtier.sh), side by side.
# Usage: scripts/bench-hosts.sh BUILD_DIR   Writes BUILD_DIR/bench-hosts.txt.
set -eu
build=${1:-build}
out=$build/bench-hosts.txt
here=$(pwd)
with="--with=$here/$build/bench"
lines=$("$build/bench" --host)
for tier in amd intel; do
    l=$(scripts/hwtier.sh "$tier" --timeout=1200 $with "$build/bench --host 2000" 2>&1 | grep -a '^bench-host\|^hwtier: skipped' || true)
    lines="$lines
${l:-bench-host $tier-tier failed}"
done
{
    printf '%-10s %8s %9s %9s %9s %9s %9s %9s %7s %7s %9s %14s\n' host "raw ns" "null +ns" "seL4 +ns" "qual +ns" \
        "sync +ns" "floor +ns" "deep +ns" "null x" "seL4 x" "ioctls x" "ioctls/exit"
    printf '%s\n' "$lines" | awk '/^bench-host [^ ]* failed$/ { printf "%-10s failed (see scripts/hwtier.sh)\n", $2; next }
        /^bench-host/ {
        n = split($0, f, " "); row = f[2]; split("", v)
        for (i = 3; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
        printf "%-10s %8s %9s %9s %9s %9s %9s %9s %7s %7s %9s %14s\n", row, v["raw_ns"], v["null_over_ns"],
            v["sel4_over_ns"], v["qual_over_ns"], v["sync_over_ns"], v["floor_over_ns"], v["deep_over_ns"],
            v["null_ratio"], v["sel4_ratio"], v["ioctl_ratio"], v["ioctls"] }
        /^hwtier: skipped/ { print }'
} | tee "$out"
if printf '%s\n' "$lines" | grep -q '^bench-host [^ ]* failed$'; then
    echo "bench-hosts: a tier's bench run failed (its row says so)" >&2
    exit 1
fi
