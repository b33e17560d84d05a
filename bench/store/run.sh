#!/bin/sh
# bench/store/run.sh BUILD_DIR [N] [RUNS] - what a full import costs, and how
# much of it is SQLite's own work on the same rows.
#
#   evident parse-only  : evident import --dry-run (XML parsing alone)
#   evident full import : evident init + evident import (parse and hash,
#                         normalise, binary record, records table, FTS5, commit)
#   SQLite floor (peer) : the sqlite3 shell inserting the very rows evident
#                         stored (records table with its indexes, FTS5 table
#                         with the same schema) from an attached copy, in one
#                         transaction: the storage work no importer on SQLite
#                         can avoid.
# Prints CPU seconds (user+sys; the machine may be shared, so wall time is
# shown but not compared), records/s per CPU second, peak RSS; medians of RUNS.
# Then readback.c on the imported review: reading records back through the
# store (binary encoding) against parsing the same records' JSON with jansson.
# Records: bench/gen/gen_pubmed.py (N MEDLINE XML records, seed 1).
set -eu
BUILD=$(cd "${1:-build}" && pwd)
N=${2:-20000}
RUNS=${3:-3}
EV=$BUILD/evident
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$BUILD/bench-store
mkdir -p "$WORK"
XML=$WORK/pubmed-$N.xml
command -v sqlite3 >/dev/null || { echo "bench/store: needs the sqlite3 shell" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/store: needs GNU time (/usr/bin/time)" >&2; exit 1; }

if [ ! -s "$XML" ]; then
    echo "generating $N records ..." >&2
    /usr/bin/python3 "$HERE/../gen/gen_pubmed.py" -n "$N" --seed 1 --xml "$XML.tmp"
    # the generator can carry C0 control characters from its source text,
    # which XML forbids: drop them so the file is well-formed
    tr -d '\001-\010\013\014\016-\037' < "$XML.tmp" > "$XML"
    rm -f "$XML.tmp"
fi

# measure LABEL CMD...: append "cpu wall rss" to $WORK/LABEL.times
measure() {
    label=$1; shift
    /usr/bin/time -f '%U %S %e %M' -o "$WORK/time.out" "$@" >/dev/null 2>&1
    awk '{printf "%.3f %.3f %d\n", $1 + $2, $3, $4}' "$WORK/time.out" >> "$WORK/$label.times"
}
median() { sort -n -k"$2" "$WORK/$1.times" | awk -v c="$2" '{a[NR]=$c} END {print a[int((NR+1)/2)]}'; }

rm -f "$WORK"/*.times
for i in $(seq "$RUNS"); do
    measure parse "$EV" import "$WORK/none.evident" "$XML" --dry-run --quiet
    rm -f "$WORK/r.evident" "$WORK/r.evident-wal" "$WORK/r.evident-shm"
    "$EV" init "$WORK/r.evident" -q
    measure import "$EV" import "$WORK/r.evident" "$XML" --quiet
    rm -f "$WORK/floor.db" "$WORK/floor.db-wal" "$WORK/floor.db-shm"
    sqlite3 "$WORK/r.evident" ".schema records" ".schema records_pmid" ".schema records_doi" \
        ".schema records_year" ".schema records_fts" | grep -v '^CREATE TABLE IF NOT EXISTS' \
        | grep -v "'records_fts_" > "$WORK/schema.sql"
    cat > "$WORK/floor.sql" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -32768;
.read $WORK/schema.sql
ATTACH '$WORK/r.evident' AS src;
BEGIN;
INSERT INTO records SELECT * FROM src.records;
INSERT INTO records_fts(rowid, title, abstract, keywords, mesh)
    SELECT rowid, title, abstract, keywords, mesh FROM src.records_fts;
COMMIT;
SQL
    measure floor sqlite3 "$WORK/floor.db" ".read $WORK/floor.sql"
done

rows=$(sqlite3 "$WORK/r.evident" "SELECT count(*) FROM records")
printf '\nbench/store: %s MEDLINE XML records (%s MB), medians of %s runs\n\n' "$rows" \
    "$(($(wc -c < "$XML") / 1048576))" "$RUNS"
printf '%-38s %9s %9s %14s %9s\n' "" "CPU s" "wall s" "records/CPU s" "peak MB"
for l in parse import floor; do
    case $l in
    parse) name="evident parse-only (--dry-run)" ;;
    import) name="evident full import" ;;
    floor) name="SQLite floor: same rows, same schema" ;;
    esac
    cpu=$(median "$l" 1); wall=$(median "$l" 2); rss=$(median "$l" 3)
    printf '%-38s %9.2f %9.2f %14.0f %9.0f\n' "$name" "$cpu" "$wall" \
        "$(echo "$rows $cpu" | awk '{print ($2 > 0 ? $1 / $2 : 0)}')" \
        "$(echo "$rss" | awk '{print $1 / 1024}')"
done
imp=$(median import 1); flo=$(median floor 1); par=$(median parse 1)
printf '\nfull import / SQLite floor: %.2fx CPU; parse share of the import: %.0f%%\n' \
    "$(echo "$imp $flo" | awk '{print $1 / $2}')" "$(echo "$par $imp" | awk '{print 100 * $1 / $2}')"
printf 'target: >= 20,000 records/s on one core, peak < 200 MB\n'

ROOT=$(cd "$HERE/../.." && pwd)
cc -O2 -I"$ROOT/include" -include "$ROOT/src/core/prelude.h" "$HERE/readback.c" \
    "$BUILD/libev_store.a" "$BUILD/libev_formats.a" "$BUILD/libev_core.a" \
    $(pkg-config --libs sqlite3 expat zlib libutf8proc libsodium jansson libcrypto) -lm \
    -o "$WORK/readback"
printf '\nreading records back (bench/store/readback.c, best of 3):\n'
"$WORK/readback" "$WORK/r.evident"
