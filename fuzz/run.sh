#!/bin/sh
# Run every libFuzzer harness in BUILD_DIR for SECONDS each, starting from its
# committed corpus (new finds go to a scratch corpus, not the repository).
set -eu
build=$1; secs=${2:-60}
for bin in "$build"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  scratch=$(mktemp -d)
  echo "== $name ($secs s)"
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 \
    "$scratch" "fuzz/corpus/$name" 2>&1 | tail -n 3
  rm -rf "$scratch"
done
