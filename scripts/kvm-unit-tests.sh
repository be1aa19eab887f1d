#!/bin/bash
# kvm-unit-tests.sh: runs each entry of kvm-unit-tests' x86/unittests.cfg under QEMU -accel kvm and under
# vcpuctx-run with the same options, and prints one table row per entry. It fetches and builds nothing: it takes a
# kvm-unit-tests tree that is already configured (--arch=x86_64) and built.
#
# Usage: scripts/kvm-unit-tests.sh [--vmm=both|qemu|vcpuctx] [--run=PATH] [--qemu=PATH] [--only=NAME,...]
#                                  [--max-timeout=SECONDS] [--logs=DIR] KUT_DIR
#   --run      vcpuctx-run to use (default: build/vcpuctx-run of this repository)
#   --qemu     qemu-system-x86_64 to use (default: the one on PATH)
#   --only     run only these entries
#   --max-timeout  cap each entry's timeout (default: the entry's own, else kvm-unit-tests' 90 s)
#   --logs     keep each run's output as DIR/NAME.qemu and DIR/NAME.vcpuctx (default: a temporary directory)
# Output: "| entry | QEMU | vcpuctx-run |" rows, then one "kvm-unit-tests: ..." count line. A result is
#   PASS (status 1: the test wrote 0 to isa-debug-exit), FAIL (status 3), SKIP (status 77, or an entry this host
#   does not meet: its arch, check or nodefault group), TIMEOUT, REFUSED (vcpuctx-run status 2: its error line
#   follows), ERROR (QEMU refused its options: its line follows), CRASH (vcpuctx-run status 4), RESET (QEMU
#   status 0: under -no-reboot a reset or triple fault ends QEMU), or "status N"; a QEMU option vcpuctx-run has
#   no equivalent for is named as "NO OPTION". Each result carries the test's own SUMMARY line's counts when it
#   printed one.
# Exit status: 0 when every entry that passes under QEMU passes under vcpuctx-run, 1 otherwise, 2 bad usage.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
vmm=both run=$repo/build/vcpuctx-run qemu=qemu-system-x86_64 only="" maxto="" logs=""
while [ $# -gt 1 ]; do
    case "$1" in
    --vmm=*) vmm=${1#*=} ;;
    --run=*) run=${1#*=} ;;
    --qemu=*) qemu=${1#*=} ;;
    --only=*) only=,${1#*=}, ;;
    --max-timeout=*) maxto=${1#*=} ;;
    --logs=*) logs=${1#*=} ;;
    *) echo "kvm-unit-tests.sh: unknown option $1" >&2 && exit 2 ;;
    esac
    shift
done
kut=${1:-}
cfg=$kut/x86/unittests.cfg
if [ -z "$kut" ] || [ ! -f "$cfg" ] || [ ! -f "$kut/x86/s3.flat" ]; then
    echo "usage: kvm-unit-tests.sh [OPTIONS] KUT_DIR (a built kvm-unit-tests tree: x86/unittests.cfg, x86/*.flat)" >&2
    exit 2
fi
[ -n "$logs" ] || logs=$(mktemp -d)
mkdir -p "$logs"

# What the entry's own SUMMARY line counts, as "(N tests, M failures...)", or nothing.
summary() {
    local s
    s=$(grep -a -m1 '^SUMMARY:' "$1" 2>/dev/null | sed 's/^SUMMARY: //; s/unexpected failures/failed/') || true
    [ -n "$s" ] && echo " ($s)"
}

# A status as a result word (QEMU and vcpuctx-run both exit (V << 1) | 1 for isa-debug-exit's V).
verdict() {
    local st=$1 log=$2
    case $st in
    1) echo "PASS$(summary "$log")" ;;
    3) echo "FAIL$(summary "$log")" ;;
    77) echo "SKIP$(summary "$log")" ;;
    124) echo "TIMEOUT$(summary "$log")" ;;
    *) echo "status $st$(summary "$log")" ;;
    esac
}

# vcpuctx-run's options for QEMU's: the same guest RAM (QEMU's default 128 MiB), CPUs, CPU model and command line.
# Prints them one per line, or "NO OPTION <opt>" for a QEMU option with no equivalent.
translate() {
    local smp=$1 args=$2 params=$3 m=128M
    local -a p
    read -r -a p <<<"$params"
    local out=("--smp=$smp")
    local i=0
    while [ $i -lt ${#p[@]} ]; do
        case "${p[$i]}" in
        -cpu) out+=("--cpu=${p[$((i + 1))]}") && i=$((i + 1)) ;;
        -m) m=${p[$((i + 1))]} && i=$((i + 1)) && [[ $m =~ ^[0-9]+$ ]] && m=${m}M ;;
        -enable-kvm) ;;
        *) echo "NO OPTION ${p[$i]} ${p[$((i + 1))]:-}" && return ;;
        esac
        i=$((i + 1))
    done
    out+=("-m" "$m")
    [ -n "$args" ] && out+=("--append=$args")
    printf '%s\n' "${out[@]}"
}

# The entry's arguments as kvm-unit-tests reads them (quotes, and backticks run now: a `date +%s` is this run's).
now_args() {
    set -f
    eval "echo $1"
    set +f
}

run_qemu() { # name file smp args params timeout
    local log=$logs/$1.qemu
    set -- "$1" "$2" "$3" "$(now_args "$4")" "$5" "$6"
    # shellcheck disable=SC2086 # the entry's QEMU parameters are words, as kvm-unit-tests' runner splits them
    timeout "$6" "$qemu" --no-reboot -nodefaults -global kvm-pit.lost_tick_policy=discard -device pc-testdev \
        -device isa-debug-exit,iobase=0xf4,iosize=0x4 -display none -serial stdio -device pci-testdev \
        -machine accel=kvm -kernel "$kut/x86/$2" -smp "$3" $5 ${4:+-append "$4"} >"$log" 2>&1 </dev/null
    local st=$? err
    grep -aq 'terminating on signal 15' "$log" && st=124 # a timeout(1) that passes QEMU's own status 0 on
    err=$(grep -a -m1 '^qemu-system-x86_64: ' "$log" | grep -av 'warning:\|terminating on signal')
    if [ -n "$err" ]; then # QEMU's own error exits with 1, as a pass does
        echo "ERROR: ${err#qemu-system-x86_64: }"
    elif [ $st -eq 0 ]; then
        echo "RESET (status 0: a reset or triple fault under -no-reboot)"
    else
        verdict $st "$log"
    fi
}

run_vcpuctx() { # name file smp args params timeout
    local log=$logs/$1.vcpuctx opts
    set -- "$1" "$2" "$3" "$(now_args "$4")" "$5" "$6"
    mapfile -t opts <<<"$(translate "$3" "$4" "$5")" # no /dev/fd needed
    if [[ ${opts[0]} == NO\ OPTION* ]]; then
        echo "${opts[0]}" && : >"$log" && return
    fi
    "$run" --no-reboot --device=pc-testdev --serial=stdio --debugcon=none --timeout="$6" "${opts[@]}" \
        --kernel="$kut/x86/$2" >"$log" 2>&1 </dev/null
    local st=$?
    case $st in
    2) echo "REFUSED: $(grep -a -m1 '^vcpuctx-run: [^w]' "$log" | sed 's/^vcpuctx-run: //')" ;;
    4) echo "CRASH: $(grep -a -m1 'guest crashed' "$log" | sed 's/^vcpuctx-run: guest crashed: //')" ;;
    *) verdict $st "$log" ;;
    esac
}

# Why this host does not run an entry (kvm-unit-tests' own rules), or nothing.
unmet() { # arch groups check accel
    [ -n "$1" ] && [ "$1" != x86_64 ] && echo "arch $1" && return
    [[ " $2 " == *" nodefault "* ]] && echo "group nodefault" && return
    local c
    for c in $3; do
        local f=${c%%=*} want=${c#*=}
        [ "$(cat "$f" 2>/dev/null)" = "$want" ] || { echo "check ${f##*/}=$want" && return; }
    done
    [ -n "$4" ] && [ "$4" != kvm ] && echo "accel $4"
}

pass_q=0 pass_v=0 lost=0 rows=0
entry() {
    [ -n "$name" ] || return 0
    [ -z "$only" ] || [[ $only == *",$name,"* ]] || return 0
    local to=${timeout:-90} why q="-" v="-"
    [ -n "$maxto" ] && [ "$to" -gt "$maxto" ] && to=$maxto
    why=$(unmet "$arch" "$groups" "$check" "$accel")
    if [ -n "$why" ]; then
        q="SKIP ($why)" v="SKIP ($why)"
    else
        [ "$vmm" = vcpuctx ] || q=$(run_qemu "$name" "$file" "${smp:-1}" "$args" "$params" "$to")
        [ "$vmm" = qemu ] || v=$(run_vcpuctx "$name" "$file" "${smp:-1}" "$args" "$params" "$to")
    fi
    [[ $q == PASS* ]] && pass_q=$((pass_q + 1))
    [[ $v == PASS* ]] && pass_v=$((pass_v + 1))
    [[ $q == PASS* && $v != PASS* && $vmm = both ]] && lost=$((lost + 1))
    rows=$((rows + 1))
    echo "| $name | $q | $v |"
}

echo "| entry | QEMU -accel kvm | vcpuctx-run |"
echo "|---|---|---|"
name=""
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
    \[*\])
        entry
        name=${line#[} name=${name%]} file="" smp="" args="" params="" arch="" groups="" check="" accel="" timeout=""
        ;;
    file\ =*) file=${line#*= } ;;
    smp\ =*) smp=${line#*= } ;;
    test_args\ =*) args=${line#*= } ;;
    qemu_params\ =*) params=${line#*= } ;;
    arch\ =*) arch=${line#*= } ;;
    groups\ =*) groups=${line#*= } ;;
    check\ =*) check=${line#*= } ;;
    accel\ =*) accel=${line#*= } ;;
    timeout\ =*) timeout=${line#*= } timeout=${timeout%s} ;;
    esac
done <"$cfg"
entry
echo "kvm-unit-tests: $rows entries; QEMU passed $pass_q, vcpuctx-run passed $pass_v; $lost passed under QEMU only" \
    "(logs in $logs)"
[ "$lost" -eq 0 ]
