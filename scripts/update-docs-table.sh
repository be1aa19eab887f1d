#!/bin/sh
# update-docs-table.sh: regenerates the VMCS field table in docs/api.md from the library's table.
set -eu
cd "$(dirname "$0")/.."
doc=docs/api.md
make --no-print-directory -s build/field-table
table=$(build/field-table)
awk -v table="$table" '
    /<!-- fields:begin -->/ { print; print table; skip = 1; next }
    /<!-- fields:end -->/ { skip = 0 }
    !skip { print }
' "$doc" > "$doc.new"
mv "$doc.new" "$doc"
