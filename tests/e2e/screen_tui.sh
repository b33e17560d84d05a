#!/bin/sh
# screen_tui.sh - the terminal screener driven through tmux: a review of
# seven PubMed records (two fixture nbib files), two reviewers and reasons;
# alice includes, excludes with a reason, undoes, adds a note and decides
# again, opens help and the criteria, searches, resizes the window and quits;
# capture-pane checks what the screen shows (the title of the current
# record, the count left going down, the highlight colours) and
# `evident screen REVIEW decisions ID --as alice --json` what was recorded.
# Ctrl-C quits with the terminal restored; without a terminal it refuses.
# Usage: sh screen_tui.sh EVIDENT WORKDIR
set -u
E=$1
W=$2
N=tests/fixtures/formats/medline-nbib
rm -rf "$W" && mkdir -p "$W"
W=$(cd "$W" && pwd)
case $E in /*) ;; *) E=$(pwd)/$E ;; esac
R=$W/r.evident
fail() { echo "FAIL: $*"; [ -f "$W/pane" ] && cat "$W/pane"; exit 1; }
command -v tmux >/dev/null || fail "tmux is not installed (Makefile DEB_BUILD lists it)"
T="tmux -L evident-test-$$"
trap '$T kill-server 2>/dev/null' EXIT

"$E" init "$R" --quiet || fail init
"$E" import "$R" "$N/biopython__pubmed_result2.txt" --source PubMed --quiet || fail import
"$E" import "$R" "$N/synthesisr__PubMed_example.txt" --source PubMed --quiet || fail import
printf 'P: adults screened in a test\nI: the terminal screener\n' > "$W/criteria.txt"
"$E" screen "$R" setup --reviewers alice,bob --owner olga --as olga --quiet \
    --reasons "wrong population,wrong design" --criteria "$W/criteria.txt" \
    --include-terms "python,clustering" --exclude-terms "soil,grass" || fail setup

# no terminal: refused with a hint, exit 1
"$E" screen "$R" --as alice </dev/null >"$W/out" 2>"$W/err"
[ $? = 1 ] || fail "no terminal: wanted exit 1"
grep -q "needs a terminal" "$W/err" || fail "no terminal: no message"

# the record the screener will open first (next is reproducible for a state)
first=$("$E" screen "$R" next --as alice --json)
id1=$(echo "$first" | sed -n 's/.*"record":\([0-9]*\).*/\1/p')
title1=$(echo "$first" | sed -n 's/.*"title":"\(.\{30\}\).*/\1/p')
[ -n "$id1" ] && [ -n "$title1" ] || fail "next --json: $first"

pane() { $T capture-pane -p -t tui > "$W/pane"; }
wait_for() { # wait_for PATTERN: poll the screen for up to 5 s
    i=0
    while [ $i -lt 50 ]; do
        pane
        grep -q -- "$1" "$W/pane" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "screen never showed '$1'"
}
cur() { pane; sed -n 's/^ record \([0-9]*\).*/\1/p' "$W/pane" | head -n 1; }
keys() { $T send-keys -t tui "$@"; }

$T new-session -d -s tui -x 120 -y 40 \
    "'$E' screen '$R' --as alice; echo \"exit=\$?\" > '$W/exit'; stty -a > '$W/stty'; sleep 30"
wait_for "7 left for alice"
grep -q -- "$title1" "$W/pane" || fail "the first record's title is not on screen"
[ "$(cur)" = "$id1" ] || fail "first record $(cur), next said $id1"
$T capture-pane -p -e -t tui > "$W/pane-e"
grep -q "$(printf '\033')\[4[12]m" "$W/pane-e" || fail "no highlighted term (colour escape) on screen"

keys i
wait_for "$id1: include"
wait_for "6 left for alice"
id2=$(cur)
[ -n "$id2" ] && [ "$id2" != "$id1" ] || fail "no new record after include"

keys 2
wait_for "$id2: exclude, wrong design"
wait_for "5 left for alice"

keys u
wait_for "back to $id2"
[ "$(cur)" = "$id2" ] || fail "undo did not go back to $id2"

keys n
wait_for "note:"
keys "unsure of the design" Enter
wait_for "note kept"
keys 1
wait_for "$id2: exclude, wrong population"
wait_for "5 left for alice"

keys '?'
wait_for "undo: back to the previous record"
keys x
wait_for "left for alice"
keys c
wait_for "P: adults screened in a test"
keys c
wait_for "record "

# search the queue: record 7 is the vineyard paper
keys / vineyard Enter
if [ "$id1" = 7 ] || [ "$id2" = 7 ]; then
    wait_for "no other waiting record mentions"
else
    wait_for "found in record 7"
    [ "$(cur)" = 7 ] || fail "search did not open record 7"
fi

# SIGWINCH: the screen is drawn again for the new width
$T resize-window -t tui -x 90 -y 30
wait_for "left for alice"
sleep 0.3
pane
awk 'length($0) > 90 { bad = 1 } END { exit bad }' "$W/pane" || fail "lines wider than 90 after a resize"
# a small window: rows are cut, not wrapped, so the header stays on top
$T resize-window -t tui -x 50 -y 14
sleep 0.3
pane
head -n 1 "$W/pane" | grep -q "evident screen" || fail "header scrolled away in a 50x14 window"
tail -n 1 "$W/pane" | grep -q "i include" || fail "key bar missing in a 50x14 window"

keys q
i=0
while [ ! -s "$W/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "exit=0" "$W/exit" 2>/dev/null || fail "q did not exit 0"
grep -q " icanon" "$W/stty" && grep -q " echo" "$W/stty" || fail "terminal not restored after q"

# what the review holds, as alice sees it (and bob, blinded, does not)
d1=$("$E" screen "$R" decisions "$id1" --as alice --json)
echo "$d1" | grep -q '"reviewer":"alice","decision":"include"' || fail "decision on $id1: $d1"
d2=$("$E" screen "$R" decisions "$id2" --as alice --json)
echo "$d2" | grep -q '"decision":"exclude","reason":"wrong population","note":"unsure of the design"' ||
    fail "decision on $id2: $d2"
[ "$("$E" screen "$R" decisions "$id1" --as bob --json)" = "[]" ] || fail "bob sees alice's decision"

# Ctrl-C quits and restores the terminal
rm -f "$W/exit" "$W/stty"
$T kill-session -t tui
$T new-session -d -s tui -x 120 -y 40 \
    "'$E' screen '$R' --as bob; echo \"exit=\$?\" > '$W/exit'; stty -a > '$W/stty'; sleep 30"
wait_for "left for bob"
keys C-c
i=0
while [ ! -s "$W/stty" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "exit=0" "$W/exit" 2>/dev/null || fail "Ctrl-C did not exit cleanly"
grep -q " icanon" "$W/stty" && grep -q " echo" "$W/stty" || fail "terminal not restored after Ctrl-C"

# --plain: the same keys, one per line, for scripts
printf 'm\nq\n' | "$E" screen "$R" --as bob --plain > "$W/plain" || fail "--plain exit"
grep -q ": maybe" "$W/plain" || fail "--plain: no maybe recorded"
echo "ok"
