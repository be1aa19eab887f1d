#!/bin/sh
# bench-insns.sh: instructions per cached accessor call, counted by callgrind (exact and repeatable where
# perf has no hardware counters): two runs of bench --accessors with different counts, the difference per call.
# Usage: scripts/bench-insns.sh BENCH_BINARY [JSON]   (fills accessor_instructions_per_call in JSON if null)
set -eu
bench=$1 json=${2:-}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --accessors "$1" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
a=$(count 100000)
b=$(count 200000)
per=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", (b - a) / 300000 }')
echo "5 instructions per cached call (callgrind)                        $per     tens"
if [ -n "$json" ] && grep -q '"accessor_instructions_per_call": null' "$json"; then
    sed -i "s/\"accessor_instructions_per_call\": null/\"accessor_instructions_per_call\": $per/" "$json"
fi
