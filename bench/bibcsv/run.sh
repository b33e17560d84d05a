#!/bin/sh
# bench/bibcsv/run.sh BUILD_DIR - BibTeX, CSV and EndNote XML parse speed:
# evident's readers vs the usual peers, side by side.
#
# Inputs (built once in WORK from the shared real exports, by repetition):
#   bib  - ASySD's Zotero BibTeX export (1000 entries) x 5
#   csv  - the van de Schoot PTSD screening set (6189 rows, 10.5 MB) x 3
#   xml  - ASySD's Zotero EndNote XML (1233 records) x 10, one <records>
# evident: bench/import/xmlparse.c (ev_parse_file, keep_raw off, records
# delivered to a sink that touches them), linked against BUILD_DIR.
# Peers: R rbibutils::readBib (BibTeX), Python csv.DictReader and R
# data.table::fread (CSV), Python lxml.etree.iterparse (EndNote XML).
# Prints medians of RUNS (default 3) and the ratio peer/evident.
set -eu
build=${1:?usage: bench/bibcsv/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/evident-bench-bibcsv}
DATA=${DATA:-/work/shared/data}
mkdir -p "$WORK"

cmake --build "$build" --target ev_formats -j2 >/dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include" "$root/bench/import/xmlparse.c" \
   "$build/libev_formats.a" "$build/libev_core.a" \
   $(pkg-config --libs expat zlib libutf8proc libsodium jansson) -lm -o "$WORK/parse"

/usr/bin/python3 "$here/make_inputs.py" "$DATA" "$WORK"
exec /usr/bin/python3 "$here/timeit.py" --work "$WORK" --runs "$RUNS"
