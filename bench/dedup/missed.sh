#!/bin/sh
# missed.sh BUILD_DIR SET - the true duplicate pairs of a labelled set that
# evident's automatic merges miss, with score, verdict, evidence and both
# records (analysis aid for tuning; see docs/internals/dedup.md section 6).
set -eu
BUILD=${1:?usage: missed.sh BUILD_DIR SET}
SET=${2:?usage: missed.sh BUILD_DIR SET}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$BUILD/dedup_missed"
LIBS=""
for m in dedup formats store core; do LIBS="$LIBS $BUILD/libev_$m.a"; done
cc -O1 -std=c11 -I"$ROOT/include" -I"$BUILD/include" -o "$BIN" "$ROOT/bench/dedup/missed.c" \
    $LIBS $LIBS -lsqlite3 -lexpat -lz -lutf8proc -ljansson -lsodium -lcrypto -lm
CSV="$ROOT/tests/fixtures/dedup/$SET/records.csv"
"$BIN" "$CSV" | /usr/bin/python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
def show(r):
    return " | ".join("%s=%s" % (k, (r.get(k) or "")[:110]) for k in
        ("title", "author", "year", "journal", "volume", "number", "pages", "doi", "ENTRYTYPE") if r.get(k))
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    print("\t".join(f[2:]))
    print("   A:", show(rows[int(f[0])]))
    print("   B:", show(rows[int(f[1])]))
' "$CSV"
