#!/bin/sh
# stage.sh: times the stages of `make test`, so that every CI log shows where its time goes.
# Usage:
#   scripts/stage.sh --start FILE          begins a new record in FILE (the run's start time)
#   scripts/stage.sh FILE NAME COMMAND...  runs COMMAND, adds NAME's wall time and status to FILE, exits with its status
#   scripts/stage.sh --report FILE         prints the record: each stage, the time since --start, and a closing line
#                                          "stages: N passed, M failed"
# Stages may run side by side (the tiers): each adds its own line when it ends.
set -u

case "${1:-}" in
--start)
    mkdir -p "$(dirname "$2")"
    echo "start $(date +%s)" >"$2"
    ;;
--report)
    [ -f "$2" ] || exit 0
    now=$(date +%s)
    echo "make test: wall time by stage"
    awk -F '\t' -v now="$now" '
        $1 ~ /^start / { split($1, a, " "); start = a[2]; next }
        { printf "  %-40s %6d s%s\n", $1, $2, $3 == 0 ? "" : "  (failed: status " $3 ")" }
        $1 !~ /^start / { if ($3 == 0) passed++; else failed++ }
        END {
            if (start) printf "  %-40s %6d s\n", "total", now - start
            printf "stages: %d passed, %d failed\n", passed, failed
        }' "$2"
    ;;
*)
    file=$1 name=$2
    shift 2
    t0=$(date +%s)
    "$@"
    st=$?
    printf '%s\t%d\t%d\n' "$name" $(($(date +%s) - t0)) "$st" >>"$file"
    exit $st
    ;;
esac
