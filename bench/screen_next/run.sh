#!/bin/sh
# bench/screen_next/run.sh BUILD_DIR [N...] - how long `ev_screen_next` takes
# after a decision (the web page's and the terminal screener's path) on
# reviews of N synthetic PubMed records (bench/gen; default 8000 50000):
# one reviewer, rule 1, no random picks, two includes and two excludes to
# start the model, then 20 decisions each followed by a timed next. The
# first next builds and caches the TF-IDF matrix. Targets: < 50 ms after a
# decision at 8,000 records, < 100 ms re-rank at 50,000. No peer: the
# figures are printed against the targets.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
shift || true
SIZES=${*:-8000 50000}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
W=${BENCH_WORK:-/tmp/evident-bench-screen-next}
rm -rf "$W"; mkdir -p "$W"; cd "$W"
B=$BUILD
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$SRC/include" -o next_latency \
    "$HERE/next_latency.c" $B/libev_screen.a $B/libev_dedup.a $B/libev_plot.a \
    $B/libev_store.a $B/libev_formats.a $B/libev_core.a -llinear \
    $(pkg-config --libs sqlite3 expat zlib libutf8proc cairo libsodium jansson) -lcrypto -lm -lpthread
printf '1\tinclude\n2\texclude\n3\texclude\n4\tinclude\n' > seed.tsv
for n in $SIZES; do
    /usr/bin/python3 "$SRC/bench/gen/gen_pubmed.py" -n "$n" --seed 5 --nbib r$n.nbib >/dev/null
    "$B/evident" init r$n.evident -q
    "$B/evident" import r$n.evident r$n.nbib --source PubMed -q
    "$B/evident" screen r$n.evident setup --reviewers alice --owner alice --rule 1 \
        --random-share 0 --quiet
    "$B/evident" screen r$n.evident decide --file seed.tsv --as alice --quiet
    echo "== $n records =="
    ./next_latency r$n.evident alice 20
done
