#!/usr/bin/python3
"""timeit.py - the measuring half of bench/import/run.sh (see there)."""
import argparse
import os
import statistics
import subprocess
import sys

BIO_ENTREZ = r"""
import sys
from Bio import Entrez
n = 0
with open(sys.argv[1], "rb") as f:
    # validate=False: the file names the 2015 DTD (the newest bundled one under
    # which Entrez.parse streams a PubmedArticleSet) and skips newer elements.
    for rec in Entrez.parse(f, validate=False):
        n += 1
print(n)
"""

BIO_MEDLINE = r"""
import sys
from Bio import Medline
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for rec in Medline.parse(f):
        n += 1
print(n)
"""


def timed(cmd, before=None):
    """Run cmd under GNU time: (wall s, cpu s, peak RSS MB, stdout)."""
    if before:
        before()
    out = subprocess.run(["/usr/bin/time", "-f", "@@ %e %U %S %M"] + cmd,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), out.stderr[-2000:]))
    line = [l for l in out.stderr.splitlines() if l.startswith("@@ ")][-1].split()
    return float(line[1]), float(line[2]) + float(line[3]), int(line[4]) / 1024.0, out.stdout


def measure(name, cmd, runs, n, before=None):
    walls, cpus, rss = [], [], []
    for _ in range(runs):
        w, c, m, _ = timed(cmd, before)
        walls.append(w)
        cpus.append(c)
        rss.append(m)
    w, c = statistics.median(walls), statistics.median(cpus)
    row = {"name": name, "wall": w, "cpu": c, "rss": max(rss), "rate": n / w, "cpu_rate": n / c,
           "runs": runs}
    print("%-34s %9.0f %9.0f %8.2f %8.2f %8.1f  (%d run%s)" % (
        name, row["rate"], row["cpu_rate"], w, c, row["rss"], runs, "" if runs == 1 else "s"))
    sys.stdout.flush()
    return row


def main():
    ap = argparse.ArgumentParser()
    for k in ("evident", "driver", "xml", "nbib", "work"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bio-runs", type=int, default=1)
    a = ap.parse_args()
    review = os.path.join(a.work, "bench.evident")

    def fresh():
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(review + suffix):
                os.remove(review + suffix)
        subprocess.run([a.evident, "init", review, "--quiet"], check=True, capture_output=True)

    bio = subprocess.run(["/usr/bin/python3", "-c", "import Bio, sys; print(Bio.__version__, sys.version.split()[0])"],
                         capture_output=True, text=True).stdout.split()
    print("Biopython %s on Python %s (/usr/bin/python3); evident %s" % (
        bio[0] if bio else "?", bio[1] if len(bio) > 1 else "?", a.evident))
    mb = os.path.getsize(a.xml) / 1e6
    print("%d records; XML %.0f MB, nbib %.0f MB; medians of runs; machine load %.1f" % (
        a.n, mb, os.path.getsize(a.nbib) / 1e6, os.getloadavg()[0]))
    print("%-34s %9s %9s %8s %8s %8s" % ("", "rec/s", "rec/cpu-s", "wall s", "cpu s", "RSS MB"))
    r = {}
    r["full"] = measure("evident import (XML, full)", [a.evident, "import", review, a.xml, "--quiet"],
                        a.runs, a.n, fresh)
    r["dry"] = measure("evident import --dry-run (XML)", [a.evident, "import", review, a.xml,
                                                          "--dry-run", "--quiet"], a.runs, a.n, fresh)
    r["drv"] = measure("evident parser, C driver (XML)", [a.driver, "--no-raw", a.xml], a.runs, a.n)
    r["bio"] = measure("Biopython Bio.Entrez.parse (XML)", ["/usr/bin/python3", "-c", BIO_ENTREZ, a.xml],
                       a.bio_runs, a.n)
    r["nfull"] = measure("evident import (nbib, full)", [a.evident, "import", review, a.nbib, "--quiet"],
                         a.runs, a.n, fresh)
    r["ndry"] = measure("evident import --dry-run (nbib)", [a.evident, "import", review, a.nbib,
                                                            "--dry-run", "--quiet"], a.runs, a.n, fresh)
    r["bmed"] = measure("Biopython Bio.Medline.parse (nbib)", ["/usr/bin/python3", "-c", BIO_MEDLINE, a.nbib],
                        a.runs, a.n)
    print()
    print("parse-only XML vs Biopython Entrez : %.1fx wall, %.1fx cpu   (bar: >= 20x)" % (
        r["dry"]["rate"] / r["bio"]["rate"], r["dry"]["cpu_rate"] / r["bio"]["cpu_rate"]))
    print("parse-only nbib vs Biopython Medline: %.1fx wall, %.1fx cpu" % (
        r["ndry"]["rate"] / r["bmed"]["rate"], r["ndry"]["cpu_rate"] / r["bmed"]["cpu_rate"]))
    print("full import XML: %.0f records/s wall, %.0f per cpu-s   (bar: >= 20,000)" % (
        r["full"]["rate"], r["full"]["cpu_rate"]))
    print("peak RSS: full import %.0f MB, parse-only %.0f MB   (bar: < 200 MB)" % (
        r["full"]["rss"], r["dry"]["rss"]))


if __name__ == "__main__":
    main()
