#!/bin/sh
# update-readme-table.sh: regenerates the VMCS field table in README.md from the library's table.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s build/field-table
table=$(build/field-table)
awk -v table="$table" '
    /<!-- fields:begin -->/ { print; print table; skip = 1; next }
    /<!-- fields:end -->/ { skip = 0 }
    !skip { print }
' README.md > README.md.new
mv README.md.new README.md
