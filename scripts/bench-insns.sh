#!/bin/sh
# bench-insns.sh: instructions counted by callgrind (exact and repeatable where perf has no hardware counters),
# each from two runs with different counts, the difference per call or per exit: a cached accessor call
# (bench --accessors N) and one exit of cases 2, 3 and 3b in user space (bench --exits KIND N).
# Usage: scripts/bench-insns.sh BENCH_BINARY [JSON]   (fills accessor_instructions_per_call in JSON if null, and
# adds the per-exit counts)
set -eu
bench=$1 json=${2:-}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" "$@" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per() { # per() FIRST SECOND N: (SECOND - FIRST) / N
    awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", (b - a) / n }'
}
acc=$(per "$(count --accessors 100000)" "$(count --accessors 200000)" 300000)
printf '%-58s %12s %8s\n' "5 instructions per cached call (callgrind)" "$acc" tens
for kind in null sel4 qual; do
    n=$(per "$(count --exits "$kind" 10000)" "$(count --exits "$kind" 20000)" 10000)
    printf '%-58s %12s %8s\n' "instructions in user space per exit, $kind handler" "$n" ""
    eval "ipe_$kind=$n"
done
if [ -n "$json" ]; then
    if grep -q '"accessor_instructions_per_call": null' "$json"; then
        sed -i "s/\"accessor_instructions_per_call\": null/\"accessor_instructions_per_call\": $acc/" "$json"
    fi
    sed -i '/"user_instructions_per_exit_/d' "$json"
    sed -i "s/^{\$/{\n  \"user_instructions_per_exit_null\": $ipe_null,\n  \"user_instructions_per_exit_sel4\": $ipe_sel4,\n  \"user_instructions_per_exit_qual\": $ipe_qual,/" "$json"
fi
