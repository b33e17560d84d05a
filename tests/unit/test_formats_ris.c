/*
 * test_formats_ris.c - the RIS reader against real exports from PubMed via a
 * reference manager, Ovid, Embase, Scopus, Web of Science, Dimensions and
 * Lens (tests/fixtures/formats/ris/, see its README), then parser edge cases
 * (BOM, provider headers, unindented continuations, missing ER, no TY,
 * Windows-1252). Values were read off the files by eye; record counts are
 * `grep -c 'TY  -'` (plus one where a BOM hides the first TY from grep).
 */
#include "tagged_test_util.h"

#define RIS "ris/"

static const ev_record *by_doi(const collected *c, const char *doi)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->recs[i]->doi && strcmp(c->recs[i]->doi, doi) == 0)
            return c->recs[i];
    fail_msg("no record with DOI %s", doi);
    return NULL;
}

static void pubmed_via_reference_manager(void **state)
{
    (void)state;
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__pubmed_46.ris", &c, &st, &err), EV_OK);
    assert_int_equal(st.format, EV_FORMAT_RIS);
    assert_int_equal(c.n, 46);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->type, "JOUR");
    assert_string_equal(r->title, "Psychosocial Perspective on Problem Gambling: The role of "
                                  "Social Relationships, Resilience, and COVID-19 Worry.");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[2].family, "Wilska");
    assert_string_equal(r->authors[2].given, "Terhi-Anna");
    assert_string_equal(r->journal, "Journal of gambling studies");
    assert_string_equal(r->journal_abbrev, "J Gambl Stud");
    assert_int_equal(r->pub_date.year, 2023); /* PY 2023, DA 2023/01/09/ */
    assert_int_equal(r->pub_date.month, 1);
    assert_int_equal(r->pub_date.day, 9);
    assert_string_equal(r->doi, "10.1007/s10899-022-10185-9");
    assert_string_equal(r->pages, "1-19");
    assert_string_equal(r->languages[0], "eng");
    /* SN  - 1573-3602 1050-5350: both kept, in the order given */
    assert_string_equal(r->issn_print, "1573-3602");
    assert_string_equal(r->issn_electronic, "1050-5350");
    assert_int_equal(r->n_keywords, 6);
    assert_string_equal(r->keywords[5].text, "Loneliness");
    assert_int_equal(r->n_mesh, 0);
    /* "KW  - *Gambling/psychology" is a MeSH heading; "Humans" stays a keyword */
    r = by_doi(&c, "10.1016/j.neuropsychologia.2022.108369");
    assert_int_equal(r->n_mesh, 1);
    assert_string_equal(r->mesh[0].name, "Gambling");
    assert_true(r->mesh[0].major);
    assert_int_equal(r->mesh[0].n_qualifiers, 1);
    assert_string_equal(r->mesh[0].qualifiers[0].name, "psychology");
    assert_false(r->mesh[0].qualifiers[0].major);
    assert_int_equal(r->n_keywords, 13);
    assert_string_equal(r->keywords[0].text, "Humans");
    collected_release(&c);
}

static void ovid_medline_qualifier_abbreviations(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__ovid-medline_84.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 84);
    const ev_record *r = by_doi(&c, "10.1016/s2542-5196(24)00117-7");
    assert_string_equal(r->journal, "The Lancet. Planetary health");
    assert_string_equal(r->pages, "e452-e462");
    /* 16 KW lines: Humans and Global Health are keywords, 14 are headings */
    assert_int_equal(r->n_keywords, 2);
    assert_int_equal(r->n_mesh, 14);
    assert_string_equal(r->mesh[0].name, "Wildfires");
    assert_true(r->mesh[0].major);
    assert_string_equal(r->mesh[2].name, "Air Pollutants"); /* "/ae [Adverse Effects]" */
    assert_string_equal(r->mesh[2].qualifiers[0].name, "adverse effects");
    assert_string_equal(r->mesh[10].qualifiers[0].name, "mortality");
    collected_release(&c);
}

static void ovid_record_numbers_and_old_tags(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "synthesisr__Ovid_ris_example.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 4);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 2); /* "1." on line 1 is not part of it */
    assert_string_equal(r->source_record_id, "20203152553");
    assert_string_equal(r->doi, "10.4236/ojf.2020.101008"); /* http://dx.doi.org/ form */
    assert_string_equal(r->title, "Detection of retention trees on clearcuts, a 50-year "
                                  "perspective.");
    assert_int_equal(r->n_authors, 4);
    assert_string_equal(r->authors[0].family, "Holmstrom");
    assert_string_equal(r->authors[0].initials, "E");
    assert_int_equal(r->pub_date.year, 2020); /* Y1  - 2020// */
    assert_string_equal(r->journal, "Open Journal of Forestry");
    assert_string_equal(r->issn_print, "2163-0429");
    assert_string_equal(r->pages, "110-123");
    assert_int_equal(r->n_abstract, 1); /* N2 */
    assert_int_equal(r->n_keywords, 11);
    assert_string_equal(r->url, "https://www.scirp.org/html/8-1620633_97627.htm");
    collected_release(&c);
}

static void embase_starred_terms_stay_keywords(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "rispy__example_empty_tag.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->n_mesh, 0);
    assert_string_equal(r->keywords[0].text, "athlete"); /* "KW  - *athlete" */
    assert_true(r->keywords[0].major);
    assert_false(r->keywords[1].major);
    assert_string_equal(r->issn_electronic, "2325-9671"); /* "(electronic)" */
    assert_null(r->issn_print);
    assert_string_equal(r->doi, "10.1177/2325967120950040");
    assert_null(r->pages); /* "SP  -" with nothing after */
    assert_string_equal(r->journal_abbrev, "Orthop. J. Sports Med.");
    /* N2 continued on an unindented line */
    assert_non_null(strstr(r->abstract[0].text, "supraphysiologic"));
    assert_non_null(strstr(r->abstract[0].text, "Outcome measures are valuable"));
    collected_release(&c);
}

static void scopus_notes_and_article_numbers(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__scopus_255.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 255);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->journal, "Addictive Behaviors");
    assert_string_equal(r->volume, "137");
    assert_string_equal(r->article_number, "107538");
    assert_string_equal(r->authors[0].family, "Tulloch");
    assert_string_equal(r->authors[0].initials, "C");
    assert_string_equal(r->notes, "Export Date: 7 December 2022");
    assert_string_equal(r->publication_types[0], "Article"); /* M3 */
    assert_int_equal(r->n_keywords, 5);
    assert_string_equal(r->keywords[3].text, "HILDA");
    assert_true(strncmp(r->url, "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85141483180",
                        62) == 0);
    collected_release(&c);
}

static void web_of_science_ris_with_bom(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__wos_79.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 79); /* grep sees 78: the BOM hides the first TY */
    const ev_record *r = c.recs[0];
    assert_string_equal(r->title, "Marital Status and Problem Gambling among Older Adults: An "
                                  "Examination of Social Context and Social Motivations");
    assert_int_equal(r->n_authors, 8);
    assert_string_equal(r->authors[4].family, "van der Maas");
    assert_string_equal(r->journal, "CANADIAN JOURNAL ON AGING-REVUE CANADIENNE DU VIEILLISSEMENT");
    assert_string_equal(r->journal_abbrev, "Can. J. Aging-Rev. Can. Vieil."); /* JI */
    assert_int_equal(r->pub_date.year, 2018);
    assert_int_equal(r->pub_date.month, 9); /* DA  - SEP */
    assert_string_equal(r->issn_print, "0714-9808");
    assert_string_equal(r->issn_electronic, "1710-1107"); /* second SN */
    assert_string_equal(r->source_record_id, "WOS:000440314900007");
    assert_string_equal(r->doi, "10.1017/s071498081800017x");
    assert_string_equal(r->pages, "318-332");
    /* N1 continued on unindented lines */
    assert_string_equal(r->notes, "Times Cited in Web of Science Core Collection:  12 Total "
                                  "Times Cited:  12 Cited Reference Count:  63");
    collected_release(&c);
}

static void dimensions_ids_and_unindented_abstract(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__dimensions_246.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 246);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 2); /* leading blank line */
    assert_string_equal(r->source_record_id, "pub.1149029839");
    assert_string_equal(r->pmid, "35957633");    /* U1  - 35957633 [PMID] */
    assert_string_equal(r->pmcid, "PMC9359172"); /* U1  - PMC9359172 [PMCID] */
    assert_string_equal(r->journal, "European Journal of Psychotraumatology"); /* JO */
    assert_string_equal(r->pages, "2087980");
    assert_int_equal(r->n_abstract, 1);
    assert_true(strncmp(r->abstract[0].text, "Background: The long-term health effects", 40) == 0);
    assert_non_null(strstr(r->abstract[0].text, " Objective: This review aimed"));
    assert_non_null(strstr(r->abstract[0].text, " HIGHLIGHTS: First systematic review"));
    collected_release(&c);
}

static void record_counts_match_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t records;
    } files[] = {{"asysd__ris_export.txt", 69}, /* BOM hides one TY from grep */
                 {"citesource__lens_49.ris", 49},
                 {"rispy__example_extraneous_data.ris", 2},
                 {"rispy__example_multiline.ris", 3}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        collected c = {0};
        ev_error err = EV_ERROR_INIT;
        char rel[256];
        snprintf(rel, sizeof rel, RIS "%s", files[i].file);
        assert_int_equal(parse_fixture(rel, &c, NULL, &err), EV_OK);
        assert_int_equal(c.n, files[i].records);
        collected_release(&c);
    }
}

static void provider_header_before_first_record(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "rispy__example_extraneous_data.ris", &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.n, 2);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 5);
    assert_string_equal(r->title, "Title of reference");
    assert_string_equal(r->authors[1].family, "Lindgren");
    assert_int_equal(r->n_authors, 2); /* A2 is an editor: kept in extra */
    assert_string_equal(r->publisher, "Fun Factory");
    assert_string_equal(r->pages, "e0815");
    assert_string_equal(r->url, "http://example_url.com");
    collected_release(&c);
}

/* A record split over continuation lines, one of them starting with "ER"
 * but without the "  -" that makes a tag. */
static void continuation_lines_and_er_lookalike(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "rispy__example_multiline.ris", &c, NULL, &err), EV_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(c.recs[i]->abstract[0].text,
                            "first line, ER then second line and at the end the last line");
        assert_string_equal(c.recs[i]->notes, "first line * second line * last line");
    }
    collected_release(&c);
}

static void bom_in_the_middle_and_er_without_space(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "rispy__example_bom.ris", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0]->doi, "10.1186/s40981-020-0316-0");
    collected_release(&c);
}

/* JabRef's Test1: nine TY lines in a row, no ER until the end. Empty
 * records are skipped with a warning; each TY closes the open record. */
static void missing_er_between_records(void **state)
{
    (void)state;
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "jabref__RisImporterTest1.ris", &c, &st, &err), EV_OK);
    assert_int_equal(st.skipped, 8);
    assert_int_equal(c.n, 3);
    assert_true(has_warning(&c, 3, "record starting at line 2 has no 'ER  -' line"));
    const ev_record *r = c.recs[0];
    assert_string_equal(r->type, "CONF");
    /* A1 followed by unindented "Levenshtein" and indented "Morris" */
    assert_int_equal(r->n_authors, 4);
    assert_string_equal(r->authors[1].family, "Harrison");
    assert_string_equal(r->authors[2].family, "Levenshtein");
    assert_string_equal(r->authors[3].family, "Morris");
    collected_release(&c);
}

static void missing_er_at_end_keeps_record(void **state)
{
    (void)state;
    static const char text[] = "TY  - JOUR\nTI  - Kept anyway\nPY  - 1999\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(text, sizeof text - 1, EV_FORMAT_RIS, &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0]->title, "Kept anyway");
    assert_true(has_warning(&c, 0, "last record (from line 1) has no 'ER  -' line"));
    collected_release(&c);
}

static void file_without_ty_is_refused(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXDIR, RIS "jabref__RisImporterCorrupted.ris");
    assert_int_equal(parse_path(path, EV_FORMAT_RIS, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "no line starts with 'TY  - '"));
    assert_int_equal(err.line, 1);
    assert_int_equal(c.n, 0);
    /* detected from content, the same file is refused as unrecognised */
    ev_error_clear(&err);
    assert_int_equal(parse_fixture(RIS "jabref__RisImporterCorrupted.ris", &c, NULL, &err),
                     EV_EINPUT);
    collected_release(&c);
}

static void empty_binary_and_huge_input_are_refused(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem("", 0, EV_FORMAT_RIS, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    static const char bin[] = "TY  - JOUR\nTI  - \x01\x02\0\x03\nER  - \n";
    assert_int_equal(parse_mem(bin, sizeof bin - 1, EV_FORMAT_RIS, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "binary"));
    ev_error_clear(&err);
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_buf_puts(&b, "TY  - JOUR\nAB  - x"), EV_OK);
    for (size_t i = 0; i < 10 * 1024 * 10; i++) /* unindented continuation lines */
        assert_int_equal(ev_buf_puts(&b, "\nabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
                                         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"),
                         EV_OK);
    assert_int_equal(parse_mem(b.ptr, b.len, EV_FORMAT_RIS, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "field 'AB' (from line 2)"));
    assert_true(err.line > 2);
    assert_int_equal(c.n, 0);
    ev_buf_release(&b);
    collected_release(&c);
}

/* A Latin-1 / Windows-1252 export (as old EndNote and Reference Manager
 * wrote them) is converted: é, ü and the en dash come out as UTF-8. */
static void windows_1252_ris_is_converted(void **state)
{
    (void)state;
    static const char text[] = "TY  - JOUR\r\nAU  - M\xfcller, J\xe9r\xf4me\r\n"
                               "TI  - Caf\xe9 \x96 a study\r\nPY  - 2001\r\nER  - \r\n";
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(text, sizeof text - 1, EV_FORMAT_UNKNOWN, &c, &st, &err), EV_OK);
    assert_int_equal(st.format, EV_FORMAT_RIS);
    assert_string_equal(st.encoding, "Windows-1252 (converted)");
    assert_string_equal(c.recs[0]->authors[0].family, "M\xc3\xbcller");
    assert_string_equal(c.recs[0]->authors[0].given, "J\xc3\xa9r\xc3\xb4me");
    assert_string_equal(c.recs[0]->title, "Caf\xc3\xa9 \xe2\x80\x93 a study");
    collected_release(&c);
}

static void raw_text_is_the_records_lines(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp(RIS "synthesisr__Ovid_ris_example.ris", &n);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "synthesisr__Ovid_ris_example.ris", &c, NULL, &err), EV_OK);
    const ev_record *r = c.recs[0];
    const char *start = strstr(file, "TY  - JOUR");
    const char *end = strstr(start, "ER  -");
    size_t len = (size_t)(end - start) + strlen("ER  -") + 1;
    assert_int_equal(r->raw_len, len);
    assert_memory_equal(r->raw, start, len);
    ev_free(file);
    collected_release(&c);
}

/* Files are read in 256 KiB chunks: a CRLF or lone-CR line end split
 * between two chunks, and lines spanning chunks, must not change a record.
 * The Scopus export is rewritten with CRLF and with CR line ends, with a
 * header line sized so that a '\r' is the last byte of the first chunk,
 * and read from a temporary file; every record must equal the original's. */
static void chunk_boundaries_do_not_change_records(void **state)
{
    (void)state;
    size_t n;
    char *lf = slurp(RIS "citesource__scopus_255.ris", &n);
    collected want = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "citesource__scopus_255.ris", &want, NULL, &err), EV_OK);
    static const char *const ends[] = {"\r\n", "\r"};
    for (size_t v = 0; v < 2; v++) {
        ev_buf text;
        ev_buf_init(&text, 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(
                lf[i] == '\n' ? ev_buf_puts(&text, ends[v]) : ev_buf_putc(&text, lf[i]), EV_OK);
        size_t j = 262100; /* the last '\r' at or before this offset */
        while (text.ptr[j] != '\r')
            j--;
        size_t pad = 262143 - j; /* header line length, its end included */
        ev_buf file;
        ev_buf_init(&file, 0);
        assert_int_equal(ev_buf_puts(&file, "Provider: "), EV_OK);
        for (size_t k = strlen("Provider: ") + strlen(ends[v]); k < pad; k++)
            assert_int_equal(ev_buf_putc(&file, 'x'), EV_OK);
        assert_int_equal(ev_buf_puts(&file, ends[v]), EV_OK);
        assert_int_equal(ev_buf_append(&file, text.ptr, text.len), EV_OK);
        assert_int_equal(file.ptr[262143], '\r');
        char path[] = "/tmp/ev_test_ris_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, file.ptr, file.len), (ssize_t)file.len);
        close(fd);
        collected got = {0};
        assert_int_equal(parse_path(path, EV_FORMAT_RIS, &got, NULL, &err), EV_OK);
        unlink(path);
        assert_int_equal(got.n, want.n);
        for (size_t i = 0; i < want.n; i++) {
            char why[256] = "";
            if (!ev_record_equal(want.recs[i], got.recs[i], why, sizeof why))
                fail_msg("line ends %zu, record %zu: %s", v, i, why);
            /* raw lines are "\n"-terminated whatever the file used */
            assert_int_equal(got.recs[i]->raw_len, want.recs[i]->raw_len);
            assert_memory_equal(got.recs[i]->raw, want.recs[i]->raw, want.recs[i]->raw_len);
            assert_int_equal(got.recs[i]->source_line, want.recs[i]->source_line + 1);
        }
        collected_release(&got);
        ev_buf_release(&file);
        ev_buf_release(&text);
    }
    ev_free(lf);
    collected_release(&want);
}

/* The same 1,000-record Zotero library exported as RIS and as BibTeX (both
 * from ASySD's test data; the BibTeX read by this module's BibTeX reader):
 * DOIs, titles, years and author counts agree record by record, and so do
 * first authors, except where Zotero wrote a one-word name that BibTeX
 * braces as a literal ("ROKUNYO"). Also reads RIS through gzip. */
static void zotero_library_agrees_with_its_bibtex_export(void **state)
{
    (void)state;
    collected ris = {0}, bib = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(RIS "asysd__zotero_export.ris.gz", &ris, NULL, &err), EV_OK);
    assert_int_equal(parse_fixture("bibtex/asysd__zotero_export.bib.gz", &bib, NULL, &err), EV_OK);
    assert_int_equal(ris.n, 1000);
    assert_int_equal(bib.n, 1000);
    size_t first_same = 0;
    for (size_t i = 0; i < ris.n; i++) {
        const ev_record *a = ris.recs[i], *b = bib.recs[i];
        assert_true((a->doi == NULL) == (b->doi == NULL));
        if (a->doi)
            assert_string_equal(a->doi, b->doi);
        assert_string_equal(a->title, b->title);
        assert_int_equal(a->pub_date.year, b->pub_date.year);
        assert_int_equal(a->n_authors, b->n_authors);
        if (a->n_authors == 0)
            continue;
        const ev_author *x = &a->authors[0], *y = &b->authors[0];
        const char *nx = x->family ? x->family : x->collective;
        const char *ny = y->family ? y->family : y->collective;
        first_same += nx && ny && strcmp(nx, ny) == 0;
    }
    assert_true(first_same >= 998);
    collected_release(&ris);
    collected_release(&bib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pubmed_via_reference_manager),
        cmocka_unit_test(ovid_medline_qualifier_abbreviations),
        cmocka_unit_test(ovid_record_numbers_and_old_tags),
        cmocka_unit_test(embase_starred_terms_stay_keywords),
        cmocka_unit_test(scopus_notes_and_article_numbers),
        cmocka_unit_test(web_of_science_ris_with_bom),
        cmocka_unit_test(dimensions_ids_and_unindented_abstract),
        cmocka_unit_test(record_counts_match_files),
        cmocka_unit_test(provider_header_before_first_record),
        cmocka_unit_test(continuation_lines_and_er_lookalike),
        cmocka_unit_test(bom_in_the_middle_and_er_without_space),
        cmocka_unit_test(missing_er_between_records),
        cmocka_unit_test(missing_er_at_end_keeps_record),
        cmocka_unit_test(file_without_ty_is_refused),
        cmocka_unit_test(empty_binary_and_huge_input_are_refused),
        cmocka_unit_test(windows_1252_ris_is_converted),
        cmocka_unit_test(raw_text_is_the_records_lines),
        cmocka_unit_test(chunk_boundaries_do_not_change_records),
        cmocka_unit_test(zotero_library_agrees_with_its_bibtex_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
