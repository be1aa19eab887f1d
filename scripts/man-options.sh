#!/bin/sh
# man-options.sh BIN MANPAGE: every option BIN --help lists must appear in its man page (as troff writes it,
# with \- for each -). Prints one line; exits 1 naming the first option the page lacks.
set -eu
bin=$1 man=$2
name=$(basename "$bin")
opts=$("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ -n "$opts" ] || { echo "install: $name --help lists no option"; exit 1; }
for o in $opts; do
    grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')\\b" "$man" ||
        { echo "install: the man page of $name lacks $o, which --help lists"; exit 1; }
done
echo "install: $name and its man page, which names each of the $(echo $opts | wc -w) options --help lists"
