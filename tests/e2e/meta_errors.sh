#!/bin/sh
# meta_errors.sh - bad input to `evident meta` gives exit status 2 (bad
# input) or 1 (bad usage), one clear message naming FILE:LINE:FIELD where
# there is one, nothing on stdout, and never NaN/Inf.
# usage: sh meta_errors.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
WORK=$2
mkdir -p "$WORK"
F=tests/fixtures/synth
fails=0

expect() { # name, exit status, message fragment, evident args...
    name=$1 want=$2 msg=$3
    shift 3
    "$EV" meta "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL $name: exit $rc, want $want ($(head -1 "$WORK/$name.err"))"
        fails=$((fails + 1))
    elif ! grep -qF -- "$msg" "$WORK/$name.err"; then
        echo "FAIL $name: stderr lacks '$msg': $(cat "$WORK/$name.err")"
        fails=$((fails + 1))
    elif [ "$want" -ne 0 ] && [ -s "$WORK/$name.out" ]; then
        echo "FAIL $name: wrote to stdout on error"
        fails=$((fails + 1))
    elif grep -qiE '(^|[^a-z])(nan|inf)([^a-z]|$)' "$WORK/$name.out"; then
        echo "FAIL $name: NaN/Inf printed"
        fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}

expect missing_column 2 "bad_missing_col.csv: missing column 'di' (measure OR needs ai bi ci di)" \
    $F/bad_missing_col.csv --measure OR
expect text_cell 2 "bad_text_cell.csv:4:2: 'four' is not a number (column 'ai')" \
    $F/bad_text_cell.csv --measure RR
expect negative_count 2 "bad_negative.csv:6:2: ai = -2: a count cannot be negative" \
    $F/bad_negative.csv --measure RR
expect sd_zero 2 "bad_sd.csv:3:3: sd1i = 0: a standard deviation must be greater than 0" \
    $F/bad_sd.csv --measure SMD
expect n_one 2 "bad_n.csv:4:7: n2i = 1: a group size must be at least 2" \
    $F/bad_n.csv --measure SMD
expect ragged 2 "bad_ragged.csv:5:6: 6 fields, but the header has 8 columns" \
    $F/bad_ragged.csv --measure RR
expect empty 2 "empty.csv: empty file" $F/empty.csv --measure RR
expect header_only 2 "header_only.csv: no data rows after the header" \
    $F/header_only.csv --measure RR
expect one_study 2 "only 1 usable study: a meta-analysis needs at least 2" \
    $F/one_study.csv --measure RR
expect all_dropped 2 "all 3 studies were dropped by the zero rule" \
    $F/all_zero.csv --measure OR --drop00
expect nonconvergence 2 "REML estimation of tau2 did not converge" $F/nonconv.csv
expect nonconv_hint 2 "hint: rerun with --stepadj 0.5" $F/nonconv.csv
expect no_file 2 "nonexistent.csv: cannot open" $F/nonexistent.csv --measure RR
expect no_measure 1 "--measure is required" $F/bcg.csv
expect bad_measure 1 "unknown measure 'XYZ'" $F/bcg.csv --measure XYZ
expect bad_method 1 "unknown method 'RML'" $F/bcg.csv --measure RR --method RML
expect bad_level 1 "--level wants a percentage" $F/bcg.csv --measure RR --level 120
expect bad_option 1 "unknown option '--frobnicate'" $F/bcg.csv --frobnicate
expect no_mod_column 2 "no column 'latitude' for --mods" $F/bcg.csv --measure RR --mods latitude
expect no_group_column 2 "no column 'design' for --by" $F/bcg.csv --measure RR --by design
expect mh_measure 1 "mantel-haenszel method needs measure OR, RR, RD, IRR or IRD" \
    $F/bcg.csv --measure SMD --model mh
expect forest_format 1 "unknown format" $F/bcg.csv --measure RR --forest "$WORK/out.doc"
expect funnel_mods 1 "--funnel needs a model without --mods" $F/bcg.csv --measure RR --mods ablat \
    --funnel "$WORK/f.svg"
# warnings metafor gives while going on: printed, exit 0
expect na_warning 0 "warning: Studies with NAs omitted from model fitting." \
    $F/missing_cell.csv --measure RR
expect mh_na_warning 0 "warning: Some yi/vi values are NA." $F/collins.csv --measure OR --model mh

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all meta error checks passed"
