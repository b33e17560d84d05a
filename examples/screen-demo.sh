#!/bin/sh
# screen-demo.sh - scripted screening decisions for the demo review (NOT a
# real judgement of the records: a fixed rule on the title words, so the
# demo's flow diagram is reproducible). Two reviewers decide each record;
# where they disagree the adjudicator settles it.
#   sh examples/screen-demo.sh EVIDENT REVIEW WORKDIR
set -eu
EV=$1 REVIEW=$2 WORK=$3
# Title/abstract: ana includes titles about ecological or vegetation
# restoration; ben also includes soil restoration; cat settles the
# disagreements (includes when the title says "ecosystem").
"$EV" records "$REVIEW" | awk '{print $1}' > "$WORK/ids.txt"
: > "$WORK/live.txt"
while read -r id; do
    # records merged away by dedup are not screened: keep the live ones
    if "$EV" screen "$REVIEW" decide "$id" exclude --as ana > /dev/null 2>&1; then
        echo "$id" >> "$WORK/live.txt"
    fi
done < "$WORK/ids.txt"
"$EV" records "$REVIEW" | awk -v live="$WORK/live.txt" '
    BEGIN { while ((getline l < live) > 0) keep[l] = 1 }
    ($1 in keep) { t = tolower($0)
        a = (t ~ /ecolog|vegetation|forest/) ? "include" : "exclude"
        b = (t ~ /ecolog|vegetation|forest|soil/) ? "include" : "exclude"
        print $1 "\t" a > "'"$WORK"'/ta-ana.tsv"
        print $1 "\t" b > "'"$WORK"'/ta-ben.tsv"
        if (a != b) print $1 "\t" ((t ~ /ecosystem/) ? "include" : "exclude") > "'"$WORK"'/ta-cat.tsv"
    }'
"$EV" screen "$REVIEW" decide --file "$WORK/ta-ana.tsv" --as ana --stage ta > /dev/null
"$EV" screen "$REVIEW" decide --file "$WORK/ta-ben.tsv" --as ben --stage ta > /dev/null
if [ -s "$WORK/ta-cat.tsv" ]; then
    while IFS="$(printf '\t')" read -r id d; do
        "$EV" screen "$REVIEW" settle "$id" "$d" --as cat --stage ta > /dev/null
    done < "$WORK/ta-cat.tsv"
fi
# Full text: both exclude titles that say "review" or "model" as "no outcome
# data" and include the rest (a scripted rule, see above).
"$EV" records "$REVIEW" | awk '{print $1 "\t" (tolower($0) ~ /review|model/ ? 0 : 1)}' > "$WORK/years.tsv"
: > "$WORK/ft.tsv"
while IFS="$(printf '\t')" read -r id year; do
    if "$EV" screen "$REVIEW" decide "$id" include --as ana --stage ft > /dev/null 2>&1; then
        if [ "$year" = 1 ]; then
            printf '%s\tinclude\n' "$id" >> "$WORK/ft.tsv"
        else
            printf '%s\texclude\tno outcome data\n' "$id" >> "$WORK/ft.tsv"
        fi
    fi
done < "$WORK/years.tsv"
"$EV" screen "$REVIEW" decide --file "$WORK/ft.tsv" --as ana --stage ft > /dev/null
"$EV" screen "$REVIEW" decide --file "$WORK/ft.tsv" --as ben --stage ft > /dev/null
"$EV" screen "$REVIEW" status
