#!/bin/sh
# bench/nbib/run.sh BUILD_DIR - MEDLINE text (.nbib) parsing: evident's
# tagged reader vs Biopython's Bio.Medline.parse, side by side.
#
# Input: N generated records (bench/gen/gen_pubmed.py, cached) concatenated
# with the real exports in tests/fixtures/formats/medline-nbib/. Each side
# runs RUNS times pinned to one core; prints median wall and CPU seconds,
# records/s, peak RSS and the ratio. Environment: N (default 50000), SEED
# (1), RUNS (5), WORK (default /tmp/evident-bench-nbib).
set -eu
build=${1:?usage: bench/nbib/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-50000}; SEED=${SEED:-1}; RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/evident-bench-nbib}
PY=/usr/bin/python3
mkdir -p "$WORK"

cmake --build "$build" --target ev_formats -j2 >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include" "$here/nbibparse.c" \
   "$build/libev_formats.a" "$build/libev_core.a" \
   $(pkg-config --libs expat zlib libutf8proc libsodium jansson) -lm -o "$WORK/nbibparse"

nbib="$WORK/pubmed-$N-$SEED.nbib"
if [ ! -s "$nbib" ]; then
  echo "generating $N records (seed $SEED) ..." >&2
  $PY "$root/bench/gen/gen_pubmed.py" -n "$N" --seed "$SEED" --xml "$WORK/unused.xml" \
      --nbib "$nbib.gen"
  rm -f "$WORK/unused.xml"
  # the real exports (JabRef's edge-case files are left out: Biopython and
  # evident count their damaged blocks differently)
  for f in "$root"/tests/fixtures/formats/medline-nbib/biopython__*.txt \
           "$root"/tests/fixtures/formats/medline-nbib/synthesisr__*.txt \
           "$root"/tests/fixtures/formats/medline-nbib/jzsh2000__*; do
    printf '\n' >>"$nbib.gen"; cat "$f" >>"$nbib.gen"
  done
  mv "$nbib.gen" "$nbib"
fi

cat >"$WORK/bio_medline.py" <<'PYEOF'
import sys, time
from Bio import Medline
t0 = time.monotonic()
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for rec in Medline.parse(f):
        n += 1
print(n, "%.4f" % (time.monotonic() - t0))
PYEOF

one=""
command -v taskset >/dev/null 2>&1 && one="taskset -c 0"
: >"$WORK/ev.times"; : >"$WORK/bio.times"
i=0
while [ "$i" -lt "$RUNS" ]; do
  $one /usr/bin/time -f "@@ %e %U %S %M" "$WORK/nbibparse" "$nbib" >"$WORK/out" 2>"$WORK/err"
  echo "$(cat "$WORK/out") $(grep '^@@' "$WORK/err" | cut -c4-)" >>"$WORK/ev.times"
  $one /usr/bin/time -f "@@ %e %U %S %M" $PY "$WORK/bio_medline.py" "$nbib" >"$WORK/out" \
      2>"$WORK/err"
  echo "$(cat "$WORK/out") $(grep '^@@' "$WORK/err" | cut -c4-)" >>"$WORK/bio.times"
  i=$((i + 1))
done

exec $PY - "$WORK" "$(wc -c <"$nbib")" "$(grep -c '^PMID' "$nbib")" <<'PYEOF'
import statistics, sys
work, size, pmids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    rows = [l.split() for l in open("%s/%s.times" % (work, name)) if l.strip()]
    recs = int(rows[0][0])
    parse = statistics.median(float(r[1]) for r in rows)
    wall = statistics.median(float(r[2]) for r in rows)
    cpu = statistics.median(float(r[3]) + float(r[4]) for r in rows)
    rss = max(int(r[5]) for r in rows) / 1024
    return recs, parse, wall, cpu, rss, len(rows)
ev, bio = load("ev"), load("bio")
print("nbib parse bench: %.1f MB, %d runs each, medians, one core" % (size / 1e6, ev[5]))
print("%-28s %9s %9s %9s %9s %11s %8s" % ("", "records", "parse s", "wall s", "cpu s", "records/s",
                                           "peak MB"))
for name, r in (("evident (C, tagged reader)", ev), ("Biopython Bio.Medline", bio)):
    print("%-28s %9d %9.3f %9.3f %9.3f %11.0f %8.1f" % (name, r[0], r[1], r[2], r[3], r[0] / r[1],
                                                         r[4]))
if ev[0] != bio[0]:
    print("record counts differ: evident %d, Biopython %d; the file has %d PMID lines" % (
          ev[0], bio[0], pmids))
print("speed-up, Biopython / evident: %.1fx CPU time, %.1fx parse wall time" % (
      bio[3] / ev[3], bio[1] / ev[1]))
print("evident also normalises (authors, MeSH, dates, abstract sections) and keeps raw text;")
print("Bio.Medline only splits tags into a dict of strings. Wall time includes waiting for a")
print("shared core; CPU time is the work done.")
PYEOF
