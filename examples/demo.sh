#!/bin/sh
# demo.sh - the main job: build the bundled example review (the seed scoping
# review of regenerative medicine in foot and ankle disorders, rebuilt from
# its published tables: examples/ankle-regen/) and write its report,
# BUILD_DIR/demo/report.html. A second, small review is built from two real
# database exports (examples/sample-exports/: import, dedup, scripted
# screening decisions) so that a flow diagram evident checked and drew
# appears in the report next to the seed's published numbers.
# usage: sh examples/demo.sh BUILD_DIR     (make demo runs it)
set -eu
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
EV=$(cd "$BUILD" && pwd)/evident
OUT=$(cd "$BUILD" && pwd)/demo
ANKLE=$OUT/ankle-regen.evident
DEMO=$OUT/restoration.evident
SAMPLES=$HERE/sample-exports

if [ ! -x "$EV" ]; then
    echo "demo: no evident binary in $BUILD (build first: make build)" >&2
    exit 1
fi
mkdir -p "$OUT"
rm -f "$ANKLE" "$ANKLE-wal" "$ANKLE-shm" "$DEMO" "$DEMO-wal" "$DEMO-shm"

step() { printf '\n== %s\n' "$*"; }

step "1. the example review: seed tables -> charted review ($ANKLE)"
sh "$HERE/ankle-regen/build.sh" "$EV" "$ANKLE" > "$OUT/ankle-regen.log"
"$EV" tables "$ANKLE" freq technology condition | head -8
echo "   ... (all tables: $OUT/ankle-regen.log)"

step "2. meta-analysis from the charted data: MSC + BMS vs BMS alone"
"$EV" pool "$ANKLE" --outcome AOFAS --timepoint "final follow-up" --treatment MSC \
    --control BMS --forest "$OUT/forest-aofas.svg"

step "3. a small review from two real exports: import, dedup, screening"
"$EV" init "$DEMO" --title "Ecological restoration (demo review)" -q
"$EV" import "$DEMO" "$SAMPLES/revtools__restoration_pubmed.nbib" --source PubMed -q
"$EV" import "$DEMO" "$SAMPLES/revtools__restoration_scopus.ris" --source Scopus -q
"$EV" dedup "$DEMO"
"$EV" screen "$DEMO" setup --reviewers ana,ben --adjudicators cat --owner cat --rule 2 \
    --reasons "not a restoration study,no outcome data" > /dev/null
sh "$HERE/screen-demo.sh" "$EV" "$DEMO" "$OUT"
"$EV" prisma "$DEMO" -o "$OUT/flow-restoration.svg" --save-flow "$OUT/flow-restoration.txt"

step "4. the report"
"$EV" report "$ANKLE" -o "$OUT/report.html" --scr \
    --pool "AOFAS;final follow-up;MSC;BMS" \
    --pool "VAS;final follow-up;MSC;BMS" \
    --pool "VAS,AOFAS;final follow-up;MSC;BMS;SMD" \
    --pool "AOFAS;26 weeks;PRP;placebo" \
    --published-flow "$HERE/ankle-regen/prisma_text.txt" \
    --published-flow "$HERE/ankle-regen/prisma_figure.txt" \
    --published-flow "$OUT/flow-restoration.txt" -q
printf '\nThe report is %s\n' "$OUT/report.html"
printf 'Open it in a browser (one file: inline CSS and SVG, no network needed).\n'
