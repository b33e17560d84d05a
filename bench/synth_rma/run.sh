#!/bin/sh
# bench/synth_rma/run.sh - evident's REML fits vs R metafor 3.8-1, side by
# side, medians of repeated runs. Not a test. Usage:
#   sh bench/synth_rma/run.sh [BUILD_DIR]   (default build-bench, Release)
# Sizes can be overridden: BCG_N (fits per repetition, evident), BCG_N_R
# (the same for R, which is slower), BIG_K (studies of the large fit),
# REPS / REPS_R / BIG_REPS_R (repetitions; medians are reported).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-bench}
BCG_N=${BCG_N:-10000}
BCG_N_R=${BCG_N_R:-1000}
BIG_K=${BIG_K:-10000}
REPS=${REPS:-5}
REPS_R=${REPS_R:-3}
BIG_REPS_R=${BIG_REPS_R:-1}   # metafor builds k x k matrices: one run takes minutes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$build/libev_synth.a" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null 2>&1
fi
cmake --build "$build" --target ev_synth -j2 >/dev/null 2>&1
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$src/include" "$here/bench_rma.c" \
   "$build/libev_synth.a" "$build/libev_core.a" \
   $(pkg-config --libs gsl libutf8proc libsodium jansson) -lm -o "$tmp/bench_rma"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ev_bcg=$("$tmp/bench_rma" bcg "$BCG_N" "$REPS" | median)
r_bcg=$(Rscript "$here/bench_rma.R" bcg "$BCG_N_R" "$REPS_R" | median)
ev_big=$("$tmp/bench_rma" big "$BIG_K" "$REPS" "$tmp/big.csv" | median)
r_big=$(Rscript "$here/bench_rma.R" big "$tmp/big.csv" "$BIG_REPS_R" | median)

awk -v eb="$ev_bcg" -v n="$BCG_N" -v rb="$r_bcg" -v nr="$BCG_N_R" \
    -v eg="$ev_big" -v rg="$r_big" -v k="$BIG_K" 'BEGIN {
  pe = eb / n; pr = rb / nr;
  printf "%-34s %14s %14s %10s\n", "benchmark (median)", "evident", "metafor", "ratio";
  printf "%-34s %12.2f us %12.2f us %9.0fx\n", "REML fit of dat.bcg (per fit)", pe * 1e6, pr * 1e6, pr / pe;
  printf "%-34s %13.4f s %13.4f s %9.0fx\n", sprintf("REML fit of %d studies", k), eg, rg, rg / eg;
}'
