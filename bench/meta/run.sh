#!/bin/sh
# run.sh - evident meta vs R's metafor, side by side, in one run:
#   (a) REML fit of dat.bcg (log RR), repeated REPS (10,000) times
#   (b) permutation test, ITER (10,000) permutations, meta-regression on ablat
#   (c) REML fit of a synthetic 10,000-study data set (made once by
#       make_data.R with a fixed seed; both programs read the same CSV)
# Times are taken in-process on both sides (R: system.time inside the
# session; evident: `evident meta --repeat`, which times its own loop), so
# neither start-up nor reading the CSV is counted. evident runs EV_RUNS
# times, R R_RUNS times; medians are reported. The permutation test runs
# with --rng R (R's own random stream), so its p-values must match exactly.
# metafor's REML fit builds k x k matrices and multiplies them, O(k^3) per
# iteration: at k = 10,000 it runs for hours, so (c) gets C_LIMIT seconds
# (default 1200) and is reported as "> C_LIMIT" when killed; the 10,000-study
# numbers are then checked against a direct O(k) REML solution in R (d).
# usage: sh bench/meta/run.sh BUILD_DIR   [env: REPS ITER EV_RUNS R_RUNS C_LIMIT]
set -eu
BUILD=${1:?usage: run.sh BUILD_DIR}
EV=$BUILD/evident
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
REPS=${REPS:-10000}
ITER=${ITER:-10000}
EV_RUNS=${EV_RUNS:-5}
R_RUNS=${R_RUNS:-1}
C_LIMIT=${C_LIMIT:-1200}
WORK=${WORK:-$BUILD/bench-meta}
mkdir -p "$WORK"
cp "$SRC/tests/fixtures/synth/bcg.csv" "$WORK/bcg.csv"
[ -f "$WORK/syn10k.csv" ] || Rscript "$HERE/make_data.R" "$WORK/syn10k.csv"

# evident: the in-process timings of EV_RUNS runs, one line per run
ev_time() { # label, evident args...
    label=$1
    shift
    i=0
    : > "$WORK/$label.times"
    while [ "$i" -lt "$EV_RUNS" ]; do
        "$EV" meta "$@" --json --quiet > "$WORK/$label.json" 2> "$WORK/$label.err"
        sed -n 's/^evident: timing: [0-9]* fits in \([0-9.]*\) s; permutation test \([0-9.]*\) s$/\1 \2/p' \
            "$WORK/$label.err" >> "$WORK/$label.times"
        i=$((i + 1))
    done
}
ev_time a "$WORK/bcg.csv" --measure RR --method REML --repeat "$REPS"
ev_time b "$WORK/bcg.csv" --measure RR --method REML --mods ablat --permutest "$ITER" --seed 1 \
    --rng R --repeat 1
ev_time c "$WORK/syn10k.csv" --method REML --threshold 1e-12 --maxiter 10000 --repeat 1

echo "running metafor (several minutes; (c) up to $C_LIMIT s) ..."
: > "$WORK/metafor.out"
for part in a b d; do
    Rscript "$HERE/metafor.R" "$WORK" $part "$REPS" "$ITER" "$R_RUNS" >> "$WORK/metafor.out"
done
timeout "$C_LIMIT" Rscript "$HERE/metafor.R" "$WORK" c "$REPS" "$ITER" 1 >> "$WORK/metafor.out" ||
    echo "c_killed=$C_LIMIT" >> "$WORK/metafor.out"

/usr/bin/python3 "$HERE/report.py" "$WORK" "$REPS" "$ITER"
