#!/bin/sh
# demo.sh - build a small review from two real database exports and show it.
# usage: sh examples/demo.sh BUILD_DIR     (make demo runs it)
# Until the bundled example review exists, this is the demo: a PubMed .nbib
# and a Scopus RIS export of the same search (examples/sample-exports/).
set -eu
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
EV=$(cd "$BUILD" && pwd)/evident
SAMPLES=$HERE/sample-exports
OUT=$(cd "$BUILD" && pwd)/demo
REVIEW=$OUT/restoration.evident

if [ ! -x "$EV" ]; then
    echo "demo: no evident binary in $BUILD (build first: make build)" >&2
    exit 1
fi
mkdir -p "$OUT"
rm -f "$REVIEW" "$REVIEW-wal" "$REVIEW-shm"

run() {
    printf '\n$ evident %s\n' "$*" | sed "s#$OUT/##g; s#$SAMPLES/#sample-exports/#g"
    "$EV" "$@"
}

run init "$REVIEW" --title "Ecological restoration (demo review)"
run import "$REVIEW" "$SAMPLES/revtools__restoration_pubmed.nbib" --source PubMed
run import "$REVIEW" "$SAMPLES/revtools__restoration_scopus.ris" --source Scopus
run stats "$REVIEW"
printf '\n$ evident records restoration.evident | head -5\n'
"$EV" records "$REVIEW" | head -5
run show "$REVIEW" 1
printf '\nThe review is %s (one file: copy it and you have copied the review).\n' "$REVIEW"
