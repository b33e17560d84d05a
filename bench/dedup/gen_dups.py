#!/usr/bin/python3
"""gen_dups.py - a labelled deduplication corpus for evident's dedup bench.

Writes N records as CSV (title, author, year, journal, volume, number,
pages, doi, record_id, duplicate_group_id): about 80% distinct publications
and 20% injected duplicates of them, shuffled. Deterministic from --seed.

Seeded from real data read at generation time: titles, author names and
journal names of the screening and dedup sets in shared/data (titles are
spliced from two real titles so 160,000 distinct ones exist). Each duplicate
applies one to three of the distortions seen in real multi-database
exports: upper/lower case, punctuation, diacritics, initials instead of
given names, a missing DOI, an abbreviated journal, "123-9" page ranges,
a truncated title, British spelling, the year one off (epub vs print). Hard
negatives are added too: generic titles ("Editorial", "Reply", "Erratum")
shared by different papers.

Usage: gen_dups.py -n 200000 --seed 1 -o dups.csv
"""
import argparse
import csv
import glob
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("EV_SHARED", os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared")))

csv.field_size_limit(10 ** 8)


def real_data():
    titles, names, journals = [], set(), set()
    files = glob.glob(os.path.join(SHARED, "data", "screening", "*", "records.csv"))
    files += glob.glob(os.path.join(SHARED, "data", "dedup", "*", "records.csv"))
    for f in sorted(files):
        with open(f, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                t = (row.get("title") or "").strip()
                if len(t.split()) >= 5:
                    titles.append(t)
                a = row.get("authors") or row.get("author") or ""
                for part in re.split(r";| and |,", a):
                    w = part.strip().split(" ")[0].strip(".")
                    if len(w) >= 3 and w.isalpha():
                        names.add(w.capitalize())
                j = (row.get("journal") or "").strip()
                if 3 <= len(j) <= 80 and "Conference" not in j:
                    journals.add(j)
    if not titles:
        sys.exit("gen_dups.py: no titles found under %s (set EV_SHARED)" % SHARED)
    return titles, sorted(names), sorted(journals)


def splice(rng, titles):
    a = rng.choice(titles).rstrip(".").split()
    b = rng.choice(titles).rstrip(".").split()
    k = rng.randint(2, max(2, len(a) - 1))
    m = rng.randint(1, max(1, len(b) - 2))
    return " ".join(a[:k] + b[m:])


GIVEN = ["Anna", "Bernd", "Carla", "David", "Elena", "Frank", "Grace", "Hiro", "Ines", "Jonas",
         "Karin", "Luis", "Maria", "Nils", "Olga", "Pedro", "Rosa", "Sven", "Tomas", "Ulla"]


def base_record(rng, i, title, names, journals):
    authors = []
    for _ in range(rng.choice([1, 2, 3, 3, 4, 5, 6, 8])):
        g = rng.choice(GIVEN)
        authors.append((rng.choice(names), g, g[0] + rng.choice("ABCDEFGHJKLMNPRS")))
    start = rng.randint(1, 2000)
    return {
        "title": title,
        "authors": authors,
        "year": rng.randint(1990, 2024),
        "journal": rng.choice(journals),
        "volume": str(rng.randint(1, 300)),
        "number": str(rng.randint(1, 12)),
        "pages": "%d-%d" % (start, start + rng.randint(1, 25)),
        "doi": "10.%d/gen.%07d" % (rng.randint(1000, 9999), i) if rng.random() < 0.7 else "",
    }


ACCENTS = {"e": "é", "a": "á", "o": "ö", "u": "ü", "i": "í", "n": "ñ"}
# American -> British, word by word (suffixes only on words of 6+ letters).
BRITISH_WORDS = {"color": "colour", "behavior": "behaviour", "tumor": "tumour",
                 "tumors": "tumours", "labor": "labour", "favorable": "favourable",
                 "center": "centre", "centers": "centres", "fiber": "fibre", "liter": "litre",
                 "pediatric": "paediatric", "edema": "oedema", "anemia": "anaemia",
                 "esophageal": "oesophageal", "fetal": "foetal", "estrogen": "oestrogen"}
BRITISH_SUFFIXES = [("ization", "isation"), ("ized", "ised"), ("izing", "ising"),
                    ("ize", "ise"), ("yzed", "ysed"), ("yze", "yse")]


def british(title):
    out = []
    for w in title.split(" "):
        low = w.lower()
        if low in BRITISH_WORDS:
            w = BRITISH_WORDS[low]
        elif low.startswith("hem") and len(low) > 6:  # hemorrhage -> haemorrhage
            w = w[0] + "a" + w[1:]
        elif len(low) >= 6:
            for us, uk in BRITISH_SUFFIXES:
                if low.endswith(us):
                    w = w[: len(w) - len(us)] + uk
                    break
        out.append(w)
    return " ".join(out)
STOP = {"of", "the", "and", "in", "for", "on", "&"}


def abbreviate(journal):
    words = [w for w in re.split(r"[\s:]+", journal) if w and w.lower() not in STOP]
    return " ".join(w[:4] if len(w) > 5 else w for w in words)


def distort(rng, rec):
    r = dict(rec)
    r["authors"] = list(rec["authors"])
    kinds = rng.sample(["case", "punct", "diacritics", "initials", "nodoi", "abbrev", "pages",
                        "truncate", "british", "year"], rng.randint(1, 3))
    for k in kinds:
        if k == "case":
            r["title"] = r["title"].upper() if rng.random() < 0.5 else r["title"].lower()
        elif k == "punct":
            r["title"] = r["title"].replace(":", " -").replace(",", "") + "."
        elif k == "diacritics":
            r["authors"] = [("".join(ACCENTS.get(c, c) if rng.random() < 0.3 else c
                                     for c in f), g, i) for f, g, i in r["authors"]]
        elif k == "initials":
            r["authors"] = [(f, i, i) for f, g, i in r["authors"]]
        elif k == "nodoi":
            r["doi"] = ""
        elif k == "abbrev":
            r["journal"] = abbreviate(r["journal"])
        elif k == "pages":
            a, b = r["pages"].split("-")
            common = 0
            while common < len(a) - 1 and common < len(b) - 1 and a[common] == b[common]:
                common += 1
            r["pages"] = "%s-%s" % (a, b[common:])
        elif k == "truncate":
            w = r["title"].split()
            if len(w) > 9:
                r["title"] = " ".join(w[:max(7, int(len(w) * 0.7))])
        elif k == "british":
            r["title"] = british(r["title"])
        elif k == "year":
            r["year"] += rng.choice([-1, 1])
    return r


def author_text(rec, full):
    parts = []
    for f, g, i in rec["authors"]:
        parts.append("%s, %s" % (f, g if full else ".".join(i) + "."))
    return " and ".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dup-rate", type=float, default=0.2)
    ap.add_argument("-o", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    titles, names, journals = real_data()
    n_dup = int(args.n * args.dup_rate)
    n_generic = args.n // 200
    n_base = args.n - n_dup - n_generic
    seen, base = set(), []
    while len(base) < n_base:
        t = splice(rng, titles)
        key = re.sub(r"\W+", " ", t.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        base.append(base_record(rng, len(base), t, names, journals))
    rows = []
    for i, rec in enumerate(base):
        rows.append((rec, i, rng.random() < 0.5))
    for _ in range(n_dup):
        g = rng.randrange(n_base)
        rows.append((distort(rng, base[g]), g, rng.random() < 0.5))
    for k in range(n_generic):
        rec = base_record(rng, n_base + k, rng.choice(["Editorial", "Reply", "Erratum",
                                                        "Introduction", "Letter to the editor"]),
                          names, journals)
        rows.append((rec, n_base + k, True))
    rng.shuffle(rows)
    with open(args.o, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "title", "author", "year", "journal", "volume", "number",
                    "pages", "doi", "duplicate_group_id"])
        for rid, (rec, group, full) in enumerate(rows):
            w.writerow([rid, rec["title"], author_text(rec, full), rec["year"], rec["journal"],
                        rec["volume"], rec["number"], rec["pages"], rec["doi"], "g%d" % group])


if __name__ == "__main__":
    main()
