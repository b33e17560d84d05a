#!/bin/sh
# bench/import/run.sh BUILD_DIR - import speed: evident vs Biopython.
#
# Generates (once, cached) a 100,000-record PubMed XML file and the same
# records as MEDLINE .nbib with bench/gen/gen_pubmed.py, then times in one
# run: evident full import into a fresh review (init + import --quiet),
# evident parse-only (import --dry-run), the bare parser through a small C
# driver (xmlparse.c, linked against BUILD_DIR's static libraries),
# Biopython's Bio.Entrez.parse on the XML and Bio.Medline.parse on the
# nbib. Prints medians (records/s, wall and CPU), peak RSS and the ratios.
#
# Environment: N (records, default 100000), SEED (1), RUNS (3), BIO_RUNS
# (runs of the slow Bio.Entrez side, default 1), WORK (cache directory,
# default /tmp/evident-bench-import).
set -eu
build=${1:?usage: bench/import/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${N:-100000}; SEED=${SEED:-1}; RUNS=${RUNS:-3}; BIO_RUNS=${BIO_RUNS:-1}
WORK=${WORK:-/tmp/evident-bench-import}
PY=/usr/bin/python3
mkdir -p "$WORK"

cmake --build "$build" --target evident ev_formats -j2 >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include" "$here/xmlparse.c" \
   "$build/libev_formats.a" "$build/libev_core.a" \
   $(pkg-config --libs expat zlib libutf8proc libsodium jansson libcrypto) -lm -o "$WORK/xmlparse"

xml="$WORK/pubmed-$N-$SEED.xml"; nbib="$WORK/pubmed-$N-$SEED.nbib"
if [ ! -s "$xml" ] || [ ! -s "$nbib" ]; then
  echo "generating $N records (seed $SEED) ..." >&2
  $PY "$root/bench/gen/gen_pubmed.py" -n "$N" --seed "$SEED" --xml "$xml.tmp" --nbib "$nbib.tmp"
  mv "$xml.tmp" "$xml"; mv "$nbib.tmp" "$nbib"
fi

exec $PY "$here/timeit.py" --n "$N" --runs "$RUNS" --bio-runs "$BIO_RUNS" \
  --evident "$build/evident" --driver "$WORK/xmlparse" --xml "$xml" --nbib "$nbib" --work "$WORK"
