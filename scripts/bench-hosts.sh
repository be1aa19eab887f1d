#!/bin/sh
# bench-hosts.sh: make bench's per-host table: cases 1-4 (raw exit, null and seL4-style handler, ioctls per exit)
# on this host's KVM and inside each hardware-virtualization tier (scripts/hwtier.sh), side by side.
# Usage: scripts/bench-hosts.sh BUILD_DIR   Writes BUILD_DIR/bench-hosts.txt.
set -eu
build=${1:-build}
out=$build/bench-hosts.txt
here=$(pwd)
with="--with=$here/$build/bench"
lines=$("$build/bench" --host)
for tier in amd intel; do
    l=$(scripts/hwtier.sh "$tier" --timeout=1200 $with "$build/bench --host" 2>&1 | grep -a '^bench-host\|^hwtier: skipped' || true)
    lines="$lines
${l:-bench-host $tier-tier failed}"
done
{
    printf '%-10s %10s %12s %12s %8s %8s %10s %9s\n' host "raw ns" "null +ns" "seL4 +ns" "null x" "seL4 x" "ioctls x" "ioctls"
    printf '%s\n' "$lines" | awk '/^bench-host/ {
        n = split($0, f, " "); row = f[2]
        for (i = 3; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
        printf "%-10s %10s %12s %12s %8s %8s %10s %9s\n", row, v["raw_ns"], v["null_over_ns"], v["sel4_over_ns"],
            v["null_ratio"], v["sel4_ratio"], v["ioctl_ratio"], v["ioctls"] }
        /^hwtier: skipped/ { print }'
} | tee "$out"
