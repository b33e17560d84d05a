#!/bin/sh
# bench/serve/run.sh BUILD_DIR - bounded load test of `evident serve` on
# loopback: 8 simulated reviewers x 2,000 decisions each, concurrently, on a
# review of 8,000 synthetic PubMed records (bench/gen), then a read-back that
# every decision is there exactly once. A second, shorter run asks for the
# next record with every decision, as the web page does. Targets: no failed
# request, median < 10 ms, p99 < 50 ms. There is no peer to compare with:
# the figures are printed against the targets.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
EV=$BUILD/evident
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
W=${BENCH_WORK:-/tmp/evident-bench-serve}
R=${REVIEWERS:-8}
N=${DECISIONS:-2000}
rm -rf "$W"; mkdir -p "$W"; cd "$W"
cc -O2 -D_GNU_SOURCE -o load "$HERE/load.c" -lpthread
NN=${NEXT_DECISIONS:-5}
RECORDS=$(( (R + 1) / 2 * N ))
TOTAL=$(( RECORDS + (R + 1) / 2 * NN ))
/usr/bin/python3 "$SRC/bench/gen/gen_pubmed.py" -n "$TOTAL" --seed 3 --nbib recs.nbib >/dev/null
"$EV" init r.evident -q
"$EV" import r.evident recs.nbib --source PubMed -q
k=1
while [ $k -le "$R" ]; do
    echo 'bench-password' | "$EV" user add r.evident rev$k --role reviewer --password-stdin
    k=$((k + 1))
done
"$EV" serve r.evident --listen 127.0.0.1:0 --threads "$R" >serve.out 2>serve.err &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
port=""
while [ -z "$port" ]; do sleep 0.2; port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out); done
# a fresh review numbers its records from 1
echo "== evident serve: $R reviewers x $N decisions on $RECORDS records (targets: median < 10 ms, p99 < 50 ms, no failures) =="
./load 127.0.0.1 "$port" "$R" "$N" 1 bench-password
echo "== the web page's path: every decision answered with the reviewer's next record ($R x $NN) =="
./load 127.0.0.1 "$port" "$R" "$NN" $((RECORDS + 1)) bench-password next
