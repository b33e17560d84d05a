#!/bin/sh
# build.sh - rebuild the seed scoping review (regenerative medicine in foot
# and ankle disorders) from its published tables: the extraction form
# (Table 3), the included studies (Tables 5-7) and their outcome data, then
# print its frequency, study summary and safety tables.
#   sh examples/ankle-regen/build.sh [EVIDENT_BINARY] [REVIEW_FILE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
evident=${1:-evident}
review=${2:-ankle-regen.evident}
EVIDENT_DATA=${EVIDENT_DATA:-$here/../../data}
export EVIDENT_DATA
if [ -e "$review" ]; then
    echo "build.sh: $review exists; remove it first" >&2
    exit 3
fi
"$evident" init "$review" --title "Regenerative medicine in foot and ankle disorders (scoping review)" -q
# Table 1 verbatim, run and stored as the documented PubMed search (no
# records are imported: the seed publishes its tables, not its export)
"$evident" search "$review" --strategy "$here/strategy.txt" --save-as PubMed -q
"$evident" chart "$review" protocol --picos "$here/picos.md" --as build -q
"$evident" chart "$review" form --set "$EVIDENT_DATA/forms/default.json" --as build -q
"$evident" chart "$review" import "$here/studies.json" --as charter
"$evident" chart "$review" import "$here/outcomes.json" --as charter
"$evident" tables "$review" freq condition
"$evident" tables "$review" freq technology condition
"$evident" tables "$review" studies
"$evident" tables "$review" safety
