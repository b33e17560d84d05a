#!/bin/sh
# report_cli.sh - evident prisma, pool and report on real reviews: the
# example review (charted, nothing imported) and a tiny scripted review
# (tests/fixtures/report: import, dedup, screening): exit codes, messages,
# counts, refusals that leave the review unchanged, and the written files.
# usage: sh report_cli.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
fails=0
# fontconfig (under cairo) keeps its cache for the life of the process, which
# LeakSanitizer reports in sanitizer builds: suppress those, and only those.
echo "leak:libfontconfig" > "$WORK/lsan.supp"
LSAN_OPTIONS="suppressions=$WORK/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

expect() { # name, exit status, stderr fragment, evident args...
    name=$1 want=$2 msg=$3
    shift 3
    "$EV" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit $rc, want $want ($(head -1 "$WORK/$name.err"))"
    elif [ -n "$msg" ] && ! grep -qF -- "$msg" "$WORK/$name.err"; then
        fail "$name: stderr lacks '$msg': $(cat "$WORK/$name.err")"
    else
        echo "ok   $name"
    fi
}

A=$WORK/ankle.evident
sh examples/ankle-regen/build.sh "$EV" "$A" > /dev/null || fail "example review did not build"
T=$WORK/tiny.evident
"$EV" init "$T" -q
"$EV" import "$T" tests/fixtures/report/tiny_pubmed.nbib --source PubMed -q
"$EV" import "$T" tests/fixtures/report/tiny_scopus.ris --source Scopus -q
"$EV" dedup "$T" > /dev/null
"$EV" screen "$T" setup --reviewers ana --owner ana --rule 1 --reasons "wrong outcome" > /dev/null

expect prisma_unfinished 3 "5 records wait at title/abstract" prisma "$T" -o "$WORK/x.svg"
[ -e "$WORK/x.svg" ] && fail "prisma wrote a diagram for unfinished screening"
# ids 1, 2 are kept (4, 5 merged into them); 3 and 7 are off topic
printf '1\tinclude\n2\tinclude\n6\tinclude\n3\texclude\n7\texclude\n' > "$WORK/ta.tsv"
printf '1\tinclude\n2\tinclude\n6\texclude\twrong outcome\n' > "$WORK/ft.tsv"
"$EV" screen "$T" decide --file "$WORK/ta.tsv" --as ana --stage ta > /dev/null
"$EV" screen "$T" decide --file "$WORK/ft.tsv" --as ana --stage ft > /dev/null
expect prisma_svg 0 "" prisma "$T" -o "$WORK/flow.svg"
grep -q "<svg" "$WORK/flow.svg" 2>/dev/null || fail "prisma_svg: no SVG written"
expect prisma_json 0 "" prisma "$T" --json
for want in '"identified_total":7' '"duplicates":2' '"screened":5' '"excluded_people":2' \
            '"assessed":3' '{"label":"wrong outcome","n":1}' '"reports_included":2' '"check":"ok"'; do
    grep -qF "$want" "$WORK/prisma_json.out" || fail "prisma --json lacks $want"
done
expect prisma_no_imports 3 "no search results are imported" prisma "$A" -o "$WORK/y.svg"
expect prisma_usage 1 "say where to write" prisma "$T"

sqlite3 "$A" .dump > "$WORK/before.sql" 2>/dev/null
expect pool_aofas 0 "" pool "$A" --outcome AOFAS --timepoint "final follow-up" \
    --treatment MSC --control BMS --json --forest "$WORK/forest.svg"
grep -qF '"estimate":4.763201901' "$WORK/pool_aofas.out" || fail "pool: AOFAS MD is not metafor's 4.7632019"
expect pool_opposite 3 "point in opposite directions" pool "$A" --outcome AOFAS,VAS \
    --timepoint "final follow-up" --treatment MSC --control BMS --no-harmonise
expect pool_md_two 3 "needs one instrument" pool "$A" --outcome AOFAS,VAS --measure MD \
    --timepoint "final follow-up" --treatment MSC --control BMS
expect pool_no_sd 2 "Paget et al. (2021)" pool "$A" --outcome AOFAS --timepoint "26 weeks" \
    --treatment PRP --control placebo
expect pool_unknown 2 "not in the catalogue" pool "$A" --outcome AOFAZ \
    --timepoint "final follow-up" --treatment MSC --control BMS
expect pool_usage 1 "say --outcome" pool "$A" --outcome AOFAS
sqlite3 "$A" .dump > "$WORK/after.sql" 2>/dev/null
cmp -s "$WORK/before.sql" "$WORK/after.sql" || fail "pool changed the review"

printf 'title bad\nscreened 10\nsreened 5\n' > "$WORK/bad_flow.txt"
expect report_bad_flow 2 "bad_flow.txt:3:1: unknown key" report "$A" -o "$WORK/r.html" \
    --published-flow "$WORK/bad_flow.txt"
[ -e "$WORK/r.html" ] && fail "report written despite a bad flow file"
expect report_bad_pool 1 "--pool needs" report "$A" -o "$WORK/r.html" --pool "AOFAS;x"
expect report_unwritable 4 "cannot write" report "$A" -o "$WORK/no/such/dir/r.html"
expect report_ok 0 "" report "$A" -o "$WORK/r.html" --pool "AOFAS;final follow-up;MSC;BMS" \
    --published-flow examples/ankle-regen/prisma_text.txt
grep -qF "but studies included is 77" "$WORK/r.html" || fail "report: seed flow check missing"
grep -q "<script" "$WORK/r.html" && fail "report has a script"
ls "$WORK"/*.tmp > /dev/null 2>&1 && fail "a .tmp file was left behind"
if [ -x /usr/bin/chromium ]; then
    expect report_pdf 0 "" report "$A" -o "$WORK/r2.html" --pdf "$WORK/r2.pdf"
    [ "$(head -c 5 "$WORK/r2.pdf" 2>/dev/null)" = "%PDF-" ] || fail "report --pdf: not a PDF"
fi

[ "$fails" -eq 0 ] && echo "all report CLI checks passed"
exit "$fails"
