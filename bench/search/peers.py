#!/usr/bin/python3
"""peers.py - the peer side of bench/search: the same PubMed queries run
through (1) plain SQLite FTS5 MATCH on the review's own records_fts table and
(2) Xapian (python3-xapian) over an index built from the review's records
(read through `evident export --format json`),
with hit counts compared to evident's and median latencies side by side.

Both peers get each query translated once, by the small PubMed-subset
translator below ([tiab] [ti] [mh] [mh:noexp] [dp], phrases, trailing '*',
AND/OR/NOT left to right, parentheses, #n): MeSH explosion is precomputed from
the same MeSH file evident uses, so the peers are timed on retrieval only.

Semantics: the Xapian index mirrors evident's (positions per field instance
with gaps, MeSH headings as exact terms, print and electronic dates), so its
counts should equal evident's. FTS5 is plain MATCH on what the store indexes:
abstract sections and MeSH names are each one column, so a phrase may run
across two sections or headings ('animals' also matches 'Animals, Newborn'),
and [dp] uses records.year (print year, else electronic); its counts may
differ slightly and the table says by how much.

usage: peers.py --review R --mesh M --queries Q --strategy S --evident TSV
                --xapian DIR --evident-bin EVIDENT [--runs 5]
"""
import argparse
import bisect
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time
import unicodedata

import xapian


def norm_tokens(s):
    if s.isascii():  # NFKC, casefold and NFD are identities (but for case) on ASCII
        return re.findall(r"[^\W_]+", s.lower())
    s = unicodedata.normalize("NFKC", s).casefold()
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", s)


def norm(s):
    return " ".join(norm_tokens(s))


# ---- MeSH -----------------------------------------------------------------


class Mesh:
    def __init__(self, path):
        self.name, self.trees, self.lookup = {}, {}, {}
        entries = {}
        tree_rows = []
        for line in open(path, encoding="utf-8"):
            if line.startswith("#") or line.startswith("DescriptorUI"):
                continue
            f = line.rstrip("\n").split("\t")
            ui, name = f[0], f[1]
            self.name[ui] = name
            self.trees[ui] = [t for t in f[2].split("|") if t] if len(f) > 2 else []
            tree_rows += [(t, ui) for t in self.trees[ui]]
            self.lookup.setdefault(norm(name), ui)
            for e in (f[3].split("|") if len(f) > 3 else []):
                if e:
                    entries.setdefault(norm(e), ui)
        for k, v in entries.items():
            self.lookup.setdefault(k, v)
        tree_rows.sort()
        self.tree_keys = [t for t, _ in tree_rows]
        self.tree_uis = [u for _, u in tree_rows]

    def explode(self, term, noexp):
        ui = self.lookup.get(norm(term))
        if ui is None:
            return [norm(term)]
        out = {ui}
        if not noexp:
            for t in self.trees[ui]:
                i = bisect.bisect_left(self.tree_keys, t)
                while i < len(self.tree_keys) and (self.tree_keys[i] == t or
                                                   self.tree_keys[i].startswith(t + ".")):
                    out.add(self.tree_uis[i])
                    i += 1
        return sorted(norm(self.name[u]) for u in out)


# ---- a PubMed-subset parser ---------------------------------------------------

TOK = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|(\[[^\]]*\])|([^\s()\[\]"]+))')


def lex(q):
    q = q.replace("\u201c", '"').replace("\u201d", '"')
    out, i = [], 0
    while i < len(q):
        m = TOK.match(q, i)
        if not m or m.end() == i:
            break
        i = m.end()
        lp, rp, phrase, tag, word = m.groups()
        if lp:
            out.append(("(", None))
        elif rp:
            out.append((")", None))
        elif phrase is not None:
            out.append(("phrase", phrase))
        elif tag:
            out.append(("tag", tag[1:-1].strip().lower()))
        elif word in ("AND", "OR", "NOT"):
            out.append(("op", word))
        elif word and word.startswith("#"):
            out.append(("hist", int(word[1:])))
        elif word:
            out.append(("word", word))
    return out


TAGS = {"tiab": "tiab", "title/abstract": "tiab", "ti": "ti", "title": "ti", "mh": "mh",
        "mesh": "mh", "mesh terms": "mh", "mh:noexp": "mh:noexp", "dp": "dp",
        "all": "tiab"}


def parse(q):
    toks = lex(q)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else (None, None)

    def operand():
        kind, v = peek()
        pos[0] += 1
        if kind == "(":
            e = expr()
            pos[0] += 1
            return e
        if kind == "hist":
            return ("hist", v)
        words = [v]
        if kind == "word":
            while peek()[0] == "word":
                words.append(peek()[1])
                pos[0] += 1
        tag = "tiab"
        if peek()[0] == "tag":
            tag = TAGS[peek()[1]]
            pos[0] += 1
        text = " ".join(words)
        if tag == "dp":
            a, _, b = text.partition(":")
            return ("dp", int(a[:4]), int((b or a)[:4]))
        return ("term", tag, text)

    def expr():
        left = operand()
        while peek()[0] not in (None, ")"):
            op = "AND"
            if peek()[0] == "op":
                op = peek()[1]
                pos[0] += 1
            left = (op, left, operand())
        return left

    return expr()


def strategy_lines(text):
    out = []
    for line in text.replace("\u201c", '"').replace("\u201d", '"').splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            f = line.split("\t")
            for i, x in enumerate(f):
                if re.fullmatch(r"#\d+", x.strip()) and i + 1 < len(f):
                    out.append(f[i + 1].strip())
                    break
        else:
            out.append(re.sub(r"^#\d+\s+", "", line.strip()))
    return out


# ---- FTS5 ---------------------------------------------------------------------


def fts_phrase(text):
    toks = norm_tokens(text.replace("*", " \x01 "))
    prefix = text.rstrip().endswith("*")
    toks = [t for t in toks if t != "\x01"]
    return '"%s"%s' % (" ".join(toks), " *" if prefix else "")


class Fts:
    def __init__(self, review, mesh):
        self.db = sqlite3.connect("file:%s?mode=ro" % review, uri=True)
        self.mesh = mesh

    def expr(self, node, hist):
        k = node[0]
        if k == "hist":
            return hist[node[1] - 1]
        if k == "term":
            _, tag, text = node
            if tag.startswith("mh"):
                names = self.mesh.explode(text, tag == "mh:noexp")
                return "mesh : (%s)" % " OR ".join('"%s"' % n for n in names)
            cols = "title" if tag == "ti" else "{title abstract keywords}"
            return "%s : %s" % (cols, fts_phrase(text))
        if k == "dp":
            raise ValueError("nested date")
        return "(%s %s %s)" % (self.expr(node[1], hist), k, self.expr(node[2], hist))

    def sql(self, node, hist):
        dates = []
        while node[0] == "AND" and node[2][0] == "dp":
            dates.append(node[2])
            node = node[1]
        m = self.expr(node, hist)
        if not dates:
            return "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?", [m], m
        cond = " AND ".join("r.year BETWEEN %d AND %d" % (d[1], d[2]) for d in dates)
        return ("SELECT count(*) FROM records_fts JOIN records r ON r.id = records_fts.rowid "
                "WHERE records_fts MATCH ? AND " + cond, [m], m)

    def count(self, sql, args):
        return self.db.execute(sql, args).fetchone()[0]


# ---- Xapian ---------------------------------------------------------------------

GAP = 1000


def datestr(d):
    if not d or not d.get("year"):
        return None
    return "%04d%02d%02d" % (d["year"], d.get("month") or 1, d.get("day") or 1)


def exported_records(evident, review):
    """Stream the review's records as evident's record JSON (`evident export
    --format json` writes one array; objects are decoded one at a time)."""
    proc = subprocess.Popen([evident, "export", review, "--format", "json", "--quiet"],
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    dec, buf, pos = json.JSONDecoder(), "", 0
    while True:
        chunk = proc.stdout.read(1 << 20)
        buf = buf[pos:] + chunk
        pos = 0
        while True:
            while pos < len(buf) and buf[pos] in "[, \n\r\t]":
                pos += 1
            if pos >= len(buf):
                break
            try:
                obj, end = dec.raw_decode(buf, pos)
            except json.JSONDecodeError:
                break  # incomplete object: read more
            yield obj
            pos = end
        if not chunk:
            break
    if proc.wait() != 0:
        raise RuntimeError("evident export failed")


def build_xapian(evident, review, path):
    # no transaction: Xapian holds a transaction's changes in memory, which at
    # a million documents is gigabytes; flush in batches instead
    os.environ.setdefault("XAPIAN_FLUSH_THRESHOLD", "50000")
    db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
    t0 = time.time()
    n = 0
    for rid, r in enumerate(exported_records(evident, review), 1):
        doc = xapian.Document()
        pos = 1
        for prefix, texts in (("XTI", [r.get("title") or ""]),
                              ("XAB", [s.get("text") or "" for s in r.get("abstract", [])]),
                              ("XKW", [k.get("text") or "" for k in r.get("keywords", [])])):
            for t in texts:
                for tok in norm_tokens(t):
                    doc.add_posting(prefix + tok, pos)
                    pos += 1
                pos += GAP
        for h in r.get("mesh", []):
            doc.add_boolean_term(("XM" + norm(h.get("name") or ""))[:240])
        for slot, key in ((0, "pub_date"), (1, "epub_date")):
            d = datestr(r.get(key))
            if d:
                doc.add_value(slot, d)
        doc.set_data(str(rid))
        db.replace_document(rid, doc)
        n += 1
    db.commit()
    db.close()
    return n, time.time() - t0


class Xap:
    def __init__(self, path, mesh):
        self.db = xapian.Database(path)
        self.mesh = mesh
        self.total = self.db.get_doccount()

    def word(self, prefix, w):
        if w.endswith("*"):
            return xapian.Query(xapian.Query.OP_WILDCARD, prefix + w[:-1], 0,
                                xapian.Query.WILDCARD_LIMIT_ERROR, xapian.Query.OP_OR)
        return xapian.Query(prefix + w)

    def expansions(self, prefix, w):
        if not w.endswith("*"):
            return [prefix + w]
        return [t.term.decode() for t in self.db.allterms(prefix + w[:-1])]

    def text(self, prefixes, text):
        toks = norm_tokens(text.replace("*", "zqzwildzqz"))
        toks = [t.replace("zqzwildzqz", "*") for t in toks]
        per = []
        for p in prefixes:
            if len(toks) == 1:
                per.append(self.word(p, toks[0]))
                continue
            # Xapian phrases take plain terms only: a truncated word becomes
            # an OR of phrases, one per expansion (as a Xapian user would do)
            combos = [[]]
            for t in toks:
                combos = [c + [e] for c in combos for e in self.expansions(p, t)]
            per += [xapian.Query(xapian.Query.OP_PHRASE, [xapian.Query(x) for x in c], len(c))
                    for c in combos]
        if not per:
            return xapian.Query.MatchNothing
        return per[0] if len(per) == 1 else xapian.Query(xapian.Query.OP_OR, per)

    def query(self, node, hist):
        k = node[0]
        if k == "hist":
            return hist[node[1] - 1]
        if k == "term":
            _, tag, text = node
            if tag.startswith("mh"):
                names = self.mesh.explode(text, tag == "mh:noexp")
                return xapian.Query(xapian.Query.OP_OR, [xapian.Query("XM" + n) for n in names])
            return self.text(["XTI"] if tag == "ti" else ["XTI", "XAB", "XKW"], text)
        if k == "dp":
            lo, hi = "%04d0101" % node[1], "%04d1231" % node[2]
            return xapian.Query(xapian.Query.OP_OR,
                                [xapian.Query(xapian.Query.OP_VALUE_RANGE, s, lo, hi)
                                 for s in (0, 1)])
        op = {"AND": xapian.Query.OP_AND, "OR": xapian.Query.OP_OR,
              "NOT": xapian.Query.OP_AND_NOT}[k]
        return xapian.Query(op, self.query(node[1], hist), self.query(node[2], hist))

    def count(self, q):
        e = xapian.Enquire(self.db)
        e.set_query(q)
        e.set_weighting_scheme(xapian.BoolWeight())
        m = e.get_mset(0, 0, self.total)
        return m.get_matches_estimated()


# ---- timing ---------------------------------------------------------------------


def timed(fn, runs):
    fn()
    ts, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return out, statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    for a in ("review", "mesh", "queries", "strategy", "evident", "xapian", "evident_bin"):
        ap.add_argument("--" + a.replace("_", "-"), required=True)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    mesh = Mesh(a.mesh)
    if not os.path.exists(os.path.join(a.xapian, "iamglass")):
        # built aside and renamed: an interrupted build is never reused
        n, secs = build_xapian(a.evident_bin, a.review, a.xapian + ".tmp")
        os.rename(a.xapian + ".tmp", a.xapian)
        print("# xapian index: %d documents built in %.1f s" % (n, secs))
    fts, xap = Fts(a.review, mesh), Xap(a.xapian, mesh)

    ev = {}
    for line in open(a.evident):
        f = line.rstrip("\n").split("\t")
        if f[0] == "#index":
            print("# evident index: %s documents ready in %.0f ms" % (f[1], float(f[2])))
            continue
        if f[0].startswith("#"):
            print("# evident %s: %s" % (f[0][1:], " ".join(f[1:])))
            continue
        ev[f[0]] = (int(f[1]), float(f[2]))

    queries = [("strategy", None)]
    for line in open(a.queries, encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        name, q = line.rstrip("\n").split("\t", 1)
        queries.append((name, q))

    rows = []
    for name, q in queries:
        if name == "strategy":
            lines = strategy_lines(open(a.strategy, encoding="utf-8").read())
            nodes = [parse(x) for x in lines]
            fh, xh = [], []
            for nd in nodes:
                fh.append("(" + fts.expr(nd, fh) + ")")
                xh.append(xap.query(nd, xh))
            fsql = "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?"
            fc, ft = timed(lambda: [fts.count(fsql, [e]) for e in fh][-1], a.runs)
            xc, xt = timed(lambda: [xap.count(x) for x in xh][-1], a.runs)
        else:
            nd = parse(q)
            sql, args, _ = fts.sql(nd, [])
            fc, ft = timed(lambda: fts.count(sql, args), a.runs)
            xq = xap.query(nd, [])
            xc, xt = timed(lambda: xap.count(xq), a.runs)
        ec, et = ev[name]
        rows.append((name, ec, fc, xc, et, ft, xt))

    hdr = ("query", "evident", "fts5", "xapian", "ev ms", "fts5 ms", "xap ms", "fts5/ev",
           "xap/ev")
    print("%-20s %8s %8s %8s %9s %9s %9s %8s %8s" % hdr)
    for name, ec, fc, xc, et, ft, xt in rows:
        mark = lambda c: "%d%s" % (c, "" if c == ec else "*")
        print("%-20s %8d %8s %8s %9.2f %9.2f %9.2f %8.1f %8.1f" %
              (name, ec, mark(fc), mark(xc), et, ft, xt, ft / max(et, 1e-3), xt / max(et, 1e-3)))
    typ = rows[1:]
    med = lambda i: statistics.median(r[i] for r in typ)
    print("%-20s %8s %8s %8s %9.2f %9.2f %9.2f %8.1f %8.1f" %
          ("median (20 typical)", "", "", "", med(4), med(5), med(6),
           med(5) / max(med(4), 1e-3), med(6) / max(med(4), 1e-3)))
    same_x = sum(r[1] == r[3] for r in rows)
    same_f = sum(r[1] == r[2] for r in rows)
    print("# counts equal to evident: xapian %d/%d, fts5 %d/%d ('*' marks a difference)"
          % (same_x, len(rows), same_f, len(rows)))
    print("# bars: typical median < 20 ms: %s; strategy < 300 ms: %s; faster than both "
          "peers on the median: %s" % (med(4) < 20, rows[0][4] < 300,
                                       med(4) < med(5) and med(4) < med(6)))


if __name__ == "__main__":
    main()
