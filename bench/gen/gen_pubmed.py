#!/usr/bin/python3
"""gen_pubmed.py - a synthetic PubMed corpus for evident's benchmarks.

Writes N PubMed XML records (baseline-style compact layout, pubmed_190101
DOCTYPE so Biopython validates it with its bundled DTD) and optionally the
same records as MEDLINE text (.nbib). Deterministic from --seed.

Seeded from real data, read at generation time (see README.md):
  * text: titles and abstract sentences of the screening sets
    (shared/data/screening/*/records.csv); titles are spliced from two real
    titles, abstracts are real sentences recombined into structured or plain
    abstracts; names and journals come from the same files;
  * structure and small vocabularies (qualifiers, publication types,
    languages, countries, grants agencies) from the real PubMed XML fixtures;
  * MeSH descriptors from mesh2024_descriptors.tsv.gz with Zipf-like
    frequencies, check tags at realistic rates, and a topical slice
    (regenerative medicine x foot and ankle, the seed review's strategy) so
    that strategy has hits.

Usage: gen_pubmed.py -n 100000 --seed 1 --xml out.xml [--nbib out.nbib]
       [--topic-rate 0.02] [--pmid-start 30000001]
Output ending in .gz is gzip-compressed (level 1).
"""
import argparse
import bisect
import csv
import glob
import gzip
import itertools
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("EV_SHARED", os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared")))

DOCTYPE = ('<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2015//EN" '
           '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_150101.dtd">')

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Subheadings seen in the fixtures plus other common ones (MeSH qualifier list).
QUALIFIERS = [
    ("Q000008", "administration & dosage"), ("Q000009", "adverse effects"),
    ("Q000032", "analysis"), ("Q000033", "anatomy & histology"), ("Q000097", "blood"),
    ("Q000139", "chemically induced"), ("Q000145", "classification"),
    ("Q000150", "complications"), ("Q000166", "cytology"), ("Q000175", "diagnosis"),
    ("Q000000981", "diagnostic imaging"), ("Q000187", "drug effects"),
    ("Q000188", "drug therapy"), ("Q000191", "economics"), ("Q000208", "ethnology"),
    ("Q000209", "etiology"), ("Q000235", "genetics"), ("Q000254", "growth & development"),
    ("Q000276", "immunology"), ("Q000293", "injuries"), ("Q000378", "metabolism"),
    ("Q000379", "methods"), ("Q000382", "microbiology"), ("Q000401", "mortality"),
    ("Q000453", "epidemiology"), ("Q000473", "pathology"), ("Q000494", "pharmacology"),
    ("Q000502", "physiology"), ("Q000503", "physiopathology"),
    ("Q000517", "prevention & control"), ("Q000523", "psychology"),
    ("Q000534", "rehabilitation"), ("Q000601", "surgery"), ("Q000627", "therapeutic use"),
    ("Q000628", "therapy"), ("Q000633", "toxicity"), ("Q000637", "transplantation"),
    ("Q000706", "statistics & numerical data"), ("Q000737", "chemistry"),
]
QUAL_WEIGHTS = [1.0 / (i + 1) ** 0.8 for i in range(len(QUALIFIERS))]

CHECK_TAGS = [("D006801", "Humans", 0.72), ("D005260", "Female", 0.45),
              ("D008297", "Male", 0.43), ("D000328", "Adult", 0.30),
              ("D008875", "Middle Aged", 0.25), ("D000368", "Aged", 0.18),
              ("D000293", "Adolescent", 0.10), ("D002648", "Child", 0.08),
              ("D055815", "Young Adult", 0.12), ("D000818", "Animals", 0.18),
              ("D051379", "Mice", 0.07), ("D051381", "Rats", 0.05)]

PUB_TYPES = [("D016428", "Journal Article", 1.0),
             ("D013485", "Research Support, Non-U.S. Gov't", 0.25),
             ("D016454", "Review", 0.14), ("D003160", "Comparative Study", 0.08),
             ("D016449", "Randomized Controlled Trial", 0.05),
             ("D002363", "Case Reports", 0.06), ("D016448", "Multicenter Study", 0.02),
             ("D000078182", "Systematic Review", 0.02), ("D017418", "Meta-Analysis", 0.015),
             ("D064888", "Observational Study", 0.02), ("D052061", "Research Support, N.I.H., Extramural", 0.06),
             ("D016441", "Retracted Publication", 0.0008), ("D016440", "Retraction of Publication", 0.0004),
             ("D016425", "Published Erratum", 0.003)]

LANGS = [("eng", 0.92), ("ger", 0.02), ("fre", 0.015), ("spa", 0.012), ("jpn", 0.01),
         ("chi", 0.01), ("rus", 0.008), ("ita", 0.005)]

COUNTRIES = ["United States", "England", "Netherlands", "Germany", "Switzerland", "China",
             "Japan", "France", "Italy", "Canada", "Australia", "Spain", "Korea (South)",
             "Brazil", "India", "Sweden", "Denmark", "Belgium", "Austria", "Poland"]
AFF_COUNTRIES = ["USA", "UK", "China", "Japan", "Germany", "France", "Italy", "Canada",
                 "Australia", "Spain", "Netherlands", "Korea", "Brazil", "India", "Sweden",
                 "Switzerland", "Denmark", "Belgium", "Austria", "Norway"]
CITIES = ["Boston", "London", "Beijing", "Tokyo", "Berlin", "Paris", "Milan", "Toronto",
          "Sydney", "Madrid", "Amsterdam", "Seoul", "Sao Paulo", "Mumbai", "Stockholm",
          "Zurich", "Copenhagen", "Leuven", "Vienna", "Oslo", "Chicago", "Shanghai",
          "Osaka", "Munich", "Lyon", "Rome", "Montreal", "Melbourne", "Barcelona", "Utrecht"]
DEPTS = ["Department of Orthopaedic Surgery", "Department of Medicine",
         "Department of Epidemiology", "Department of Pediatrics", "Department of Surgery",
         "Department of Psychiatry", "Department of Radiology", "Department of Cardiology",
         "Department of Neurology", "Department of Pharmacology", "School of Public Health",
         "Institute of Regenerative Medicine", "Department of Sports Medicine",
         "Division of Infectious Diseases", "Department of Biomedical Engineering",
         "Department of Rheumatology", "Department of Oncology", "Department of Nursing"]
AGENCIES = [("NIAMS NIH HHS", "AR"), ("NCI NIH HHS", "CA"), ("NHLBI NIH HHS", "HL"),
            ("NIMH NIH HHS", "MH"), ("Wellcome Trust", None), ("Medical Research Council", "MRC_"),
            ("NIA NIH HHS", "AG"), ("NIDDK NIH HHS", "DK")]
AGENCY_COUNTRY = {"Wellcome Trust": "United Kingdom", "Medical Research Council": "United Kingdom"}

# Seed review (shared/seeds/003): regenerative medicine x foot and ankle.
TOPIC_A_MESH = ["Regenerative Medicine", "Stem Cells", "Mesenchymal Stem Cells",
                "Platelet-Rich Plasma", "Tissue Engineering", "Tissue Scaffolds",
                "Exosomes", "Intercellular Signaling Peptides and Proteins", "Biocompatible Materials",
                "Printing, Three-Dimensional"]
TOPIC_B_MESH = ["Talus", "Ankle Joint", "Achilles Tendon", "Fasciitis, Plantar", "Ankle Injuries",
                "Ligaments, Articular", "Foot", "Ankle", "Tendon Injuries", "Osteoarthritis"]
TOPIC_WORDS = re.compile(r"regenerat|stem cell|platelet-rich|\bPRP\b|tissue engineer|scaffold|"
                         r"exosome|growth factor|biomaterial|3D[- ]print|ankle|achilles|talus|"
                         r"plantar|tendon|tendin|cartilage|ligament|osteochondral", re.I)
TOPIC_PHRASES_A = ["platelet-rich plasma", "mesenchymal stem cells", "tissue engineering",
                   "exosome therapy", "3D printing", "growth factor injection",
                   "regenerative therapy", "biomaterial scaffold"]
TOPIC_PHRASES_B = ["Achilles tendinopathy", "plantar fasciitis", "ankle osteoarthritis",
                   "osteochondral lesion of the talus", "lateral ankle instability",
                   "Achilles rupture", "ankle sprain", "foot and ankle surgery"]

# XML 1.0 forbids C0 controls but tab/newline/CR (some OpenAlex text has them).
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
XML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class Corpus:
    """Everything learnt from the real files."""

    def __init__(self, rng):
        self.titles, self.sentences, self.topic_sentences, self.topic_titles = [], [], [], []
        self.family, self.given, self.journals, self.keywords = [], [], [], []
        self._read_screening()
        self._read_mesh(rng)
        self._read_fixture_journals()
        self.title_len_hist = [len(t.split()) for t in self.titles[:20000]]

    def _read_screening(self):
        csv.field_size_limit(1 << 28)
        seen_t, seen_s = set(), set()
        for path in sorted(glob.glob(os.path.join(SHARED, "data", "screening", "*", "records*.csv"))):
            with open(path, newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    self._take_row(row, seen_t, seen_s)
        if not self.titles or not self.sentences:
            sys.exit("gen_pubmed: no screening records found under %s" % SHARED)

    def _take_row(self, row, seen_t, seen_s):
        t = " ".join(CONTROLS.sub(" ", row.get("title") or "").split())
        if len(t.split()) >= 4 and t not in seen_t:
            seen_t.add(t)
            self.titles.append(t)
            if TOPIC_WORDS.search(t):
                self.topic_titles.append(t)
        ab = " ".join(CONTROLS.sub(" ", row.get("abstract") or "").split())
        for s in SENT_SPLIT.split(ab):
            n = len(s.split())
            if 5 <= n <= 60 and s not in seen_s and "\ufffd" not in s:
                seen_s.add(s)
                self.sentences.append(s)
                if TOPIC_WORDS.search(s):
                    self.topic_sentences.append(s)
        for name in re.split(r";\s*", CONTROLS.sub(" ", row.get("authors") or "")):
            parts = name.split()
            if 2 <= len(parts) <= 4 and "," not in name and all(p[0].isupper() for p in parts):
                self.family.append(parts[-1])
                self.given.append(" ".join(parts[:-1]))
        j = CONTROLS.sub(" ", row.get("journal") or "").strip()
        if 3 < len(j) < 90:
            self.journals.append(j)
        for k in re.split(r"[;,]\s*", CONTROLS.sub(" ", row.get("keywords") or "")):
            if 3 <= len(k) <= 40:
                self.keywords.append(k.strip())

    def _read_mesh(self, rng):
        self.mesh = []  # (ui, name, top-level tree letter)
        path = os.path.join(SHARED, "data", "mesh", "mesh2024_descriptors.tsv.gz")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            next(f)
            for line in f:
                ui, name, trees = line.split("\t", 3)[:3]
                if trees:
                    self.mesh.append((ui, name, trees[0]))
        by_name = {name: (ui, name) for ui, name, _ in self.mesh}
        self.topic_a = [by_name[n] for n in TOPIC_A_MESH if n in by_name]
        self.topic_b = [by_name[n] for n in TOPIC_B_MESH if n in by_name]
        # Topical headings (diseases, chemicals, techniques, phenomena), in a
        # seeded random order; weight 1/rank^1.07 gives MEDLINE-like skew.
        topical = [(ui, n) for ui, n, t in self.mesh if t in "CDEFGN"]
        rng.shuffle(topical)
        self.topical = topical
        self.topical_cum = list(itertools.accumulate(1.0 / (r + 1) ** 1.07 for r in range(len(topical))))
        self.chemicals = [(ui, n) for ui, n, t in self.mesh if t == "D"]

    def _read_fixture_journals(self):
        """Journal records (title, ISO, TA, ISSN, NLM ID, country) from the XML fixtures."""
        self.fixture_journals = []
        pat = re.compile(r"<ISSN IssnType=\"(\w+)\">([^<]+)</ISSN>.*?<Title>([^<]+)</Title>"
                         r"<ISOAbbreviation>([^<]+)</ISOAbbreviation>", re.S)
        for path in sorted(glob.glob(os.path.join(SHARED, "data", "formats", "pubmed-xml", "*.xml"))):
            with open(path, encoding="utf-8", errors="replace") as f:
                text = re.sub(r">\s+<", "><", f.read())
            for m in pat.finditer(text):
                self.fixture_journals.append((m.group(3), m.group(4), m.group(2)))


def xml(s):
    return s.translate(XML_ESC)


class Journal:
    __slots__ = ("title", "iso", "issn", "etype", "nlm", "country", "code")

    def __init__(self, rng, title, iso=None, issn=None):
        self.title = title
        words = [w for w in re.split(r"[\s:]+", title) if w]
        self.iso = iso or " ".join(w[:4].capitalize() if len(w) > 4 else w.capitalize()
                                   for w in words if w.lower() not in ("of", "the", "and", "&", "in"))[:60]
        self.issn = issn or "%04d-%03d%s" % (rng.randrange(10000), rng.randrange(1000), rng.choice("0123456789X"))
        self.etype = rng.choice(["Print", "Electronic"])
        self.nlm = str(rng.randrange(100000, 9999999))
        self.country = rng.choice(COUNTRIES)
        self.code = "".join(w[0].lower() for w in words if w[0].isalpha())[:6] or "j"


class Generator:
    def __init__(self, corpus, seed, topic_rate):
        self.c = corpus
        self.rng = random.Random(seed)
        self.topic_rate = topic_rate
        rng = self.rng
        names = sorted(set(corpus.journals))
        rng.shuffle(names)
        self.journals = [Journal(rng, t, iso, issn) for t, iso, issn in corpus.fixture_journals]
        self.journals += [Journal(rng, t) for t in names[:3000]]
        self.journal_cum = list(itertools.accumulate(1.0 / (r + 1) ** 0.9 for r in range(len(self.journals))))
        years = list(range(1950, 2025))
        self.years = years
        self.year_cum = list(itertools.accumulate(1.045 ** (y - 1950) for y in years))
        self.lang_codes = [l for l, _ in LANGS]
        self.lang_cum = list(itertools.accumulate(w for _, w in LANGS))
        self.qual_cum = list(itertools.accumulate(QUAL_WEIGHTS))

    # -- sampling helpers --
    def pick_cum(self, items, cum):
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def title(self, topical):
        rng, c = self.rng, self.c
        pool = c.topic_titles if topical and c.topic_titles else c.titles
        a, b = rng.choice(pool).split(), rng.choice(c.titles).split()
        cut_a = rng.randint(max(2, len(a) // 3), max(2, len(a) - 1))
        cut_b = rng.randint(1, max(1, len(b) - 2))
        words = a[:cut_a] + b[cut_b:]
        if topical and rng.random() < 0.5:
            words.insert(rng.randint(0, len(words)), rng.choice(TOPIC_PHRASES_A + TOPIC_PHRASES_B))
        t = " ".join(words)
        return t if t.endswith((".", "?")) else t + "."

    def sentences(self, k, topical):
        rng, c = self.rng, self.c
        out = rng.choices(c.sentences, k=k)
        if topical and c.topic_sentences:
            for i in range(0, k, 2):
                out[i] = rng.choice(c.topic_sentences)
            if rng.random() < 0.7:
                out[0] = "We studied %s in %s." % (rng.choice(TOPIC_PHRASES_A), rng.choice(TOPIC_PHRASES_B))
        return out

    def abstract(self, year, topical):
        r = self.rng.random()
        none_rate = 0.5 if year < 1975 else 0.15 if year < 2000 else 0.05
        if r < none_rate:
            return []
        if year >= 1995 and r < none_rate + 0.5:
            labels = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
            if self.rng.random() < 0.3:
                labels[0] = "OBJECTIVE"
            return [(lab, lab, " ".join(self.sentences(self.rng.randint(1, 3), topical))) for lab in labels]
        return [(None, None, " ".join(self.sentences(self.rng.randint(4, 9), topical)))]

    def authors(self, year):
        rng, c = self.rng, self.c
        hi = 3 if year < 1970 else 6 if year < 1990 else 15
        n = min(hi, max(1, int(rng.expovariate(1 / (2.0 if year < 1990 else 5.0))) + 1))
        out = []
        for _ in range(n):
            i = rng.randrange(len(c.family))
            given = c.given[rng.randrange(len(c.given))]
            initials = "".join(w[0] for w in given.replace("-", " ").split() if w[0].isalpha()).upper()
            affs = []
            if year >= 1988:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    affs.append("%s, University of %s, %s, %s." % (
                        rng.choice(DEPTS), rng.choice(CITIES), rng.choice(CITIES), rng.choice(AFF_COUNTRIES)))
            orcid = None
            if year >= 2013 and rng.random() < 0.25:
                orcid = "0000-000%d-%04d-%04d" % (rng.randrange(10), rng.randrange(10000), rng.randrange(10000))
            out.append((c.family[i], given, initials[:4], affs, orcid))
        return out

    def mesh(self, topical):
        rng, c = self.rng, self.c
        heads = [(ui, n) for ui, n, p in CHECK_TAGS if rng.random() < p]
        k = rng.randint(8, 15) - len(heads)
        if topical:
            heads.append(rng.choice(c.topic_a))
            heads.append(rng.choice(c.topic_b))
            k -= 2
        seen = {ui for ui, _ in heads}
        while k > 0:
            ui, n = c.topical[bisect.bisect(c.topical_cum, rng.random() * c.topical_cum[-1])]
            if ui not in seen:
                seen.add(ui)
                heads.append((ui, n))
                k -= 1
        heads.sort(key=lambda h: h[1])
        out = []
        for ui, n in heads:
            quals = []
            if n not in ("Humans", "Female", "Male", "Animals") and rng.random() < 0.45:
                for _ in range(1 if rng.random() < 0.7 else 2):
                    q = self.pick_cum(QUALIFIERS, self.qual_cum)
                    if q not in [x[0] for x in quals]:
                        quals.append((q, rng.random() < 0.3))
            major = not quals and rng.random() < 0.2 and n not in ("Humans", "Female", "Male")
            out.append((ui, n, major, quals))
        return out

    # -- one record --
    def record(self, pmid):
        rng = self.rng
        year = self.pick_cum(self.years, self.year_cum)
        topical = rng.random() < self.topic_rate
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        j = self.pick_cum(self.journals, self.journal_cum)
        status = "MEDLINE"
        if year >= 2023 and rng.random() < 0.3:
            status = rng.choice(["In-Process", "Publisher", "PubMed-not-MEDLINE", "In-Data-Review"])
        rec = {
            "pmid": pmid, "year": year, "month": month, "day": day, "journal": j,
            "status": status, "title": self.title(topical), "abstract": self.abstract(year, topical),
            "authors": self.authors(year), "volume": str(max(1, year - 1940 + rng.randrange(-20, 40))),
            "issue": str(rng.randint(1, 12)), "lang": self.pick_cum(self.lang_codes, self.lang_cum),
        }
        first = rng.randint(1, 2000)
        rec["pages"] = "%d-%d" % (first, first + rng.randint(1, 15)) if year < 2010 or rng.random() < 0.6 \
            else "e%07d" % rng.randrange(10 ** 7)
        rec["doi"] = "10.%d/%s.%d.%d" % (1000 + rng.randrange(9000), j.code, year, rng.randrange(10 ** 6)) \
            if year >= 1998 and rng.random() < 0.9 else None
        rec["pmc"] = "PMC%d" % (1000000 + pmid % 9000000) if year >= 2005 and rng.random() < 0.25 else None
        rec["mesh"] = self.mesh(topical) if status == "MEDLINE" else []
        rec["pubtypes"] = [(ui, n) for ui, n, p in PUB_TYPES if p >= 1.0 or rng.random() < p]
        if topical and rng.random() < 0.3:
            rec["pubtypes"].append(("D000078182", "Systematic Review"))
        rec["keywords"] = []
        if year >= 2000 and rng.random() < 0.55:
            kws = set()
            for _ in range(rng.randint(3, 7)):
                kws.add(rng.choice(self.c.keywords) if self.c.keywords and rng.random() < 0.5
                        else rng.choice(rec["mesh"] or [("", "Humans", 0, [])])[1].lower())
            if topical:
                kws.add(rng.choice(TOPIC_PHRASES_A + TOPIC_PHRASES_B))
            rec["keywords"] = sorted(kws)
        rec["chemicals"] = [rng.choice(self.c.chemicals) for _ in range(rng.randint(0, 4))] \
            if rng.random() < 0.35 else []
        rec["grants"] = []
        if year >= 1980 and rng.random() < 0.15:
            agency, code = rng.choice(AGENCIES)
            gid = "%s%06d" % (code or "", rng.randrange(10 ** 6)) if code else "%06d" % rng.randrange(10 ** 6)
            rec["grants"].append((gid, code, agency, AGENCY_COUNTRY.get(agency, "United States")))
        rec["coi"] = "The authors declare no conflict of interest." if year >= 2017 and rng.random() < 0.4 else None
        em, ed = month + (day + 20) // 28, (day + 20) % 28 + 1
        ey = year + (em - 1) // 12
        rec["edat"] = (ey, (em - 1) % 12 + 1, ed)
        rec["mhda"] = (ey, (em - 1) % 12 + 1, min(28, ed + rng.randint(0, 20)))
        rec["epub"] = (year, month, day) if year >= 2000 and rng.random() < 0.6 else None
        rec["dcom"] = (ey, (em - 1) % 12 + 1, min(28, ed + 3)) if status == "MEDLINE" else None
        rec["lr"] = (min(2024, ey + rng.randint(0, 10)), rng.randint(1, 12), rng.randint(1, 28))
        rec["pubstatus"] = "epublish" if rec["pages"].startswith("e") else "ppublish"
        return rec


# ---- writers ----------------------------------------------------------------------

def ymd(tag, d):
    return "<%s><Year>%04d</Year><Month>%02d</Month><Day>%02d</Day></%s>" % (tag, d[0], d[1], d[2], tag)


def write_xml(out, r):
    j = r["journal"]
    p = ['<PubmedArticle><MedlineCitation Status="%s" Owner="NLM"><PMID Version="1">%d</PMID>'
         % (r["status"], r["pmid"])]
    if r["dcom"]:
        p.append(ymd("DateCompleted", r["dcom"]))
    p.append(ymd("DateRevised", r["lr"]))
    p.append('<Article PubModel="%s"><Journal><ISSN IssnType="%s">%s</ISSN>'
             '<JournalIssue CitedMedium="%s"><Volume>%s</Volume><Issue>%s</Issue>'
             '<PubDate><Year>%d</Year><Month>%s</Month></PubDate></JournalIssue>'
             '<Title>%s</Title><ISOAbbreviation>%s</ISOAbbreviation></Journal>'
             '<ArticleTitle>%s</ArticleTitle><Pagination><MedlinePgn>%s</MedlinePgn></Pagination>'
             % ("Print-Electronic" if r["epub"] else "Print", j.etype, j.issn,
                "Internet" if j.etype == "Electronic" else "Print", r["volume"], r["issue"],
                r["year"], MONTHS[r["month"] - 1], xml(j.title), xml(j.iso), xml(r["title"]), r["pages"]))
    if r["doi"]:
        p.append('<ELocationID EIdType="doi" ValidYN="Y">%s</ELocationID>' % xml(r["doi"]))
    if r["abstract"]:
        p.append("<Abstract>")
        for lab, cat, text in r["abstract"]:
            if lab:
                p.append('<AbstractText Label="%s" NlmCategory="%s">%s</AbstractText>' % (lab, cat, xml(text)))
            else:
                p.append("<AbstractText>%s</AbstractText>" % xml(text))
        p.append("</Abstract>")
    p.append('<AuthorList CompleteYN="Y">')
    for fam, giv, ini, affs, orcid in r["authors"]:
        p.append('<Author ValidYN="Y"><LastName>%s</LastName><ForeName>%s</ForeName><Initials>%s</Initials>'
                 % (xml(fam), xml(giv), xml(ini)))
        if orcid:
            p.append('<Identifier Source="ORCID">%s</Identifier>' % orcid)
        for a in affs:
            p.append("<AffiliationInfo><Affiliation>%s</Affiliation></AffiliationInfo>" % xml(a))
        p.append("</Author>")
    p.append("</AuthorList><Language>%s</Language>" % r["lang"])
    if r["grants"]:
        p.append('<GrantList CompleteYN="Y">')
        for gid, code, agency, country in r["grants"]:
            p.append("<Grant><GrantID>%s</GrantID>%s<Agency>%s</Agency><Country>%s</Country></Grant>"
                     % (gid, "<Acronym>%s</Acronym>" % code if code else "", agency, country))
        p.append("</GrantList>")
    p.append("<PublicationTypeList>")
    p.extend('<PublicationType UI="%s">%s</PublicationType>' % (ui, xml(n)) for ui, n in r["pubtypes"])
    p.append("</PublicationTypeList>")
    if r["epub"]:
        p.append('<ArticleDate DateType="Electronic"><Year>%04d</Year><Month>%02d</Month><Day>%02d</Day></ArticleDate>'
                 % r["epub"])
    p.append("</Article><MedlineJournalInfo><Country>%s</Country><MedlineTA>%s</MedlineTA>"
             "<NlmUniqueID>%s</NlmUniqueID><ISSNLinking>%s</ISSNLinking></MedlineJournalInfo>"
             % (j.country, xml(j.iso), j.nlm, j.issn))
    if r["chemicals"]:
        p.append("<ChemicalList>")
        p.extend('<Chemical><RegistryNumber>0</RegistryNumber><NameOfSubstance UI="%s">%s</NameOfSubstance></Chemical>'
                 % (ui, xml(n)) for ui, n in r["chemicals"])
        p.append("</ChemicalList>")
    p.append("<CitationSubset>IM</CitationSubset>")
    if r["mesh"]:
        p.append("<MeshHeadingList>")
        for ui, n, major, quals in r["mesh"]:
            p.append('<MeshHeading><DescriptorName UI="%s" MajorTopicYN="%s">%s</DescriptorName>'
                     % (ui, "Y" if major else "N", xml(n)))
            for (qui, qn), qmaj in quals:
                p.append('<QualifierName UI="%s" MajorTopicYN="%s">%s</QualifierName>'
                         % (qui, "Y" if qmaj else "N", xml(qn)))
            p.append("</MeshHeading>")
        p.append("</MeshHeadingList>")
    if r["keywords"]:
        p.append('<KeywordList Owner="NOTNLM">')
        p.extend('<Keyword MajorTopicYN="N">%s</Keyword>' % xml(k) for k in r["keywords"])
        p.append("</KeywordList>")
    if r["coi"]:
        p.append("<CoiStatement>%s</CoiStatement>" % r["coi"])
    e, m = r["edat"], r["mhda"]
    p.append('</MedlineCitation><PubmedData><History>'
             '<PubMedPubDate PubStatus="entrez"><Year>%d</Year><Month>%d</Month><Day>%d</Day><Hour>6</Hour><Minute>0</Minute></PubMedPubDate>'
             '<PubMedPubDate PubStatus="pubmed"><Year>%d</Year><Month>%d</Month><Day>%d</Day><Hour>6</Hour><Minute>0</Minute></PubMedPubDate>'
             '<PubMedPubDate PubStatus="medline"><Year>%d</Year><Month>%d</Month><Day>%d</Day><Hour>6</Hour><Minute>0</Minute></PubMedPubDate>'
             '</History><PublicationStatus>%s</PublicationStatus><ArticleIdList>'
             '<ArticleId IdType="pubmed">%d</ArticleId>'
             % (e[0], e[1], e[2], e[0], e[1], e[2], m[0], m[1], m[2], r["pubstatus"], r["pmid"]))
    if r["doi"]:
        p.append('<ArticleId IdType="doi">%s</ArticleId>' % xml(r["doi"]))
    if r["pmc"]:
        p.append('<ArticleId IdType="pmc">%s</ArticleId>' % r["pmc"])
    p.append("</ArticleIdList></PubmedData></PubmedArticle>\n")
    out.write("".join(p))


def wrap(tag, value, out):
    """MEDLINE text: tag padded to 4, '- ', continuation lines indented 6."""
    head = "%-4s- " % tag
    if len(value) <= 82:
        out.append(head + value)
        return
    line, rest = head, value
    width = 88
    while len(line) + len(rest) > width:
        cut = rest.rfind(" ", 0, width - len(line))
        if cut <= 0:
            cut = rest.find(" ")
            if cut < 0:
                break
        out.append(line + rest[:cut])
        rest = rest[cut + 1:]
        line = "      "
    out.append(line + rest)


def write_nbib(out, r):
    j = r["journal"]
    L = []
    wrap("PMID", str(r["pmid"]), L)
    wrap("OWN", "NLM", L)
    wrap("STAT", r["status"], L)
    if r["dcom"]:
        wrap("DCOM", "%04d%02d%02d" % r["dcom"], L)
    wrap("LR", "%04d%02d%02d" % r["lr"], L)
    wrap("IS", "%s (%s)" % (j.issn, j.etype), L)
    wrap("IS", "%s (Linking)" % j.issn, L)
    wrap("VI", r["volume"], L)
    wrap("IP", r["issue"], L)
    wrap("DP", "%d %s" % (r["year"], MONTHS[r["month"] - 1]), L)
    wrap("TI", r["title"], L)
    wrap("PG", r["pages"], L)
    if r["doi"]:
        wrap("LID", "%s [doi]" % r["doi"], L)
    if r["abstract"]:
        wrap("AB", " ".join("%s: %s" % (lab, t) if lab else t for lab, _, t in r["abstract"]), L)
    for fam, giv, ini, affs, orcid in r["authors"]:
        wrap("FAU", "%s, %s" % (fam, giv), L)
        wrap("AU", "%s %s" % (fam, ini), L)
        if orcid:
            wrap("AUID", "ORCID: %s" % orcid, L)
        for a in affs:
            wrap("AD", a, L)
    wrap("LA", r["lang"], L)
    for gid, code, agency, country in r["grants"]:
        wrap("GR", "%s/%s/%s/%s" % (gid, code or "", agency, country), L)
    for _, n in r["pubtypes"]:
        wrap("PT", n, L)
    if r["epub"]:
        wrap("DEP", "%04d%02d%02d" % r["epub"], L)
    wrap("PL", j.country, L)
    wrap("TA", j.iso, L)
    wrap("JT", j.title, L)
    wrap("JID", j.nlm, L)
    for _, n in r["chemicals"]:
        wrap("RN", "0 (%s)" % n, L)
    wrap("SB", "IM", L)
    for ui, n, major, quals in r["mesh"]:
        s = ("*" if major else "") + n
        for (qui, qn), qmaj in quals:
            s += "/" + ("*" if qmaj else "") + qn
        wrap("MH", s, L)
    if r["keywords"]:
        wrap("OTO", "NOTNLM", L)
        for k in r["keywords"]:
            wrap("OT", k, L)
    if r["coi"]:
        wrap("COIS", r["coi"], L)
    e, m = r["edat"], r["mhda"]
    wrap("EDAT", "%04d/%02d/%02d 06:00" % e, L)
    wrap("MHDA", "%04d/%02d/%02d 06:00" % m, L)
    wrap("CRDT", "%04d/%02d/%02d 06:00" % e, L)
    wrap("PHST", "%04d/%02d/%02d 06:00 [entrez]" % e, L)
    wrap("PHST", "%04d/%02d/%02d 06:00 [pubmed]" % e, L)
    wrap("PHST", "%04d/%02d/%02d 06:00 [medline]" % m, L)
    if r["doi"]:
        wrap("AID", "%s [doi]" % r["doi"], L)
    if r["pmc"]:
        wrap("PMC", r["pmc"], L)
    wrap("PST", r["pubstatus"], L)
    wrap("SO", "%s. %d %s;%s(%s):%s." % (j.iso, r["year"], MONTHS[r["month"] - 1], r["volume"], r["issue"], r["pages"]), L)
    out.write("\n" + "\n".join(L) + "\n")


def open_out(path):
    if path.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=1)
    return open(path, "w", encoding="utf-8", buffering=1 << 20)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=1000, help="number of records")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--xml", help="PubMed XML output (.gz allowed)")
    ap.add_argument("--nbib", help="MEDLINE text output (.gz allowed)")
    ap.add_argument("--topic-rate", type=float, default=0.02,
                    help="share of records on regenerative medicine x foot and ankle")
    ap.add_argument("--pmid-start", type=int, default=30000001)
    a = ap.parse_args()
    if not a.xml and not a.nbib:
        ap.error("give --xml and/or --nbib")
    corpus = Corpus(random.Random(a.seed))
    gen = Generator(corpus, a.seed, a.topic_rate)
    fx = open_out(a.xml) if a.xml else None
    fn = open_out(a.nbib) if a.nbib else None
    if fx:
        fx.write('<?xml version="1.0" encoding="UTF-8"?>\n%s\n<PubmedArticleSet>\n' % DOCTYPE)
    for i in range(a.n):
        r = gen.record(a.pmid_start + i)
        if fx:
            write_xml(fx, r)
        if fn:
            write_nbib(fn, r)
    if fx:
        fx.write("</PubmedArticleSet>\n")
        fx.close()
    if fn:
        fn.close()


if __name__ == "__main__":
    main()
