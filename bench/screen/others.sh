#!/bin/sh
# bench/screen/others.sh BUILD_DIR - `evident simulate` on the labelled sets
# without a published anchor (ANCHORS.md: the 13 other Cohen 2006 topics,
# Kitchenham 2010, the nine SYNERGY sets; records.csv as shipped), to check
# that a configuration tuned on the four anchors does not make things worse
# on average. Prints WSS@95 per set and the mean. RUNS (default 5) runs per
# set; EV_ARGS options for `evident simulate` (default none).
set -eu
BUILD=${1:?usage: others.sh BUILD_DIR}
RUNS=${RUNS:-5}
EV_ARGS=${EV_ARGS:-}
DATA=${DATA:-/work/shared/data/screening}
echo "evident simulate options: ${EV_ARGS:-(defaults)}; $RUNS runs per data set"
sum=0
n=0
for f in "$DATA"/Cohen_2006_*/records.csv "$DATA"/Kitchenham_2010/records.csv "$DATA"/synergy_*/records.csv; do
    case $f in *ACEInhibitors*) continue ;; esac
    # shellcheck disable=SC2086
    v=$("$BUILD/evident" simulate "$f" --runs "$RUNS" $EV_ARGS --json --quiet |
        /usr/bin/python3 -c "import json,sys; print('%.1f' % (100 * json.load(sys.stdin)['mean']['wss95']))")
    printf '%-40s %6s\n' "$(basename "$(dirname "$f")")" "$v"
    sum=$(echo "$sum $v" | awk '{print $1 + $2}')
    n=$((n + 1))
done
echo "mean WSS@95 over $n sets: $(echo "$sum $n" | awk '{printf "%.1f", $1 / $2}')"
