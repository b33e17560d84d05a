#!/bin/sh
# bench/screen/run.sh BUILD_DIR - screening simulations on the data sets with
# ASReview's published figures (ANCHORS.md: Ferdinands et al. 2023), evident
# (`evident simulate`, Naive Bayes and logistic regression) side by side with
# a scikit-learn reference of ASReview's default model (asreview_ref.py), same
# priors convention, same number of runs. Prints per data set WSS@95,
# recall@10%, records to 95% recall and wall time, the means, and the speed
# ratio (wall and CPU time of the whole processes, measured with
# /usr/bin/time, side by side in the same run). RUNS (default 3) runs per data
# set; REF=0 skips the reference; EV_ARGS adds options to `evident simulate`
# (default none: the library defaults, unigrams with sublinear tf).
set -eu
BUILD=${1:?usage: run.sh BUILD_DIR}
EV=$BUILD/evident
RUNS=${RUNS:-3}
REF=${REF:-1}
EV_ARGS=${EV_ARGS:-}
DATA=${DATA:-/work/shared/data/screening}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# PTSD: records.csv without duplicates and empty abstracts (ANCHORS.md).
/usr/bin/python3 - "$DATA/van_de_Schoot_2017_ptsd/records.csv" "$TMP/ptsd.csv" <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as g:
    r = csv.DictReader(f)
    w = csv.writer(g)
    w.writerow(["title", "abstract", "label_included"])
    for row in r:
        if row["duplicate_record_id"].strip() or not row["abstract"].strip():
            continue
        w.writerow([row["title"], row["abstract"], row["label_included"]])
PY

SETS="Nudging:$DATA/Nagtegaal_2019_nudging/records_ferdinands2023.csv:71.7
PTSD:$TMP/ptsd.csv:91.7
ACE:$DATA/Cohen_2006_ACEInhibitors/records_ferdinands2023.csv:82.9
Wilson:$DATA/Appenzeller-Herzog_2020_wilson/records_ferdinands2023.csv:83.4"

field() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

echo "evident simulate options: ${EV_ARGS:-(defaults)}; $RUNS runs per data set; times are whole processes"
printf '%-8s %6s | %-26s | %-26s | %-26s | %s\n' "" "paper" "evident nb (WSS95 r10 n95 s)" \
    "evident lr (WSS95 r10 n95 s)" "sklearn ASReview (same)" "ref time / evident nb time"
echo "$SETS" > "$TMP/sets"
: > "$TMP/rows"
while IFS=: read -r name file paper; do
    for m in nb lr; do
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %U %S" -o "$TMP/$name.$m.time" \
            "$EV" simulate "$file" --model $m --runs "$RUNS" $EV_ARGS --json --quiet > "$TMP/$name.$m.json"
    done
    if [ "$REF" = 1 ]; then
        /usr/bin/time -f "%e %U %S" -o "$TMP/$name.ref.time" \
            /usr/bin/python3 "$HERE/asreview_ref.py" "$file" --runs "$RUNS" --json > "$TMP/$name.ref.json"
    fi
    line=$(printf '%-8s %5.1f%% |' "$name" "$paper")
    for m in nb lr ref; do
        f=$TMP/$name.$m.json
        if [ -f "$f" ]; then
            wall=$(cut -d' ' -f1 "$TMP/$name.$m.time")
            s=$(field "$f" "'%5.1f%% %5.1f%% %6.1f %6.2f' % (100*d['mean']['wss95'], 100*d['mean']['recall10'], d['mean']['n95'], $wall)")
        else
            s="-"
        fi
        line="$line $(printf '%-26s' "$s") |"
    done
    if [ "$REF" = 1 ]; then
        ratio=$(/usr/bin/python3 -c "
a = [float(x) for x in open('$TMP/$name.ref.time').read().split()]
b = [float(x) for x in open('$TMP/$name.nb.time').read().split()]
print('%.1fx wall, %.1fx cpu' % (a[0] / b[0], (a[1] + a[2]) / max(b[1] + b[2], 1e-3)))")
        line="$line $ratio"
    fi
    echo "$line"
    echo "$name $paper" >> "$TMP/rows"
done < "$TMP/sets"

/usr/bin/python3 - "$TMP" "$REF" <<'PY'
import json, os, sys, statistics
tmp, ref = sys.argv[1], sys.argv[2] == "1"
names = [l.split()[0] for l in open(os.path.join(tmp, "rows"))]
paper = [float(l.split()[1]) for l in open(os.path.join(tmp, "rows"))]
def load(n, m):
    p = os.path.join(tmp, "%s.%s.json" % (n, m))
    return json.load(open(p)) if os.path.exists(p) else None
print("mean WSS@95: paper %.1f%%" % statistics.mean(paper), end="")
for m in ["nb", "lr"] + (["ref"] if ref else []):
    print(" | %s %.1f%%" % (m, 100 * statistics.mean(load(n, m)["mean"]["wss95"] for n in names)), end="")
print()
def times(n, m):
    w, u, s = (float(x) for x in open(os.path.join(tmp, "%s.%s.time" % (n, m))).read().split())
    return w, u + s
if ref:
    for i, what in ((0, "wall"), (1, "cpu")):
        t_nb = sum(times(n, "nb")[i] for n in names)
        t_ref = sum(times(n, "ref")[i] for n in names)
        per = [times(n, "ref")[i] / max(times(n, "nb")[i], 1e-3) for n in names]
        print("total %s time: evident nb %.2f s, sklearn reference %.2f s: %.1fx (median per set %.1fx)"
              % (what, t_nb, t_ref, t_ref / t_nb, statistics.median(per)))
PY
