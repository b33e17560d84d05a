#!/bin/sh
# run.sh - evident meta vs R's metafor, side by side, in one run:
#   (a) REML fit of dat.bcg (log RR), repeated REPS (10,000) times
#   (b) permutation test, ITER (10,000) permutations, meta-regression on ablat
#   (c) REML fit of a synthetic 10,000-study data set (made once by
#       make_data.R with a fixed seed; both programs read the same CSV)
# Times are taken in-process on both sides (R: system.time inside the
# session; evident: `evident meta --repeat`, which times its own loop), so
# neither start-up nor reading the CSV is counted. evident runs EV_RUNS
# times and R R_RUNS times; medians are reported. The permutation test runs
# with --rng R (R's own random stream), so its p-values must match exactly.
# usage: sh bench/meta/run.sh BUILD_DIR   [env: REPS ITER EV_RUNS R_RUNS]
set -eu
BUILD=${1:?usage: run.sh BUILD_DIR}
EV=$BUILD/evident
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
REPS=${REPS:-10000}
ITER=${ITER:-10000}
EV_RUNS=${EV_RUNS:-5}
R_RUNS=${R_RUNS:-1}
WORK=${WORK:-$BUILD/bench-meta}
mkdir -p "$WORK"
cp "$SRC/tests/fixtures/synth/bcg.csv" "$WORK/bcg.csv"
[ -f "$WORK/syn10k.csv" ] || Rscript "$HERE/make_data.R" "$WORK/syn10k.csv"

# evident: one line of key=value per measurement, medians over EV_RUNS runs
ev_time() { # label, evident args...: prints the median in-process seconds
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
ev_time b "$WORK/bcg.csv" --measure RR --method REML --mods ablat --permutest "$ITER" --seed 1 --rng R --repeat 1
ev_time c "$WORK/syn10k.csv" --method REML --repeat 1

echo "running metafor (this takes a few minutes) ..."
Rscript "$HERE/metafor.R" "$WORK" "$REPS" "$ITER" "$R_RUNS" > "$WORK/metafor.out"

/usr/bin/python3 - "$WORK" "$REPS" "$ITER" <<'PY'
import json, statistics, sys
work, reps, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
R = {}
for line in open(work + "/metafor.out"):
    if "=" in line:
        k, v = line.strip().split("=", 1)
        R[k] = float(v)
def times(label, col):
    return statistics.median(float(l.split()[col]) for l in open("%s/%s.times" % (work, label)))
def js(label):
    return json.load(open("%s/%s.json" % (work, label)))
a, b, c = js("a")["model"], js("b"), js("c")["model"]
bm = b["model"]
rows = [
    ("(a) REML fit of dat.bcg x %d" % reps, times("a", 0), R["a_time"], 100, [
        ("tau2", a["tau2"], R["a_tau2"]), ("estimate", a["coefficients"][0]["estimate"], R["a_estimate"]),
        ("se", a["coefficients"][0]["se"], R["a_se"]), ("QE", a["QE"], R["a_QE"]), ("I2", a["I2"], R["a_I2"])]),
    ("(b) permutest, %d permutations" % iters, times("b", 1), R["b_time"], 100, [
        ("QM", bm["QM"], R["b_QM"]), ("beta ablat", bm["coefficients"][1]["estimate"], R["b_beta_ablat"]),
        ("zval ablat", bm["coefficients"][1]["zval"], R["b_zval_ablat"]),
        ("perm p ablat*", b["permutest"]["pval"][1], R["b_pval_ablat"]),
        ("perm p QM*", b["permutest"]["QMp"], R["b_QMp"]),
        ("perm p intrcpt*", b["permutest"]["pval"][0], R["b_pval_intrcpt"])]),
    ("(c) REML fit, k = 10,000", times("c", 0), R["c_time"], 20, [
        ("tau2", c["tau2"], R["c_tau2"]), ("estimate", c["coefficients"][0]["estimate"], R["c_estimate"]),
        ("se", c["coefficients"][0]["se"], R["c_se"]), ("QE", c["QE"], R["c_QE"]), ("I2", c["I2"], R["c_I2"])]),
]
print("%-34s %12s %12s %10s %6s" % ("benchmark", "evident s", "metafor s", "ratio", "bar"))
ok = True
for name, te, tr, bar, _ in rows:
    ratio = tr / te if te > 0 else float("inf")
    ok &= ratio >= bar
    print("%-34s %12.6f %12.3f %9.0fx %5dx %s" % (name, te, tr, ratio, bar, "ok" if ratio >= bar else "MISSED"))
print()
print("%-20s %22s %22s %10s" % ("result", "evident", "metafor", "rel diff"))
for name, _, _, _, vals in rows:
    print(name)
    for key, e, r in vals:
        rel = abs(e - r) / abs(r) if r else abs(e - r)
        flag = "" if rel <= 1e-6 else "DIFFERS"
        print("  %-18s %22.12g %22.12g %10.2e %s" % (key, e, r, rel, flag))
print()
print("* permutation p-values: evident runs with --rng R --seed 1, which replays R's")
print("  set.seed(1) Mersenne-Twister stream and sample(), so it draws the same")
print("  permutations as permutest(..., seed = 1) and the p-values agree exactly.")
print("All fits use metafor's default convergence control on both sides.")
PY
