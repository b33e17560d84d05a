#!/usr/bin/python3
"""make_inputs.py DATA WORK - the repeated inputs of bench/bibcsv (cached)."""
import os
import re
import sys

data, work = sys.argv[1], sys.argv[2]


def once(name, build):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as f:
            f.write(build())
        os.rename(path + ".tmp", path)


def bib():
    b = open(os.path.join(data, "formats/bibtex/asysd__zotero_export.bib"), "rb").read()
    return b * 5


def csv():
    b = open(os.path.join(data, "screening/van_de_Schoot_2017_ptsd/records.csv"), "rb").read()
    head, body = b.split(b"\n", 1)
    return head + b"\n" + body * 3


def xml():
    t = open(os.path.join(data, "formats/endnote-xml/asysd__zotero_export.xml"), "rb").read()
    start = t.index(b"<records>") + len(b"<records>")
    end = t.rindex(b"</records>")
    return t[:start] + t[start:end] * 10 + t[end:]


once("bench.bib", bib)
once("bench.csv", csv)
once("bench.xml", xml)
