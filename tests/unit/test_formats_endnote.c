/*
 * test_formats_endnote.c - the EndNote XML reader against files written by
 * EndNote/Bookends, Zotero and Mendeley (tests/fixtures/formats/endnote-xml/,
 * see its README). Every value asserted was read off the XML by eye. Then the
 * refusals: XXE, entity expansion, malformed XML, empty, binary, and a 10 MB
 * field.
 */
#include "test_formats_bib_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/formats/endnote-xml/"

static void endnote_styled_record_every_field(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(parse_path(FIX "jabref__EndnoteXmlImporterTestArticle.xml", EV_FORMAT_UNKNOWN,
                                NULL, &c, &st, &err),
                     EV_OK);
    assert_int_equal(st.format, EV_FORMAT_ENDNOTE_XML);
    assert_int_equal(c.total, 1);
    ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 4);
    assert_string_equal(r->type, "Journal Article");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[0].family, "Ahmad");
    assert_string_equal(r->authors[0].initials, "AS");
    assert_string_equal(r->authors[1].family, "Ormiston-Smith");
    assert_string_equal(r->title, "Trends in the lifetime risk of developing cancer in Great "
                                  "Britain: comparison of risk for those born from 1930 to 1960");
    assert_string_equal(r->journal, "Br J Cancer"); /* secondary-title */
    assert_string_equal(r->pages, "943-7");
    assert_string_equal(r->issue, "5");
    assert_string_equal(r->volume, "112");
    assert_int_equal(r->pub_date.year, 2015);
    assert_int_equal(r->pub_date.month, 3); /* pub-dates "Mar 3" */
    assert_int_equal(r->pub_date.day, 3);
    assert_int_equal(r->n_keywords, 13);
    assert_string_equal(r->keywords[2].text, "Aged, 80 and over");
    assert_string_equal(r->keywords[9].text, "Neoplasms/*epidemiology");
    assert_string_equal(r->abstract[0].text, "test abstract");
    assert_string_equal(r->notes, "some notes");
    assert_string_equal(r->url, "http://www.ncbi.nlm.nih.gov/pubmed/25647015");
    assert_string_equal(r->issn_electronic, "1532-1827"); /* "(Electronic)" */
    assert_string_equal(r->issn_linking, "0007-0920");    /* "(Linking)" */
    assert_string_equal(r->doi, "10.1038/bjc.2014.606");
    assert_string_equal(r->pmid, "25647015"); /* accession-num */
    assert_non_null(strstr(extra(r, "auth-address"), "Queen Mary University of London"));
    assert_string_equal(extra(r, "pdf-urls/url"),
                        "file://localhost/Users/user/Documents/"
                        "Bookends/Attachments/Ahmad%20et%20al%202015.pdf");
    assert_non_null(r->raw);
    assert_true(strncmp(r->raw, "<record>", 8) == 0);
    assert_true(strncmp(r->raw + r->raw_len - 9, "</record>", 9) == 0);
    release(&c);
}

static void report_and_empty_keyword_style(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "jabref__EndnoteXmlImporterTestReport.xml", EV_FORMAT_UNKNOWN,
                                NULL, &c, NULL, &err),
                     EV_OK);
    ev_record *r = c.recs[0];
    assert_string_equal(r->type, "Report");
    assert_string_equal(r->authors[0].family, "Wiggins");
    assert_string_equal(r->authors[0].initials, "DA");
    assert_string_equal(r->publisher, "USDA Forest Service, Rocky Mountain Region");
    assert_string_equal(extra(r, "label"), "B1040");
    assert_int_equal(r->pub_date.year, 2005);
    release(&c);
    assert_int_equal(parse_path(FIX "jabref__EndnoteXmlImporterTest_EmptyKeywordStyle.xml",
                                EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
                     EV_OK);
    /* <keyword /> and an empty <style/> are skipped; one keyword holding a
     * ';' list is split */
    assert_int_equal(c.recs[0]->n_keywords, 5);
    assert_string_equal(c.recs[0]->keywords[0].text, "anxiety");
    assert_string_equal(c.recs[0]->keywords[4].text, "health restoration");
    release(&c);
}

static void several_records_and_periodical(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml",
                                EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 3);
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "ISI:000200148800007"); /* accession-num */
    assert_string_equal(r->journal, "Ecology");
    assert_string_equal(r->issn_print, "0012-9658");
    assert_string_equal(r->pages, "93-105");
    assert_int_equal(r->pub_date.month, 1);
    assert_string_equal(r->languages[0], "English");
    assert_string_equal(c.recs[1]->type, "Book");
    assert_string_equal(c.recs[2]->title, "A demographic study of the south polar skua "
                                          "Catharacta maccormicki at Cape Crozier");
    assert_string_equal(extra(c.recs[2], "label"), "B4");
    release(&c);
}

static void zotero_export_gzip(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "asysd__zotero_export.xml.gz", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 1233); /* README: 1,233 records */
    ev_record *r = c.recs[0];
    assert_string_equal(r->title, "Myoclonus in older Cavalier King Charles Spaniels.");
    assert_string_equal(r->journal, "Journal of veterinary internal medicine");
    assert_string_equal(r->journal_abbrev, "J Vet Intern Med");
    assert_string_equal(r->issue, "3"); /* <number> and <issue> both 3 */
    assert_null(extra(r, "issue"));
    assert_string_equal(r->pages, "1032-1038");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[2].family, "Rusbridge");
    assert_string_equal(r->authors[2].given, "Clare");
    assert_int_equal(r->n_keywords, 12);
    assert_string_equal(r->keywords[0].text, "*Dog Diseases/diagnostic imaging");
    assert_string_equal(r->issn_print, "1939-1676");
    assert_string_equal(r->issn_electronic, "0891-6640");
    assert_string_equal(r->doi, "10.1111/jvim.16404");
    assert_int_equal(r->pub_date.year, 2022);
    assert_int_equal(r->pub_date.month, 5); /* "2022 May" */
    release(&c);
}

static void mendeley_export(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "asysd__mendeley_export_first40.xml", EV_FORMAT_UNKNOWN, NULL,
                                &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 40);
    ev_record *r = c.recs[0];
    assert_string_equal(r->type, "Journal Article"); /* value 0, name attribute */
    assert_string_equal(r->pmid, "35319117");
    assert_string_equal(r->languages[0], "eng");
    assert_string_equal(r->keywords[8].text, "veterinary");
    assert_null(r->journal_abbrev);
    release(&c);
}

static void external_entity_refused(void **state)
{
    (void)state;
    static const char xml[] = "<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                              "<xml><records><record><titles><title>&xxe;</title></titles>"
                              "</record></records></xml>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(xml, sizeof xml - 1, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err),
                     EV_EINPUT);
    assert_non_null(strstr(err.message, "entity"));
    assert_int_equal(err.line, 2);
    assert_int_equal(c.total, 0);
}

static void entity_expansion_refused(void **state)
{
    (void)state;
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE xml [\n<!ENTITY a \"aaaaaaaaaa\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n"
        "<xml><records><record><titles><title>&c;</title></titles></record></records></xml>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(xml, sizeof xml - 1, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(c.total, 0);
}

/* With an external DTD named, expat skips references it cannot resolve;
 * they are refused, never silently dropped from the text. */
static void undefined_entity_with_external_dtd_refused(void **state)
{
    (void)state;
    static const char xml[] = "<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE xml SYSTEM \"http://example.org/endnote.dtd\">\n"
                              "<xml><records><record><titles><title>a&nbsp;b</title></titles>"
                              "</record></records></xml>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(xml, sizeof xml - 1, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err),
                     EV_EINPUT);
    assert_non_null(strstr(err.message, "undefined entity '&nbsp;'"));
    assert_int_equal(err.line, 3);
    assert_int_equal(c.total, 0);
}

static void malformed_xml_names_line_and_column(void **state)
{
    (void)state;
    static const char xml[] = "<xml>\n<records>\n<record>\n<titles><title>A</titel>\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(xml, sizeof xml - 1, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 19); /* expat points at the name in "</titel>" */
    assert_non_null(strstr(err.message, "mismatched tag"));
    ev_error_clear(&err);
    static const char truncated[] = "<xml><records><record><titles><title>A</title>";
    assert_int_equal(
        parse_text(truncated, sizeof truncated - 1, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err),
        EV_EINPUT);
    assert_int_equal(c.total, 0);
}

static void empty_binary_and_ten_megabyte_field(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text("", 0, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    static const char bin[] = "<xml>\0\1\2\3";
    assert_int_equal(parse_text(bin, sizeof bin, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    size_t n = 0;
    char *s = big_input("<xml><records><record><titles><title>Big</title></titles>"
                        "<abstract><style face=\"normal\">",
                        10u << 20, "</style></abstract></record></records></xml>", &n);
    assert_int_equal(parse_text(s, n, EV_FORMAT_ENDNOTE_XML, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_int_equal(strlen(c.recs[0]->abstract[0].text), 10u << 20);
    free(s);
    release(&c);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    assert_true(
        oom_sweep(FIX "jabref__EndnoteXmlImporterTestArticle.xml", EV_FORMAT_ENDNOTE_XML, 1) > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endnote_styled_record_every_field),
        cmocka_unit_test(report_and_empty_keyword_style),
        cmocka_unit_test(several_records_and_periodical),
        cmocka_unit_test(zotero_export_gzip),
        cmocka_unit_test(mendeley_export),
        cmocka_unit_test(external_entity_refused),
        cmocka_unit_test(entity_expansion_refused),
        cmocka_unit_test(undefined_entity_with_external_dtd_refused),
        cmocka_unit_test(malformed_xml_names_line_and_column),
        cmocka_unit_test(empty_binary_and_ten_megabyte_field),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
