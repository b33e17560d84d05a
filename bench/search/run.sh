#!/bin/sh
# bench/search/run.sh BUILD_DIR - local PubMed search: evident vs SQLite FTS5
# MATCH vs Xapian on the same records, same queries.
#
# Generates (once, cached) N MEDLINE-like records with bench/gen/gen_pubmed.py,
# imports them into a review (timed), then in one run: evident's warm
# in-process latency per query (bench_search.c, linked against BUILD_DIR's
# static libraries: index built once from the review, then each query RUNS
# times), and peers.py: the same queries as FTS5 MATCH over the review's
# records_fts table and as Xapian queries over an index built from the
# review's records. Prints counts (differences marked), median ms and the
# ratios; the seed review's 7-line strategy runs end to end as one row.
#
# Environment: N (records, default 1000000), SEED (1), RUNS (5), REPLICATE
# (k > 1: also run evident alone on an index holding every record k times, a
# scale proxy for k*N records; default off), CACHED (1: evident's in-process
# index read from the review's cache, as one-shot searches get it, instead
# of built afresh), CLI (0: skip the
# end-to-end command runs), WORK (cache
# directory, default /tmp/evident-bench-search). Building the 1M review takes
# a while (generation ~4 min, import ~7 min, the Xapian peer ~32 min);
# everything is cached in WORK for the next run.
set -eu
build=${1:?usage: bench/search/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-1000000}; SEED=${SEED:-1}; RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/evident-bench-search}
PY=/usr/bin/python3
mkdir -p "$WORK"

cmake --build "$build" --target evident ev_search -j2 >/dev/null
libs=""
for m in search store formats core; do libs="$libs $build/libev_$m.a"; done
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include" "$here/bench_search.c" $libs \
   $(pkg-config --libs sqlite3 expat zlib libutf8proc libsodium jansson) -lm \
   -o "$WORK/bench_search"

xml="$WORK/pubmed-$N-$SEED.xml.gz"
if [ ! -s "$xml" ]; then
  echo "generating $N records (seed $SEED) ..." >&2
  $PY "$root/bench/gen/gen_pubmed.py" -n "$N" --seed "$SEED" --xml "$xml.tmp"
  mv "$xml.tmp" "$xml"
fi
review="$WORK/search-$N-$SEED.evident"
if [ ! -s "$review" ]; then
  rm -f "$review" "$review-wal" "$review-shm"
  "$build/evident" init "$review" --quiet
  t0=$(date +%s.%N)
  "$build/evident" import "$review" "$xml" --source PubMed --quiet
  t1=$(date +%s.%N)
  echo "# import of $N records: $(echo "$t1 - $t0" | bc) s" | tee "$WORK/import-$N.txt" >&2
fi
[ -s "$WORK/import-$N.txt" ] && cat "$WORK/import-$N.txt"

mesh="$root/data/mesh/mesh2024.tsv"
# the store's schema may have moved on since the review was cached: migrate
# it (evident search opens the review for writing) before the read-only
# bench opens it
"$build/evident" search "$review" 'x[ti]' --count --quiet >/dev/null
"$WORK/bench_search" "$review" "$mesh" "$here/queries.tsv" \
  "$root/tests/fixtures/search/seed_strategy.txt" "$RUNS" >"$WORK/evident-$N.tsv"
$PY "$here/peers.py" --review "$review" --mesh "$mesh" --queries "$here/queries.tsv" \
  --strategy "$root/tests/fixtures/search/seed_strategy.txt" --evident "$WORK/evident-$N.tsv" \
  --xapian "$WORK/xapian-$N-$SEED" --evident-bin "$build/evident" --runs "$RUNS"

# The command end to end (a new process each time): the first run builds the
# index and caches it in the review, the second loads the cache. CLI=0 skips
# it (it works on a copy of the review: 15 GB at a million records).
if [ "${CLI:-1}" = 1 ]; then
cp "$review" "$WORK/cli.evident"
sqlite3 "$WORK/cli.evident" "DELETE FROM search_index_info" 2>/dev/null || true
for run in "build + cache" "cached"; do
  t0=$(date +%s.%N)
  "$build/evident" search "$WORK/cli.evident" --strategy \
    "$root/tests/fixtures/search/seed_strategy.txt" --quiet >/dev/null
  t1=$(date +%s.%N)
  echo "# evident search --strategy, $run: $(echo "$t1 - $t0" | bc) s wall"
done
rm -f "$WORK/cli.evident" "$WORK/cli.evident-wal" "$WORK/cli.evident-shm"
fi

REPLICATE=${REPLICATE:-0}
if [ "$REPLICATE" -gt 1 ]; then
  echo "# evident alone, every record indexed $REPLICATE times ($((N * REPLICATE)) documents):"
  echo "# name, count, median ms, first ms ('#index': documents, build ms)"
  /usr/bin/time -f "# peak RSS %M KB" "$WORK/bench_search" "$review" "$mesh" "$here/queries.tsv" \
    "$root/tests/fixtures/search/seed_strategy.txt" "$RUNS" "$REPLICATE"
fi
