#!/bin/sh
# bench/run.sh BUILD_DIR [NAME...] - run the benchmarks, each side by side
# with the peer a user would otherwise pick, and print their tables. With no
# NAME, all of them (this takes a long time: the import, search and meta
# benchmarks generate large corpora and wait for the slower peers).
# Benchmarks are not tests: they are never part of `make check`.
set -eu
BUILD=${1:-build}
shift || true
ALL="meta import nbib store bibcsv dedup screen search serve"
NAMES=${*:-$ALL}
HERE=$(cd "$(dirname "$0")" && pwd)
for n in $NAMES; do
    if [ ! -f "$HERE/$n/run.sh" ]; then
        echo "bench: no benchmark '$n' (have: $ALL)" >&2
        exit 1
    fi
    printf '\n==== bench/%s ====\n' "$n"
    sh "$HERE/$n/run.sh" "$BUILD"
done
