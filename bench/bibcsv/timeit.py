#!/usr/bin/python3
"""timeit.py - the measuring half of bench/bibcsv/run.sh (see there)."""
import argparse
import os
import statistics
import subprocess
import sys

PY_CSV = r"""
import csv, sys
csv.field_size_limit(1 << 30)
n = 0
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        n += 1
print(n)
"""

PY_XML = r"""
import sys
from lxml import etree
n = 0
for _, el in etree.iterparse(sys.argv[1], tag="record"):
    fields = {c.tag: "".join(c.itertext()) for c in el}
    n += 1
    el.clear()
print(n)
"""

R_BIB = 'x <- rbibutils::readBib(commandArgs(TRUE)[1], direct = TRUE); cat(length(x), "\\n")'
R_CSV = 'x <- data.table::fread(commandArgs(TRUE)[1], encoding = "UTF-8"); cat(nrow(x), "\\n")'


def timed(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "@@ %e %U %S %M"] + cmd,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), out.stderr[-2000:]))
    line = [l for l in out.stderr.splitlines() if l.startswith("@@ ")][-1].split()
    return float(line[1]), int(line[4]) / 1024.0, out.stdout.strip()


def measure(name, cmd, runs):
    walls, rss, last = [], [], ""
    for _ in range(runs):
        w, m, last = timed(cmd)
        walls.append(w)
        rss.append(m)
    w = statistics.median(walls)
    records = last.split()[1] if last.startswith("records") else last.split()[-1]
    print("  %-32s %8.2f s %8.1f MB  %s records" % (name, w, max(rss), records))
    sys.stdout.flush()
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    parse = os.path.join(a.work, "parse")
    f = {k: os.path.join(a.work, "bench." + k) for k in ("bib", "csv", "xml")}
    print("medians of %d runs; machine load %.1f" % (a.runs, os.getloadavg()[0]))
    for kind, peers in (("bib", [("R rbibutils::readBib", ["Rscript", "-e", R_BIB])]),
                        ("csv", [("Python csv.DictReader", ["/usr/bin/python3", "-c", PY_CSV]),
                                 ("R data.table::fread", ["Rscript", "-e", R_CSV])]),
                        ("xml", [("Python lxml iterparse", ["/usr/bin/python3", "-c", PY_XML])])):
        print("%s (%.1f MB)" % (kind, os.path.getsize(f[kind]) / 1e6))
        ev = measure("evident", [parse, "--no-raw", f[kind]], a.runs)
        for name, cmd in peers:
            w = measure(name, cmd + [f[kind]], a.runs)
            print("  %-32s %8.2fx" % ("ratio " + name.split()[0] + "/evident", w / ev))


if __name__ == "__main__":
    main()
