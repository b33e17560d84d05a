#!/bin/sh
# chart_example.sh - the bundled example review end to end: build.sh, the
# frequency and study tables (counts from the seed's Tables 5-7), every
# --format, the charted direction of effect, and the exit codes for bad
# input (2), refusals (3) and usage (1), with the review left unchanged by
# failures.
#   sh tests/e2e/chart_example.sh EVIDENT WORKDIR
set -eu
ev=$1
work=$2
src=$(pwd)
rm -rf "$work"
mkdir -p "$work"
r=$work/ankle.evident
EVIDENT_DATA=$src/data
export EVIDENT_DATA
fail() { echo "FAIL: $*" >&2; exit 1; }
code() { set +e; "$@" >"$work/out" 2>"$work/err"; c=$?; set -e; echo $c; }

sh "$src/examples/ankle-regen/build.sh" "$ev" "$r" >"$work/build.out" || fail "build.sh"
# Table 5 has 17 rows, Table 6 9, Table 7 18
"$ev" tables "$r" freq condition --format csv >"$work/freq.csv"
grep -q '^talus cartilage injury,17' "$work/freq.csv" || fail "Table 5 count"
grep -q '^ankle osteoarthritis,9' "$work/freq.csv" || fail "Table 6 count"
grep -q '^plantar fasciitis,18' "$work/freq.csv" || fail "Table 7 count"
# every study carries a charted direction of effect (form version 2; the
# rule is in examples/ankle-regen/README.md): none "(not charted)"
"$ev" tables "$r" freq direction --format csv >"$work/dir.csv"
tr -d '\r' <"$work/dir.csv" | grep -qx 'favours_intervention,23' || fail "direction count"
! grep -q 'not charted' "$work/dir.csv" || fail "a study without a direction"
for f in md csv html tex; do
    "$ev" tables "$r" studies --format $f >"$work/studies.$f" || fail "studies --format $f"
done
grep -q '<caption>Summary of papers: plantar fasciitis</caption>' "$work/studies.html" || fail html
grep -q 'Kim and Koh (2016)' "$work/studies.md" || fail md
"$ev" tables "$r" safety --json | grep -q '"title":"Safety by technology"' || fail "safety json"

before=$("$ev" tables "$r" freq sample_size --format csv | md5sum)
[ "$(code "$ev" chart "$r" set kim2016 sample_size -3 --as ana)" = 2 ] || fail "bad value exit"
grep -q 'sample_size: must be an integer' "$work/err" || fail "bad value message"
[ "$(code "$ev" chart "$r" set kim2016 outcomes.1.score '{"instrument":"AOFAS","mean":130}' --as ana)" = 2 ] || fail "range exit"
grep -q "outside AOFAS's range 0–100" "$work/err" || fail "range message"
printf 'study,field,value\nx1,year,2001\nx1,year,banana\n' >"$work/bad.csv"
[ "$(code "$ev" chart "$r" import "$work/bad.csv" --as ana)" = 2 ] || fail "bad csv exit"
grep -q 'bad.csv:3' "$work/err" || fail "bad csv line"
printf '{"form_version": 9, "studies": []}' >"$work/stale.json"
[ "$(code "$ev" chart "$r" import "$work/stale.json" --as ana)" = 3 ] || fail "stale exit"
[ "$(code "$ev" chart "$r" verify kim2016 --as charter)" = 3 ] || fail "self verify"
[ "$(code "$ev" chart "$r" set kim2016 year 2016)" = 1 ] || fail "missing --as"
[ "$(code "$ev" tables "$r" freq colour)" != 0 ] || fail "unknown field"
after=$("$ev" tables "$r" freq sample_size --format csv | md5sum)
[ "$before" = "$after" ] || fail "review changed by failures"

# dual charting: a second reviewer disagrees, diff shows it, consensus settles it
"$ev" chart "$r" set kim2016 sample_size 65 --as bob -q
"$ev" chart "$r" diff kim2016 --json | grep -q '"field":"sample_size","reviewer_a":"charter","value_a":"64","reviewer_b":"bob","value_b":"65"' || fail diff
"$ev" chart "$r" verify kim2016 --as bob -q
"$ev" chart "$r" --help | grep -q 'evident chart REVIEW diff STUDY' || fail help
"$ev" help tables | grep -q 'freq FIELD' || fail "help tables"
echo ok
