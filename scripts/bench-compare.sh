#!/bin/sh
# bench-compare.sh: two builds of the bench side by side, for a change to the library's exit path: cases 1-4
# (bench --host N) run alternately, ROUNDS times each, on this host's KVM or inside a hardware-virtualization
# tier (scripts/hwtier.sh), and the medians of each column printed for both with their difference; then the
# user-space instructions per exit of cases 2, 3 and 3b (callgrind), which do not depend on the machine's load.
# Usage: scripts/bench-compare.sh OLD_BENCH NEW_BENCH [host|amd|intel] [ROUNDS]   (default: amd, 5 rounds)
# Build the old one from the commit before, e.g.: git worktree add /tmp/old HEAD~1 && make -C /tmp/old build/bench
set -eu
usage() {
    echo "usage: scripts/bench-compare.sh OLD_BENCH NEW_BENCH [host|amd|intel] [ROUNDS]" >&2
    exit 2
}
[ $# -ge 2 ] && [ $# -le 4 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
old=$(realpath "$1") new=$(realpath "$2") where=${3:-amd} rounds=${4:-5}
case $where in host | amd | intel) ;; *) usage ;; esac
case $rounds in '' | *[!0-9]*) usage ;; esac
for b in "$old" "$new"; do
    [ -x "$b" ] || { echo "bench-compare: $b: not an executable bench" >&2; exit 2; }
    case $b in *[!A-Za-z0-9/._+-]*) echo "bench-compare: $b: a path of letters, digits and /._+- only" >&2; exit 2 ;; esac
done
script=$(mktemp /tmp/bench-compare.XXXXXX)
trap 'rm -f "$script"' EXIT
# What runs where the KVM is: the rounds, then the instruction counts (when valgrind is there).
cat >"$script" <<EOF
#!/bin/sh
i=0
while [ \$i -lt $rounds ]; do
    $old --host 2000 | sed 's/^bench-host [^ ]*/bench-host old/'
    $new --host 2000 | sed 's/^bench-host [^ ]*/bench-host new/'
    i=\$((i + 1))
done
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "\$@" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
if command -v valgrind >/dev/null; then
    for which in old new; do
        b=$old; [ \$which = new ] && b=$new
        for kind in null sel4 qual; do
            echo "bench-insns \$which \$kind \$(count \$b --exits \$kind 1000) \$(count \$b --exits \$kind 2000)"
        done
    done
fi
EOF
chmod +x "$script"
if [ "$where" = host ]; then
    out=$("$script")
else
    vg=""
    [ -x /usr/bin/valgrind ] && vg="--with=/usr/bin/valgrind --with=/usr/bin/valgrind.bin --with=/usr/libexec/valgrind"
    # shellcheck disable=SC2086 # vg is a list of options
    out=$("$here/hwtier.sh" "$where" --timeout=1800 --with="$old" --with="$new" --with="$script" $vg "sh $script" 2>&1) ||
        { printf '%s\n' "$out" | tail -20 >&2; echo "bench-compare: the $where tier failed" >&2; exit 1; }
fi
printf '%s\n' "$out" | awk -v where="$where" '
    /^bench-host (old|new) / {
        w = $2; n[w]++
        for (i = 3; i <= NF; i++) { split($i, kv, "="); v[w, kv[1], n[w]] = kv[2]; keys[kv[1]] }
    }
    /^bench-insns / && $4 != "" && $5 != "" { ins[$2, $3] = ($5 - $4) / 1000 }
    function median(w, k,    m, i, j, t, a) {
        m = 0
        for (i = 1; i <= n[w]; i++) if ((w, k, i) in v) a[++m] = v[w, k, i] + 0
        for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return m ? (m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) : "-"
    }
    END {
        if (!n["old"] || !n["new"]) { print "bench-compare: no results from " where " (see scripts/hwtier.sh)"; exit 1 }
        printf "bench-compare on %s: medians of %d rounds each, run alternately\n", where, n["new"]
        printf "%-16s %12s %12s %12s\n", "column", "old", "new", "new - old"
        split("raw_ns null_over_ns sel4_over_ns qual_over_ns sync_over_ns floor_over_ns deep_over_ns null_ratio sel4_ratio ioctl_ratio", order, " ")
        for (i = 1; i in order; i++) {
            k = order[i]
            if (!(k in keys)) continue
            o = median("old", k); e = median("new", k)
            if (o == "-" || e == "-") printf "%-16s %12s %12s %12s\n", k, o, e, "-"
            else printf "%-16s %12s %12s %12.3f\n", k, o, e, e - o
        }
        split("null sel4 qual", kinds, " ")
        for (i = 1; i <= 3; i++)
            if (("old", kinds[i]) in ins && ("new", kinds[i]) in ins)
                printf "%-16s %12.1f %12.1f %12.1f\n", "insns/exit " kinds[i], ins["old", kinds[i]], ins["new", kinds[i]],
                    ins["new", kinds[i]] - ins["old", kinds[i]]
    }'
