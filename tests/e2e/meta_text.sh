#!/bin/sh
# meta_text.sh - the printed summary of `evident meta` reads like metafor's
# print.rma: the lines below are what metafor 3.8-1 prints for dat.bcg
# (rma(measure="RR", ...), rma.mh, regtest, ranktest, trimfill), checked
# line by line.
# usage: sh meta_text.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
WORK=$2
mkdir -p "$WORK"
F=tests/fixtures/synth
fails=0

has() { # file, expected line (fixed string)
    if grep -qF -- "$2" "$1"; then
        :
    else
        echo "FAIL $(basename "$1"): missing line: $2"
        fails=$((fails + 1))
    fi
}

"$EV" meta $F/bcg.csv --measure RR > "$WORK/reml.txt" || fails=$((fails + 1))
has "$WORK/reml.txt" "Random-Effects Model (k = 13; tau^2 estimator: REML)"
has "$WORK/reml.txt" "tau^2 (estimated amount of total heterogeneity): 0.3132 (SE = 0.1664)"
has "$WORK/reml.txt" "tau (square root of estimated tau^2 value):      0.5597"
has "$WORK/reml.txt" "I^2 (total heterogeneity / total variability):   92.22%"
has "$WORK/reml.txt" "H^2 (total variability / sampling variability):  12.86"
has "$WORK/reml.txt" "Q(df = 12) = 152.2330, p-val < .0001"
has "$WORK/reml.txt" "-0.7145  0.1798  -3.9744  <.0001  -1.0669  -0.3622  ***"
has "$WORK/reml.txt" "0.4894  0.3441  0.6962  0.1546  1.5490"

"$EV" meta $F/bcg.csv --measure RR --mods ablat --test knha > "$WORK/knha.txt" || fails=$((fails + 1))
has "$WORK/knha.txt" "Mixed-Effects Model (k = 13; tau^2 estimator: REML)"
has "$WORK/knha.txt" "R^2 (amount of heterogeneity accounted for):            75.62%"
has "$WORK/knha.txt" "QE(df = 11) = 30.7331, p-val = 0.0012"
has "$WORK/knha.txt" "F(df1 = 1, df2 = 11) = 12.5905, p-val = 0.0046"
has "$WORK/knha.txt" "ablat     -0.0291  0.0082  -3.5483  11  0.0046  -0.0472  -0.0111  **"

"$EV" meta $F/bcg.csv --measure OR --model mh > "$WORK/mh.txt" || fails=$((fails + 1))
has "$WORK/mh.txt" "Q(df = 12) = 163.9426, p-val < .0001"
has "$WORK/mh.txt" "-0.4734  0.0410  -11.5444  <.0001  -0.5538  -0.3930"
has "$WORK/mh.txt" "0.6229  0.5748  0.6750"
has "$WORK/mh.txt" "CMH = 135.6889, df = 1,  p-val < .0001"
has "$WORK/mh.txt" "X^2 = 171.7567, df = 12, p-val < .0001"

"$EV" meta $F/bcg.csv --measure RR --regtest --ranktest --trimfill > "$WORK/bias.txt" ||
    fails=$((fails + 1))
has "$WORK/bias.txt" "Test for Funnel Plot Asymmetry: z = -0.8033, p = 0.4218"
has "$WORK/bias.txt" "Limit Estimate (as sei -> 0):   b = -0.5104 (CI: -1.1182, 0.0974)"
has "$WORK/bias.txt" "Kendall's tau = 0.0256, p = 0.9524"
has "$WORK/bias.txt" "missing studies on the right side: 1 (SE = 2.4528)"
has "$WORK/bias.txt" "-0.6571  0.1785  -3.6805  0.0002  -1.0070  -0.3072  ***"

# a permutation test is reproducible: the same seed gives the same output
"$EV" meta $F/bcg.csv --measure RR --mods ablat --permutest 500 --seed 7 --quiet > "$WORK/p1.txt"
"$EV" meta $F/bcg.csv --measure RR --mods ablat --permutest 500 --seed 7 --quiet > "$WORK/p2.txt"
if ! cmp -s "$WORK/p1.txt" "$WORK/p2.txt"; then
    echo "FAIL permutest: same seed, different output"
    fails=$((fails + 1))
fi
has "$WORK/p1.txt" "Permutation Test (500 iterations, seed 7)"

# --rng R replays R's stream: metafor 3.8-1 (R 4.2.2) gives for
#   res <- rma(yi, vi, mods = ~ ablat, data = escalc("RR", ..., dat.bcg))
#   permutest(res, iter = 1000, seed = 1)         p = 0.692 (intrcpt), 0.003 (ablat)
#   res <- rma(yi, vi, mods = ~ alloc + ablat, ...)
#   permutest(res, iter = 700, seed = 42)         p = 0.46142857 (allocrandom), QMp = 0.06
"$EV" meta $F/bcg.csv --measure RR --mods ablat --permutest 1000 --seed 1 --rng R --json \
    --quiet > "$WORK/pr.json"
grep -q '"pval":\[0.69199999999999995,0.0030000000000000001\]' "$WORK/pr.json" ||
    { echo "FAIL permutest --rng R (seed 1): $(grep -o '"permutest":{[^}]*}' "$WORK/pr.json")"; fails=$((fails + 1)); }
"$EV" meta $F/bcg.csv --measure RR --mods alloc,ablat --permutest 700 --seed 42 --rng R --json \
    --quiet > "$WORK/pr2.json"
grep -q '"QMp":0.059999999999999998' "$WORK/pr2.json" && grep -q '0.46142857142857141' "$WORK/pr2.json" ||
    { echo "FAIL permutest --rng R (seed 42): $(grep -o '"permutest":{[^}]*}' "$WORK/pr2.json")"; fails=$((fails + 1)); }

# plots: cairo draws text as glyphs, so check the files structurally (an SVG
# document, a PNG signature, no temporary file left); they were looked at.
# fontconfig (under cairo) keeps process-lifetime caches that LeakSanitizer
# reports in sanitizer builds: suppress those, and only those.
rm -f "$WORK/forest.svg" "$WORK/funnel.png"
printf 'leak:libfontconfig\nleak:libcairo\n' > "$WORK/lsan.supp"
LSAN_OPTIONS="suppressions=$WORK/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" "$EV" meta $F/bcg.csv --measure RR --by alloc --trimfill --forest "$WORK/forest.svg" \
    --funnel "$WORK/funnel.png" --quiet > /dev/null 2> "$WORK/plot.err" ||
    { echo "FAIL plots: $(head -3 "$WORK/plot.err")"; fails=$((fails + 1)); }
has "$WORK/forest.svg" "<svg"
head -c 4 "$WORK/funnel.png" | grep -q PNG || { echo "FAIL funnel.png: not a PNG"; fails=$((fails + 1)); }
[ -f "$WORK/forest.svg.tmp" ] && { echo "FAIL forest: temporary file left"; fails=$((fails + 1)); }

"$EV" meta --help > "$WORK/help.txt" || fails=$((fails + 1))
has "$WORK/help.txt" "usage: evident meta DATA.csv"
has "$WORK/help.txt" "evident meta bcg.csv --measure RR"

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all meta text checks passed"
