#!/bin/sh
# screen_workflow.sh - `evident screen` and `evident simulate` end to end:
# setup with the seed review's PICOS criteria, blinded dual decisions,
# conflicts and adjudication, full-text reasons and a PDF, batch files (all
# or nothing), agreement, next, status, the stopping rule, merged records,
# and the exit codes of bad input. Usage: sh screen_workflow.sh EVIDENT WORKDIR
set -u
E=$1
W=$2
F=tests/fixtures/screen
rm -rf "$W" && mkdir -p "$W"
R=$W/r.evident
# fontconfig (under cairo, for --plot) keeps process-lifetime caches that
# LeakSanitizer would report in sanitizer builds: not ours to free.
printf 'leak:libfontconfig\nleak:libcairo\n' > "$W/lsan.supp"
LSAN_OPTIONS="suppressions=$W/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect CODE CMD...
    want=$1; shift
    "$@" >"$W/out" 2>"$W/err"; got=$?
    [ "$got" = "$want" ] || { cat "$W/out" "$W/err"; fail "exit $got, wanted $want: $*"; }
}
has() { grep -q -- "$1" "$W/out" "$W/err" || { cat "$W/out" "$W/err"; fail "no '$1' in output"; }; }

expect 0 "$E" init "$R" --title "screen e2e" --quiet
expect 0 "$E" import "$R" "$F/small.csv" --quiet
expect 1 "$E" screen "$R" decide 1 include --as alice          # before setup
expect 0 "$E" screen "$R" setup --reviewers alice,bob --adjudicators carol --owner olga \
    --reasons "wrong population,wrong intervention,not peer reviewed" \
    --criteria "$F/criteria_picos.txt" --as olga
expect 1 "$E" screen "$R" setup --rule 3
expect 1 "$E" screen "$R" frobnicate

# next shows the criteria and a record
expect 0 "$E" screen "$R" next --as alice
has "Population: Patients diagnosed with foot and ankle"

# blinded dual review: agreement settles, disagreement is a conflict
expect 0 "$E" screen "$R" decide 1 include --as alice --note "looks relevant"
expect 0 "$E" screen "$R" decide 1 include --as bob
expect 0 "$E" screen "$R" decide 2 include --as alice
expect 0 "$E" screen "$R" decide 2 exclude --as bob
expect 3 "$E" screen "$R" conflicts --as alice                  # reviewers are blinded
expect 0 "$E" screen "$R" conflicts --as carol --json
has '"record":2,"stage":"ta","decisions":"alice=include; bob=exclude"'
expect 3 "$E" screen "$R" settle 2 include --as alice           # not an adjudicator
expect 0 "$E" screen "$R" settle 2 include --as carol --reason "discussed"
expect 3 "$E" screen "$R" settle 2 exclude --as carol --stage ta  # settled
expect 0 "$E" screen "$R" conflicts --as carol
has "no conflicts"

# full text: exclusions need a listed reason; a PDF is hashed
expect 3 "$E" screen "$R" decide 1 exclude --as alice
expect 3 "$E" screen "$R" decide 1 exclude --as alice --reason "too long"
expect 0 "$E" screen "$R" decide 1 exclude --as alice --reason "wrong population" \
    --pdf "$F/criteria_picos.txt"
expect 0 "$E" screen "$R" decide 1 exclude --as bob --reason "wrong intervention"
expect 0 "$E" screen "$R" decide 2 include --as alice --url "https://doi.org/10.1000/x"
expect 0 "$E" screen "$R" decide 2 include --as bob

# a batch with a bad line records nothing; a good batch is one transaction
printf '3\tinclude\n4\texclude\n999\tinclude\n' > "$W/bad.tsv"
expect 2 "$E" screen "$R" decide --file "$W/bad.tsv" --as alice
has "bad.tsv:3"
printf '3\tinclud\n' > "$W/bad2.tsv"
expect 2 "$E" screen "$R" decide --file "$W/bad2.tsv" --as alice
has "bad2.tsv:1:3"
printf '# alice\n3\tinclude\n4\texclude\n5\texclude\t\tshort note\n' > "$W/a.tsv"
printf '3\tinclude\n4\texclude\n5\tinclude\n' > "$W/b.tsv"
expect 0 "$E" screen "$R" decide --file "$W/a.tsv" --as alice
has "3 decisions recorded"
expect 0 "$E" screen "$R" decide --file "$W/b.tsv" --as bob

# bad input: unknown record, bad decision, unknown reviewer
expect 2 "$E" screen "$R" decide 999 include --as alice
has "no record 999"
expect 1 "$E" screen "$R" decide 6 perhaps --as alice
expect 3 "$E" screen "$R" decide 6 include --as mallory
expect 1 "$E" screen "$R" decide 6 include

# agreement: 5 records both decided at ta (one disagreement), 2 at ft
expect 0 "$E" screen "$R" agreement --json
has '"stage":"ta","a":"alice","b":"bob","n":5,"percent_agreement":60.0000'
has '"stage":"ft","a":"alice","b":"bob","n":2'

expect 0 "$E" screen "$R" status --json
has '"stage":"ta","records":30,"included":3,"excluded":1,"excluded_automation":0,"conflicts":1,"pending":25'
has '"stage":"ft","records":3,"included":1,"excluded":1'
has '"reasons":"wrong population=1"'
expect 0 "$E" screen "$R" --status
has "stopping (Callaghan"

# the rule says go on; the owner may force it, records nobody screened are
# excluded by automation
expect 3 "$E" screen "$R" stop --as olga
has "go on"
expect 3 "$E" screen "$R" stop --as alice --force
expect 0 "$E" screen "$R" stop --as olga --force --json
has '"excluded":25'
expect 0 "$E" screen "$R" status --json
has '"excluded_automation":25,"conflicts":1,"pending":0'
# evident stats shows the same stages and the stopping guidance
expect 0 "$E" stats "$R" --json
has '"screening":'
has '{"stage":"ta","records":30,"included":3,"excluded":1,"excluded_automation":25'
has '"stopping":{"rule":"hypergeometric"'
expect 0 "$E" stats "$R"
has "stopping (Callaghan"

# records merged away by dedup cannot be screened
R2=$W/d.evident
expect 0 "$E" init "$R2" --title "merged" --quiet
expect 0 "$E" import "$R2" tests/fixtures/dedup/e2e/embase.csv --source Embase --quiet
expect 0 "$E" import "$R2" tests/fixtures/dedup/e2e/medline.csv --source MEDLINE --quiet
expect 0 "$E" dedup "$R2" --quiet
expect 0 "$E" screen "$R2" setup --reviewers alice --rule 1 --as alice
merged=0
for id in 1 2 3 4 5 6 7 8; do
    "$E" screen "$R2" decide $id include --as alice >"$W/out" 2>"$W/err"
    rc=$?
    if [ $rc = 2 ] && grep -q "merged into record" "$W/err"; then merged=$((merged + 1)); fi
done
[ "$merged" = 2 ] || fail "2 merged records should be refused, got $merged"

# simulate
expect 0 "$E" simulate "$F/antihistamines.csv" --seed 3 --json
has '"records":310,"relevant":16'
cp "$W/out" "$W/sim1"
expect 0 "$E" simulate "$F/antihistamines.csv" --seed 3 --json
sed 's/"seconds":[0-9.]*//' "$W/out" > "$W/sim2"
sed 's/"seconds":[0-9.]*//' "$W/sim1" > "$W/sim1b"
cmp -s "$W/sim1b" "$W/sim2" || fail "same seed, different simulation"
expect 0 "$E" simulate "$F/antihistamines.csv" --model lr --runs 2 --plot "$W/curve.svg"
has "WSS@95"
grep -q "<svg" "$W/curve.svg" || fail "no recall curve written"
expect 2 "$E" simulate "$F/no_positives.csv"
has "no included record"
expect 2 "$E" simulate "$F/bad_label.csv"
has "bad_label.csv:3"
expect 1 "$E" simulate "$F/antihistamines.csv" --model svm
expect 1 "$E" simulate
echo "ok"
