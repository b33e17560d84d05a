/*
 * test_formats_wos.c - the Web of Science tagged-text reader against real
 * exports (tests/fixtures/formats/wos-tagged/, see its README): WoS Core
 * Collection, Zoological Record and MEDLINE records from the WoS platform,
 * a file named .ris, and a damaged file. Values were read off the files by
 * eye; record counts are `grep -c '^PT '`.
 */
#include "tagged_test_util.h"

#define WOS "wos-tagged/"

static void full_record_with_structured_abstract(void **state)
{
    (void)state;
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_fixture(WOS "knh11545__WoS_other_reference_software_r4001-4012.txt", &c, &st, &err),
        EV_OK);
    assert_int_equal(st.format, EV_FORMAT_WOS);
    assert_int_equal(c.n, 12);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 3);
    assert_string_equal(r->type, "J");
    assert_string_equal(r->title, "Caregivers' views on stigmatization and discrimination of "
                                  "people affected by leprosy in Ghana");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[1].family, "Gyeke");
    assert_string_equal(r->authors[1].given, "Mavis Dako Plusminus"); /* from AF */
    assert_string_equal(r->authors[1].initials, "MDP");               /* from AU */
    assert_int_equal(r->authors[2].n_affiliations, 1);
    assert_string_equal(r->authors[2].affiliations[0],
                        "Univ Alberta, Dept Human Ecol, Edmonton, AB, Canada.");
    assert_string_equal(r->journal, "PLOS NEGLECTED TROPICAL DISEASES");
    assert_string_equal(r->journal_abbrev, "Plos Neglect. Trop. Dis.");
    assert_string_equal(r->issn_print, "1935-2735");
    assert_string_equal(r->volume, "12");
    assert_string_equal(r->issue, "1");
    assert_string_equal(r->article_number, "e0006219");
    assert_string_equal(r->doi, "10.1371/journal.pntd.0006219");
    assert_string_equal(r->pmid, "29377890");
    assert_string_equal(r->source_record_id, "WOS:000424022700066");
    assert_int_equal(r->pub_date.year, 2018);
    assert_int_equal(r->pub_date.month, 1); /* PD JAN */
    assert_string_equal(r->publication_types[0], "Article");
    assert_string_equal(r->languages[0], "English");
    assert_string_equal(r->publisher, "PUBLIC LIBRARY SCIENCE");
    /* ID KeyWords Plus; no DE in this record */
    assert_int_equal(r->n_keywords, 3);
    assert_string_equal(r->keywords[2].text, "INDIA");
    assert_string_equal(r->keywords[2].owner, "KeyWords Plus");
    /* headings on their own continuation lines, joined with spaces */
    assert_true(strncmp(r->abstract[0].text, "Background Leprosy is a condition", 33) == 0);
    assert_non_null(strstr(r->abstract[0].text, " Methods A qualitative interview"));
    collected_release(&c);
}

static void addresses_orcids_and_dates(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "bibliometrix__wos_sample.txt", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 8);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->pub_date.year, 2026); /* PD 2026 FEB 25 */
    assert_int_equal(r->pub_date.month, 2);
    assert_int_equal(r->pub_date.day, 25);
    assert_int_equal(r->epub_date.year, 2026); /* EA FEB 2026 */
    assert_int_equal(r->epub_date.month, 2);
    r = c.recs[2];
    assert_string_equal(r->title,
                        "bibliometrix: An R-tool for comprehensive science mapping analysis");
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->authors[1].family, "Cuccurullo");
    assert_string_equal(r->authors[1].given, "Corrado");
    assert_string_equal(r->authors[1].affiliations[0],
                        "Univ Campania Luigi Vanvitelli, Dept Econ & Management, Capua, CE, "
                        "Italy.");
    /* OI "CUCCURULLO, Corrado/0000-0002-7401-8575; Aria,\n   Massimo/0000-..." */
    assert_string_equal(r->authors[1].orcid, "0000-0002-7401-8575");
    assert_string_equal(r->authors[0].orcid, "0000-0002-8517-9411");
    /* DE and ID are "; "-separated lists continued over lines */
    assert_string_equal(r->keywords[0].text, "sBibliometrics");
    assert_string_equal(r->keywords[0].owner, "author");
    assert_string_equal(r->keywords[4].text, "Bibliographic coupling");
    assert_string_equal(r->keywords[6].text, "INFORMATION-SCIENCE");
    assert_string_equal(r->keywords[9].text, "CITATION IMAGE");
    collected_release(&c);
}

static void one_paper_with_suffixless_names(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "metaknowledge__OnePaper.isi", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->title, "The Motion Behind the Symbols: A Vital Role for Dynamism in "
                                  "the Conceptualization of Limits and Continuity in Expert "
                                  "Mathematics");
    assert_string_equal(r->authors[0].given, "Tyler");
    /* "[Marghetis, Tyler; Nunez, Rafael] Univ Calif San Diego, ..." */
    assert_int_equal(r->authors[0].n_affiliations, 1);
    assert_int_equal(r->authors[1].n_affiliations, 1);
    assert_string_equal(r->authors[1].affiliations[0],
                        "Univ Calif San Diego, Dept Cognit Sci, La Jolla, CA 92093 USA.");
    assert_int_equal(r->n_keywords, 11); /* 7 DE + 4 ID */
    assert_string_equal(r->keywords[6].text, "Conceptualization");
    assert_string_equal(r->pages, "299-316");
    assert_int_equal(r->pub_date.month, 4); /* PD APR */
    collected_release(&c);
}

static void medline_records_from_the_wos_platform(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "jabref__IsiImporterTestMedline.isi", &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.n, 2);
    const ev_record *r = c.recs[1];
    /* AU Joffe, Hadine; Hall, Janet E; ... on one line */
    assert_int_equal(r->n_authors, 7);
    assert_string_equal(r->authors[1].family, "Hall");
    assert_string_equal(r->authors[1].given, "Janet E");
    assert_string_equal(r->authors[6].family, "Martin");
    assert_string_equal(r->pages, "411-22"); /* PS page span */
    assert_string_equal(r->source_record_id, "MEDLINE:16735938");
    assert_int_equal(r->pub_date.month, 5); /* PD 2006 May-Jun */
    collected_release(&c);
}

static void zoological_record_emails_in_author_lines(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "synthesisr__zoorec.txt", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 134);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->authors[0].family, "Stillman");
    assert_string_equal(r->authors[0].given, "Andrew N.");
    assert_int_equal(r->n_authors, 6);
    assert_string_equal(r->title, "Nest site selection and nest survival of Black-backed "
                                  "Woodpeckers after wildfire.");
    assert_string_equal(r->journal, "Condor");
    assert_int_equal(r->pub_date.year, 2019);
    assert_int_equal(r->pub_date.month, 8); /* PD Aug 1 2019 */
    collected_release(&c);
}

/* Content decides: WoS tagged text in a file named .ris. */
static void misnamed_ris_file_is_wos(void **state)
{
    (void)state;
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "rispy__example_wos.ris", &c, &st, &err), EV_OK);
    assert_int_equal(st.format, EV_FORMAT_WOS);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.recs[0]->authors[0].family, "Parkes-Loach");
    collected_release(&c);
}

static void damaged_and_empty_files(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "metaknowledge__badFile.isi", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 32);
    collected_release(&c);
    /* four bytes, " ## ": nothing to read, refused */
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXDIR, WOS "jabref__IsiImporterTestEmpty.isi");
    assert_int_equal(parse_path(path, EV_FORMAT_WOS, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "no Web of Science records"));
    collected_release(&c);
}

static void missing_er_and_malformed_lines(void **state)
{
    (void)state;
    static const char text[] = "FN Clarivate Analytics Web of Science\nVR 1.0\n"
                               "PT J\nAU Doe, J\nTI First\nPY 2001\n"
                               "PT J\nAUGilles, H\n   Girard, S\nTI Second\nPY 2002\nER\nEF\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(text, sizeof text - 1, EV_FORMAT_UNKNOWN, &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 2);
    assert_true(has_warning(&c, 7, "record starting at line 3 has no 'ER' line"));
    assert_true(has_warning(&c, 8, "malformed line"));
    assert_string_equal(c.recs[0]->title, "First");
    assert_string_equal(c.recs[1]->title, "Second");
    assert_string_equal(c.recs[1]->type, "J"); /* "Girard, S" did not join PT */
    assert_int_equal(c.recs[1]->n_authors, 0);
    collected_release(&c);
}

static void refusals(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    static const char bin[] = "FN x\nPT J\nTI \0\nER\n";
    assert_int_equal(parse_mem(bin, sizeof bin - 1, EV_FORMAT_WOS, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    static const char header_only[] = "FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n";
    assert_int_equal(parse_mem(header_only, sizeof header_only - 1, EV_FORMAT_WOS, &c, NULL, &err),
                     EV_EINPUT);
    ev_error_clear(&err);
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_buf_puts(&b, "FN x\nPT J\nAB x"), EV_OK);
    for (size_t i = 0; i < 10 * 1024 * 10; i++)
        assert_int_equal(ev_buf_puts(&b, "\n   abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
                                         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxy"),
                         EV_OK);
    assert_int_equal(parse_mem(b.ptr, b.len, EV_FORMAT_WOS, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "field 'AB' (from line 3)"));
    assert_int_equal(c.n, 0);
    ev_buf_release(&b);
    collected_release(&c);
}

static void raw_text_is_the_records_lines(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp(WOS "jabref__IsiImporterTest1.isi", &n);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(WOS "jabref__IsiImporterTest1.isi", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const char *start = strstr(file, "PT J");
    const char *end = strstr(start, "\nER") + 4;
    assert_int_equal(c.recs[0]->raw_len, (size_t)(end - start));
    assert_memory_equal(c.recs[0]->raw, start, (size_t)(end - start));
    ev_free(file);
    collected_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_record_with_structured_abstract),
        cmocka_unit_test(addresses_orcids_and_dates),
        cmocka_unit_test(one_paper_with_suffixless_names),
        cmocka_unit_test(medline_records_from_the_wos_platform),
        cmocka_unit_test(zoological_record_emails_in_author_lines),
        cmocka_unit_test(misnamed_ris_file_is_wos),
        cmocka_unit_test(damaged_and_empty_files),
        cmocka_unit_test(missing_er_and_malformed_lines),
        cmocka_unit_test(refusals),
        cmocka_unit_test(raw_text_is_the_records_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
