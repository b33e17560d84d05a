#!/bin/sh
# dedup_review.sh - `evident dedup` end to end: two sources, dry run, run,
# incremental run after a new import, pending pairs, decide, undo, audit,
# bad usage. Usage: sh dedup_review.sh EVIDENT WORKDIR
set -u
E=$1
W=$2
F=tests/fixtures/dedup/e2e
rm -rf "$W" && mkdir -p "$W"
R=$W/r.evident
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE CMD...
    want=$1; shift
    "$@" >"$W/out" 2>"$W/err"; got=$?
    [ "$got" = "$want" ] || { cat "$W/out" "$W/err"; fail "exit $got, wanted $want: $*"; }
}
field() { sed "s/\"sources\".*//" "$W/out" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

expect 0 "$E" init "$R" --title "dedup e2e" --quiet
expect 0 "$E" import "$R" "$F/embase.csv" --source Embase --quiet
expect 0 "$E" import "$R" "$F/medline.csv" --source MEDLINE --quiet

# a dry run writes nothing
expect 0 "$E" dedup "$R" --dry-run --json
[ "$(field removed)" = 2 ] || fail "dry run should remove 2, got $(cat "$W/out")"
expect 0 "$E" dedup "$R" --json
[ "$(field new_records)" = 8 ] || fail "first run sees 8 new records: $(cat "$W/out")"
[ "$(field removed)" = 2 ] || fail "2 duplicates expected: $(cat "$W/out")"
[ "$(field clusters)" = 6 ] || fail "6 clusters expected: $(cat "$W/out")"
grep -q '"source":"MEDLINE","records":4,"removed":' "$W/out" || fail "per-source counts"

# incremental: only the new record is compared
expect 0 "$E" import "$R" "$F/later.csv" --source CINAHL --quiet
expect 0 "$E" dedup "$R" --json
[ "$(field new_records)" = 1 ] || fail "second run sees 1 new record: $(cat "$W/out")"
[ "$(field removed)" = 3 ] || fail "3 duplicates after the new import: $(cat "$W/out")"

# the erratum is related, never merged; the editorials stay apart
expect 0 "$E" dedup "$R" --json
[ "$(field related)" -ge 1 ] || fail "erratum should be flagged related: $(cat "$W/out")"

# related pairs are listed, not merged
expect 0 "$E" dedup "$R" --related --json
grep -q 'kinds differ' "$W/out" || fail "the erratum pair should be listed as related: $(cat "$W/out")"

# pending pairs, decisions, undo
expect 0 "$E" dedup "$R" --pending --json
expect 2 "$E" dedup "$R" decide 99999 same
expect 1 "$E" dedup "$R" decide 1 maybe
expect 1 "$E" dedup "$R" frobnicate
expect 1 "$E" dedup
kept=$(sqlite3 "$R" "SELECT cluster FROM dedup_members LIMIT 1" 2>/dev/null) || kept=""
if [ -n "$kept" ]; then
    expect 0 "$E" dedup "$R" undo "$kept"
    expect 2 "$E" dedup "$R" undo "$kept"
    expect 0 "$E" dedup "$R" --json
    [ "$(field removed)" = 2 ] || fail "undo should restore one record: $(cat "$W/out")"
    pair=$(sqlite3 "$R" "SELECT id FROM dedup_pairs WHERE status='different' LIMIT 1")
    expect 0 "$E" dedup "$R" decide "$pair" same
    expect 0 "$E" dedup "$R" --json
    [ "$(field removed)" = 3 ] || fail "deciding same again re-merges: $(cat "$W/out")"
    kept=$(sqlite3 "$R" "SELECT cluster FROM dedup_members LIMIT 1")
    expect 0 "$E" dedup "$R" --cluster "$kept" --json
    grep -q '"fields":\[{"field":"title"' "$W/out" || fail "merged record with provenance"
    grep -q '"source":"' "$W/out" || fail "provenance names the source"
    expect 2 "$E" dedup "$R" --cluster 99999
    n=$(sqlite3 "$R" "SELECT count(*) FROM audit WHERE action LIKE 'dedup.%'")
    [ "$n" -ge 6 ] || fail "merges and decisions must be audited ($n rows)"
fi
expect 4 "$E" dedup "$W/missing.evident"
echo ok
