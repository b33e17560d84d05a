#!/bin/sh
# labelled.sh BUILD_DIR - evident's automatic merges on the labelled sets in
# tests/fixtures/dedup/, scored as bib-dedupe scores them, beside the
# published figures of other tools (tests/fixtures/dedup/ANCHORS.md).
# The same figures are checked against the bar by test_dedup_labelled.
set -eu
BUILD=${1:?usage: labelled.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
printf '%-24s %7s %6s %6s %6s %7s %8s %8s %7s  %s\n' set records dups found false related sens spec \
    pending "published: sensitivity / specificity (* = in-sample)"
for row in \
    "asysd_diabetes|ASySD 0.95-0.99 / >0.99; asreview 0.874 / 1.000; EndNote by hand 0.708 / 0.995" \
    "sra_respiratory|SRA-DM 0.84 / 1.00; EndNote 0.51 / 0.998; bib-dedupe* 0.936 / 1.000" \
    "sra_haematology|bib-dedupe* 0.889 / 1.000" \
    "sra_stroke|bib-dedupe* 0.994 / 1.000" \
    "digital_work_wagner2021|bib-dedupe* 0.997 / 1.000"; do
    set=${row%%|*}
    peers=${row#*|}
    "$BUILD/evident" dedup --evaluate "$ROOT/tests/fixtures/dedup/$set/records.csv" --json |
        /usr/bin/python3 -c '
import json, sys
e = json.load(sys.stdin)
print("%-24s %7d %6d %6d %6d %7d %8.4f %8.4f %7d  %s" % (sys.argv[1], e["records"],
      e["true_duplicates"], e["found"], e["false_merges"], e["missed_related"], e["sensitivity"],
      e["specificity"], e["pending"], sys.argv[2]))
' "$set" "$peers"
done
echo "related: missed records kept apart as a different kind of item (erratum, reply, abstract,"
echo "preprint beside its paper: issue 5's rule); docs/internals/dedup.md section 6 accounts for"
echo "every remaining miss by class."
