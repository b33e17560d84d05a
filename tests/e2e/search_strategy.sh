#!/bin/sh
# search_strategy.sh - `evident search` end to end: the seed review's TABLE 1
# strategy pasted verbatim runs over hand-counted fixture records, single
# queries (--count, --ids, --json, --explain), bad queries with a caret
# (exit 2), --save-as into the review. Usage: sh search_strategy.sh EVIDENT WORKDIR
set -u
E=$1
W=$2
F=tests/fixtures/search
rm -rf "$W" && mkdir -p "$W"
R=$W/r.evident
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE CMD...
    want=$1; shift
    "$@" >"$W/out" 2>"$W/err"; got=$?
    [ "$got" = "$want" ] || { cat "$W/out" "$W/err"; fail "exit $got, wanted $want: $*"; }
}

expect 0 "$E" init "$R" --title "search e2e" --quiet
expect 0 "$E" import "$R" "$F/seed_records.nbib" --source PubMed --quiet

# the pasted table runs verbatim; counts are the hand count of the README
expect 0 "$E" search "$R" --strategy "$F/seed_strategy.txt" --quiet
awk '{print $1, $2}' "$W/out" >"$W/counts"
printf 'Search Results\n#1 1\n#2 7\n#3 8\n#4 8\n#5 6\n#6 10\n#7 7\n' >"$W/want"
cmp -s "$W/counts" "$W/want" || { cat "$W/out"; fail "history table counts"; }

expect 0 "$E" search "$R" --strategy "$F/seed_strategy.txt" --ids --quiet
[ "$(tr '\n' ' ' <"$W/out")" = "1 2 3 4 6 9 11 " ] || fail "strategy --ids: $(cat "$W/out")"

# --explain names the surprises
expect 0 "$E" search "$R" --strategy "$F/seed_strategy.txt" --explain
grep -q "N-EXACTWORD: 'therap' has no '\*'" "$W/out" || fail "explain: therap"
grep -q "W-NOMESH: 1 of 12 records" "$W/out" || fail "explain: W-NOMESH"
grep -q 'Ankle Injuries, explosion adds 1 narrower descriptor' "$W/out" || fail "explain: explosion"
grep -q '#3=(#1=("regenerative medicine"\[MeSH Terms\]) OR #2=' "$W/out" || fail "explain: history"

# single queries
expect 0 "$E" search "$R" 'ankle injuries[mh]' --count
[ "$(cat "$W/out")" = 2 ] || fail "count"
expect 0 "$E" search "$R" 'ankle injuries[mh:noexp] OR talus[mh]' --ids
[ "$(tr '\n' ' ' <"$W/out")" = "1 8 12 " ] || fail "ids: $(cat "$W/out")"
expect 0 "$E" search "$R" 'stem cell*[tiab] AND 2019:3000[dp]' --json
grep -q '"count":3,"ids":\[2,3,7\]' "$W/out" || fail "json: $(cat "$W/out")"
expect 0 "$E" search "$R" 'pain or ache[tiab]'
grep -q "W-LOWEROP" "$W/err" || fail "lowercase or warning"

# bad queries: exit 2, the query with a caret under the position
expect 2 "$E" search "$R" '(pain OR ache)[tiab]'
grep -q "E-GROUPTAG" "$W/err" || fail "group tag error"
printf '  (pain OR ache)[tiab]\n                ^\n' >"$W/want"
tail -2 "$W/err" >"$W/got"
cmp -s "$W/got" "$W/want" || { cat "$W/err"; fail "caret"; }
expect 2 "$E" search "$R" 'AI*[tiab]'
grep -q "E-WILDSHORT" "$W/err" || fail "wildshort"
expect 2 "$E" search "$R" 'a AND "b'
expect 2 "$E" search "$R" '#1 OR talus[mh]'
grep -q "E-HISTREF" "$W/err" || fail "histref"
expect 2 "$E" search "$R" '2020:2010[dp]'
expect 2 "$E" search "$R" 'x[nope]'
printf '#1 talus[mh]\n#2 #1 AND (heel\n' >"$W/bad.txt"
expect 2 "$E" search "$R" --strategy "$W/bad.txt"
grep -q "bad.txt:2:11: E-PAREN" "$W/err" || { cat "$W/err"; fail "strategy error position"; }
expect 1 "$E" search "$R"
expect 1 "$E" search "$R" 'a' --strategy "$W/bad.txt"
expect 2 "$E" search "$R" --strategy "$W/missing.txt"

# a user's MeSH file replaces the bundled one: once (--mesh) or for good (--set-mesh)
printf 'D013628\tTalus\tA02.835.232.043.300.710.780\tAstragalus Bone\n' >"$W/mesh.tsv"
expect 0 "$E" search "$R" 'astragalus bone[mh]' --count --mesh "$W/mesh.tsv"
[ "$(cat "$W/out")" = 2 ] || fail "entry term from --mesh"
expect 0 "$E" search "$R" 'ankle injuries[mh]' --mesh "$W/mesh.tsv"
grep -q "W-MESHNOTFOUND" "$W/err" || fail "descriptor missing from the user's vocabulary"
expect 0 "$E" search "$R" --set-mesh "$W/mesh.tsv" --quiet
expect 0 "$E" search "$R" 'astragalus bone[mh]' --json
grep -q '"mesh":"[^"]*mesh.tsv"' "$W/out" || fail "review setting search.mesh_file"
expect 2 "$E" search "$R" 'a[mh]' --mesh "$W/nope.tsv"

# --save-as stores the run in the review
expect 0 "$E" search "$R" --strategy "$F/seed_strategy.txt" --save-as PubMed --json \
    --mesh data/mesh/mesh2024.tsv
grep -q '"saved_run":1' "$W/out" || fail "saved run id"
if command -v sqlite3 >/dev/null 2>&1; then
    n=$(sqlite3 "$R" "SELECT group_concat(count, ',') FROM search_lines WHERE run_id = 1")
    [ "$n" = "1,7,8,8,6,10,7" ] || fail "saved counts: $n"
    s=$(sqlite3 "$R" "SELECT source FROM search_runs WHERE id = 1")
    [ "$s" = PubMed ] || fail "saved source: $s"
fi
echo "search_strategy: ok"
