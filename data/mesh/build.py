#!/usr/bin/python3
"""Build data/mesh/mesh2024.tsv, the compact MeSH vocabulary evident's search
module bundles, from the MeSH 2024 (derived) files in shared/data/mesh/.

One line per descriptor:  UI <TAB> Name <TAB> TreeNumbers(|) <TAB> EntryTerms(|)
Entry terms are the non-permuted terms of the descriptor's record (from
mesh2024_terms.tsv.gz, IsPermutedTermYN = N) other than the name itself;
permuted forms ("Injuries, Abdominal" for "Abdominal Injuries") are dropped to
keep the file small — evident also matches names with their comma-inverted
parts swapped back, see docs/internals/search.md.

usage: data/mesh/build.py SHARED_MESH_DIR OUT_FILE
"""
import gzip
import sys


def main(src, out):
    desc = {}
    with gzip.open(f"{src}/mesh2024_descriptors.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            ui, name, trees, _entries = line.rstrip("\n").split("\t")
            desc[ui] = [name, trees, []]
    with gzip.open(f"{src}/mesh2024_terms.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            ui, term, _rp, _cp, permuted = line.rstrip("\n").split("\t")[:5]
            d = desc.get(ui)
            if d is None or permuted != "N" or term == d[0] or "|" in term:
                continue
            if term not in d[2]:
                d[2].append(term)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("# MeSH 2024 (derived): UI\tName\tTreeNumbers\tEntryTerms\n")
        for ui in sorted(desc):
            name, trees, entries = desc[ui]
            f.write(f"{ui}\t{name}\t{trees}\t{'|'.join(entries)}\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
