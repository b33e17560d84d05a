#!/usr/bin/python3
"""peer_exact.py - the baseline evident's dedup bench compares against.

The rule reference managers apply by default (EndNote's "title + author +
year" duplicate check, Rathbone et al. 2015's "EndNote default"): two records
are duplicates when their case- and punctuation-folded title, first author
family name and year are equal. Scored with the same record-level
convention as `evident dedup --evaluate` (ANCHORS.md). Prints one JSON line.

Usage: peer_exact.py LABELLED.csv
"""
import csv
import json
import re
import sys
import time
import unicodedata


def fold(s):
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\W+", " ", s.lower()).strip()


def main():
    t0 = time.time()
    with open(sys.argv[1], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept_by_key, kept = {}, []
    for i, r in enumerate(rows):
        first = fold((r.get("author") or "").split(",")[0])
        key = (fold(r.get("title")), first, r.get("year"))
        if key[0] and key in kept_by_key:
            kept.append(False)
        else:
            kept_by_key.setdefault(key, i)
            kept.append(True)
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["duplicate_group_id"], []).append(kept[i])
    tp = fp = tn = fn = 0
    for members in groups.values():
        k, m = len(members), sum(members)
        if k == 1:
            tn += m
            fp += 1 - m
        elif m == 0:
            fp += 1
            tp += k - 1
        else:
            tn += 1
            fn += m - 1
            tp += k - m
    print(json.dumps({"records": len(rows), "found": tp, "false_merges": fp,
                      "sensitivity": round(tp / max(1, tp + fn), 4),
                      "specificity": round(tn / max(1, tn + fp), 4),
                      "seconds": round(time.time() - t0, 2)}))


if __name__ == "__main__":
    main()
