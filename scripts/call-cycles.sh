#!/bin/sh
# call-cycles.sh: proves that the files of one layer call one way: no call cycle between their objects.
# usage: scripts/call-cycles.sh NAME OBJ...   (one object per source file of the layer)
#        scripts/call-cycles.sh --self-test   (it finds a cycle of three files, and passes a chain of three)
#
# The compiler's own output decides what calls what: file A calls file B when A's object needs a symbol
# (nm -u) that B's object defines (nm --defined-only). Inline functions in headers are no calls. Any cycle
# is named file by file, and the status is 1; with none, one line and status 0.
set -eu
if [ "${1:-}" = --self-test ]; then
    t=$(mktemp -d)
    trap 'rm -rf "$t"' EXIT
    printf 'int b(void);\nint a(void) { return b(); }\n' >"$t/a.c"
    printf 'int c(void);\nint b(void) { return c(); }\n' >"$t/b.c"
    printf 'int a(void);\nint c(void) { return %s; }\n' 'a()' >"$t/c.c"
    for f in a b c; do ${CC:-cc} -c -o "$t/$f.o" "$t/$f.c"; done
    out=$("$0" cycle "$t/a.o" "$t/b.o" "$t/c.o") && { echo "call-cycles: self-test: a cycle passed" >&2; exit 1; }
    case $out in *"a -(b)-> b -(c)-> c -(a)-> a"*) ;; *) echo "call-cycles: self-test: not named: $out" >&2; exit 1 ;; esac
    printf 'int c(void) { return 0; }\n' >"$t/c.c"
    ${CC:-cc} -c -o "$t/c.o" "$t/c.c"
    "$0" chain "$t/a.o" "$t/b.o" "$t/c.o" >/dev/null || { echo "call-cycles: self-test: a chain failed" >&2; exit 1; }
    echo "call-cycles: self-test: a cycle of three named, a chain of three passed"
    exit 0
fi
name=$1
shift
[ $# -gt 0 ] || { echo "call-cycles: $name: no objects" >&2; exit 2; }
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
for o in "$@"; do
    f=$(basename "$o" .o)
    # Read each object whole before using it: a missing or unreadable object is an error, never "no cycle".
    defined=$(nm --defined-only "$o") && undefined=$(nm -u "$o") || { echo "call-cycles: $name: cannot read $o" >&2; exit 2; }
    printf '%s\n' "$defined" | awk -v f="$f" 'NF == 3 && $2 ~ /^[TDBRVW]$/ { print "D", $3, f }' >>"$syms"
    printf '%s\n' "$undefined" | awk -v f="$f" 'NF >= 2 { print "U", $2, f }' >>"$syms"
done
awk -v name="$name" -v nfiles=$# '
    $1 == "D" { def[$2] = $3; next }
    { use[++n] = $3 " " $2 }
    END {
        for (i = 1; i <= n; i++) {
            split(use[i], u, " ")
            if ((u[2] in def) && def[u[2]] != u[1] && !((u[1] SUBSEP def[u[2]]) in edge)) {
                edge[u[1], def[u[2]]] = u[2]
                succ[u[1]] = succ[u[1]] " " def[u[2]]
                nodes[u[1]]; nodes[def[u[2]]]
                nedges++
            }
        }
        for (v in nodes)
            if (!(v in done) && visit(v)) {
                for (i = 1; i <= depth; i++)
                    if (stack[i] == cyc) break
                for (k = low = 0; i <= depth; i++) { cy[k++] = stack[i]; if (stack[i] < cy[low]) low = k - 1 }
                # named from its first file in name order
                printf "call-cycles: %s: a call cycle:", name
                for (i = 0; i < k; i++)
                    printf " %s -(%s)->", cy[(low + i) % k], edge[cy[(low + i) % k], cy[(low + i + 1) % k]]
                printf " %s\n", cy[low]
                exit 1
            }
        printf "call-cycles: %s: %d files, %d calling pairs, no cycle\n", name, nfiles, nedges
    }
    # Depth-first search; a successor still on the stack closes a cycle (cyc, with stack[1..depth]).
    function visit(v,    k, m, s) {
        stack[++depth] = v; onstack[v] = 1
        m = split(succ[v], s, " ")
        for (k = 1; k <= m; k++) {
            if (s[k] in onstack) { cyc = s[k]; return 1 }
            if (!(s[k] in done) && visit(s[k])) return 1
        }
        delete onstack[v]; depth--; done[v] = 1
        return 0
    }' "$syms"
