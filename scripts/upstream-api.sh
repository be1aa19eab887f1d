#!/bin/sh
# upstream-api.sh: libsel4vm's and libsel4vmmplatsupport's public x86 identifiers (scripts/upstream-api.tsv)
# against vcpuctx's headers.
# Usage: scripts/upstream-api.sh check    compile one probe per identifier: each "have" row must be there with
#                                         upstream's value or prototype, each "no" row must be absent; every
#                                         header must compile on its own; and the table in docs/api.md must be
#                                         what "table" prints
#        scripts/upstream-api.sh table    the table of docs/api.md (markdown)
#        scripts/upstream-api.sh docs     put the table into docs/api.md
# The TSV's columns: upstream header, identifier, kind (macro, function, type, tag, enumerator), upstream's
# value or prototype ("-" where there is none to compare), status (have / refuses / no), and why not (for "no"),
# why it refuses ("refuses": declared as upstream's, and always fails at run time with errno set), or how
# vcpuctx's differs ("-": it does not).
set -eu
cd "$(dirname "$0")/.."
tsv=scripts/upstream-api.tsv
doc=docs/api.md
CC=${CC:-cc}

table() {
    echo "| upstream header | identifier | kind | vcpuctx |"
    echo "|---|---|---|---|"
    awk -F'\t' '{ printf "| `%s` | `%s` | %s | %s |\n", $1, $2, $3, ($5 == "have" ? ($6 == "-" ? "yes" : "yes: " $6) : \
        $5 == "refuses" ? "declared, refuses at run time: " $6 : "no: " $6) }' "$tsv"
}

# probe HEADER KIND NAME UPSTREAM: a C file that compiles exactly when vcpuctx has NAME as upstream has it
# (libsel4vmmplatsupport's names from their own header, which vcpuctx.h does not include).
probe() {
    echo "#include <vcpuctx.h>"
    case "$1" in sel4vmmplatsupport/*) echo "#include <$1>" ;; esac
    shift
    case "$1" in
    macro)
        printf '#ifndef %s\n#error absent\n#endif\n' "$2"
        [ "$3" != - ] && printf '_Static_assert((%s) == (%s), "value");\n' "$2" "$3"
        ;;
    enumerator)
        printf 'enum { probe_ = %s };\n' "$2"
        [ "$3" != - ] && printf '_Static_assert(probe_ == %s, "value");\n' "$3"
        ;;
    type) printf 'typedef %s probe_t;\n' "$2" ;;
    tag) printf '_Static_assert(sizeof(%s) > 0, "a complete type");\n' "$2" ;;
    function) printf '_Static_assert(__builtin_types_compatible_p(__typeof__(%s), %s), "prototype");\n' "$2" "$3" ;;
    esac
    true
}

check() {
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    bad=0 have=0 refuses=0 no=0
    tab=$(printf '\t')
    while IFS="$tab" read -r header name kind upstream status why; do
        probe "$header" "$kind" "$name" "$upstream" >"$tmp/p.c"
        if $CC -std=gnu11 -Iinclude -fsyntax-only -Werror "$tmp/p.c" 2>"$tmp/err"; then got=have; else got=no; fi
        case "$status" in
        have) have=$((have + 1)) ;;
        refuses) refuses=$((refuses + 1)) got=$([ "$got" = have ] && echo refuses || echo no) ;;
        *) no=$((no + 1)) ;;
        esac
        if [ "$got" != "$status" ]; then
            bad=$((bad + 1))
            echo "upstream-api: $name ($kind, $header): the table says $status, the headers say $got"
            [ "$status" != no ] && sed 's/^/    /' "$tmp/err" | head -3
        fi
    done <"$tsv"
    # Each header on its own, as upstream code includes them: self-contained, in both ABIs' seL4 configurations.
    for h in $(cd include && find sel4 sel4vm sel4vmmplatsupport -name '*.h' | sort); do
        for cfg in "-DCONFIG_ARCH_X86_64 -DCONFIG_X86_64_VTX_64BIT_GUESTS" -DCONFIG_ARCH_IA32; do
            printf '#include <%s>\n' "$h" >"$tmp/h.c"
            # shellcheck disable=SC2086 # cfg is two flags
            if ! $CC -std=gnu11 -Iinclude $cfg -fsyntax-only -Wall -Wextra -Werror "$tmp/h.c" 2>"$tmp/err"; then
                bad=$((bad + 1))
                echo "upstream-api: <$h> does not compile on its own ($cfg):"
                sed 's/^/    /' "$tmp/err" | head -3
            fi
        done
    done
    table >"$tmp/table"
    awk '/<!-- upstream-api:begin -->/ { on = 1; next } /<!-- upstream-api:end -->/ { on = 0 } on' "$doc" \
        >"$tmp/doc"
    if ! cmp -s "$tmp/table" "$tmp/doc"; then
        bad=$((bad + 1))
        echo "upstream-api: the table in $doc is stale: run scripts/upstream-api.sh docs"
    fi
    echo "upstream-api: $((have + refuses + no)) identifiers of libsel4vm's and libsel4vmmplatsupport's x86 headers: $have in vcpuctx's, $refuses declared but refused at run time, $no not ($bad wrong)"
    [ "$bad" -eq 0 ]
}

case "${1:-}" in
check) check ;;
table) table ;;
docs)
    t=$(table)
    awk -v table="$t" '/<!-- upstream-api:begin -->/ { print; print table; skip = 1; next }
        /<!-- upstream-api:end -->/ { skip = 0 } !skip { print }' "$doc" >"$doc.new"
    mv "$doc.new" "$doc"
    ;;
*)
    echo "usage: scripts/upstream-api.sh check|table|docs" >&2
    exit 2
    ;;
esac
