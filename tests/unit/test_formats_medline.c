/*
 * test_formats_medline.c - the MEDLINE text (.nbib) reader against real
 * exports in tests/fixtures/formats/medline-nbib/ (see its README). Every
 * value asserted was read off the fixture by eye; record counts are the
 * number of blank-line separated blocks counted by hand (`grep -c '^PMID'`
 * where every record has one). Then refusals and the raw text.
 */
#include "tagged_test_util.h"

#define NBIB "medline-nbib/"

static ev_record *by_pmid(const collected *c, const char *pmid)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->recs[i]->pmid && strcmp(c->recs[i]->pmid, pmid) == 0)
            return c->recs[i];
    fail_msg("no record with PMID %s", pmid);
    return NULL;
}

static void classic_record_every_field(void **state)
{
    (void)state;
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "biopython__pubmed_result1.txt", &c, &st, &err), EV_OK);
    assert_int_equal(st.format, EV_FORMAT_MEDLINE);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 2); /* the file begins with a blank line */
    assert_string_equal(r->pmid, "12230038");
    assert_string_equal(r->source_record_id, "12230038");
    assert_string_equal(r->owner, "NLM");
    assert_string_equal(r->status, "MEDLINE");
    assert_string_equal(r->title, "The Bio* toolkits--a brief overview.");
    assert_string_equal(r->issn_print, "1467-5463");
    assert_string_equal(r->volume, "3");
    assert_string_equal(r->issue, "3");
    assert_string_equal(r->pages, "296-302");
    assert_int_equal(r->pub_date.year, 2002);
    assert_int_equal(r->pub_date.month, 9);
    assert_string_equal(r->pub_date.raw, "2002 Sep");
    assert_int_equal(r->date_completed.year, 2003);
    assert_int_equal(r->date_completed.month, 6);
    assert_int_equal(r->date_completed.day, 6);
    assert_int_equal(r->date_revised.day, 17);
    assert_int_equal(r->date_entrez.month, 9); /* "2002/09/17 10:00" */
    assert_int_equal(r->date_entrez.day, 17);
    assert_int_equal(r->date_mesh.year, 2003);
    assert_string_equal(r->journal, "Briefings in bioinformatics");
    assert_string_equal(r->medline_ta, "Brief Bioinform");
    assert_string_equal(r->nlm_id, "100912837");
    assert_string_equal(r->country, "England");
    assert_string_equal(r->publication_status, "ppublish");
    assert_int_equal(r->n_languages, 1);
    assert_string_equal(r->languages[0], "eng");
    assert_int_equal(r->n_publication_types, 1);
    assert_string_equal(r->publication_types[0], "Journal Article");
    /* continuation lines joined with one space */
    assert_int_equal(r->n_abstract, 1);
    assert_null(r->abstract[0].label);
    assert_non_null(strstr(r->abstract[0].text,
                           "with commercial software. The Open Source BioPerl, BioPython"));
    assert_non_null(strstr(r->abstract[0].text, "biologist programmer."));
    /* the pre-2014 AD line comes before the author it belongs to */
    assert_int_equal(r->n_authors, 1);
    assert_string_equal(r->authors[0].family, "Mangalam");
    assert_string_equal(r->authors[0].given, "Harry");
    assert_string_equal(r->authors[0].initials, "H");
    assert_int_equal(r->authors[0].n_affiliations, 1);
    assert_string_equal(r->authors[0].affiliations[0],
                        "tacg Informatics, Irvine, CA 92612, USA. hjm@tacgi.com");
    assert_int_equal(r->n_mesh, 7);
    assert_string_equal(r->mesh[0].name, "Computational Biology");
    assert_true(r->mesh[0].major);
    assert_string_equal(r->mesh[1].name, "Computer Systems");
    assert_false(r->mesh[1].major);
    assert_string_equal(r->mesh[6].name, "User-Computer Interface");
    collected_release(&c);
}

static void qualifiers_issns_and_grants(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_fixture(NBIB "jabref__MedlinePlainImporterTestCompleteEntry.txt", &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->title, "From danger and motherhood to health and beauty: health "
                                  "advice for the factory girl in early twentieth-century "
                                  "Britain.");
    assert_string_equal(r->issn_print, "0955-2359");
    assert_string_equal(r->issn_linking, "0955-2359");
    assert_null(r->issn_electronic);
    assert_string_equal(r->pmcid, "PMC4513071");
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->authors[0].affiliations[0],
                        "Centre for the History of Science, Technology and Medicine, "
                        "University of Manchester. Vicky.Long@manchester.ac.uk");
    assert_int_equal(r->authors[1].n_affiliations, 0);
    assert_string_equal(r->authors[1].family, "Marland");
    assert_int_equal(r->n_grants, 2);
    assert_string_equal(r->grants[1], "076053/Wellcome Trust/United Kingdom");
    assert_int_equal(r->n_mesh, 10);
    /* MH  - Women, Working/ *history/psychology (without the space) */
    const ev_mesh_heading *h = &r->mesh[9];
    assert_string_equal(h->name, "Women, Working");
    assert_false(h->major);
    assert_int_equal(h->n_qualifiers, 2);
    assert_string_equal(h->qualifiers[0].name, "history");
    assert_true(h->qualifiers[0].major);
    assert_string_equal(h->qualifiers[1].name, "psychology");
    assert_false(h->qualifiers[1].major);
    assert_string_equal(r->mesh[1].qualifiers[0].name, "psychology"); /* Employment/psychology */
    assert_int_equal(r->date_create.day, 21); /* CRDT wins over the legacy DA */
    collected_release(&c);
}

static void several_affiliations_per_author(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "biopython__pubmed_result4.txt", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_string_equal(r->status, "Publisher");
    assert_string_equal(r->issn_electronic, "1939-4586");
    assert_string_equal(r->issn_linking, "1059-1524");
    assert_string_equal(r->doi, "10.1091/mbc.e22-12-0560");
    assert_string_equal(r->pages, "mbcE22120560");
    assert_int_equal(r->pub_date.day, 17);
    assert_int_equal(r->pub_date.month, 5);
    assert_string_equal(r->title, "High extracellular glucose promotes cell motility by "
                                  "modulating cell deformability and contractility via "
                                  "cAMP-RhoA-ROCK axis in human breast cancer cells.");
    assert_string_equal(r->authors[1].family, "Batty");
    assert_int_equal(r->authors[1].n_affiliations, 2);
    assert_string_equal(r->authors[1].affiliations[0],
                        "Undergraduate Pipeline Network Summer Research Program, University "
                        "of New Mexico Health Sciences Center.");
    assert_string_equal(r->authors[1].affiliations[1],
                        "Department of Molecular and Cellular Biology, University of Arizona, "
                        "Tucson, AZ 85721, USA.");
    collected_release(&c);
}

static void structured_abstracts_are_split(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "jzsh2000__mesh-papers.medline.txt", &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.n, 284);
    const ev_record *r = by_pmid(&c, "28412964");
    assert_int_equal(r->n_abstract, 5);
    const char *labels[] = {"BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS", "AVAILABILITY"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(r->abstract[i].label, labels[i]);
    assert_true(strncmp(r->abstract[0].text, "MeSH indexing is the task", 25) == 0);
    assert_string_equal(r->abstract[4].text,
                        "http://www.ncbi.nlm.nih.gov/CBBresearch/Lu/Demo/MeSHNow/ .");
    /* EIN - BMC Bioinformatics. 2016;17(1):162. PMID: 27075759 */
    r = by_pmid(&c, "26047637");
    assert_true(r->has_erratum);
    assert_int_equal(r->n_links, 1);
    assert_string_equal(r->links[0].key, "ErratumIn");
    assert_string_equal(r->links[0].value, "27075759");
    size_t comments = 0;
    for (size_t i = 0; i < c.n; i++)
        for (size_t k = 0; k < c.recs[i]->n_links; k++)
            comments += strncmp(c.recs[i]->links[k].key, "Comment", 7) == 0;
    assert_int_equal(comments, 18); /* grep -c '^CIN\|^CON' */
    collected_release(&c);
}

/* A label after unlabelled text ("... errors. AVAILABILITY: The ...") starts
 * a section; the text before it is an unlabelled one. */
static void label_after_unlabelled_text(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "biopython__pubmed_result2.txt", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 4);
    const ev_record *r = by_pmid(&c, "14630660");
    assert_int_equal(r->n_abstract, 2);
    assert_null(r->abstract[0].label);
    assert_true(strncmp(r->abstract[0].text, "The biopython project provides", 30) == 0);
    assert_string_equal(r->abstract[1].label, "AVAILABILITY");
    assert_string_equal(r->abstract[1].text,
                        "The Biopython distribution (including source code and documentation) "
                        "is freely available (under the Biopython license) from "
                        "http://www.biopython.org");
    assert_int_equal(r->n_substances, 1);
    assert_string_equal(r->substances[0], "Macromolecular Substances");
    assert_string_equal(r->mesh[3].name, "Information Storage and Retrieval");
    assert_int_equal(r->mesh[3].n_qualifiers, 2);
    assert_true(r->mesh[3].qualifiers[1].major);
    r = by_pmid(&c, "16403221");
    assert_string_equal(r->abstract[0].label, "BACKGROUND");
    collected_release(&c);
}

static void eric_records_start_without_pmid(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "colrev__eric_nbib.nbib", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    const ev_record *r = c.recs[0];
    assert_null(r->pmid);
    assert_string_equal(r->owner, "ERIC");
    assert_string_equal(r->title, "Paper title");
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->authors[0].family, "Smith");
    assert_string_equal(r->authors[0].given, "Tom");
    assert_string_equal(r->authors[1].family, "Hunter");
    assert_int_equal(r->n_keywords, 2);
    assert_string_equal(r->keywords[1].text, "Keyword 2");
    assert_string_equal(r->journal, "Journal Name");
    assert_string_equal(r->doi, "10.1000/123456789"); /* AID - http://dx.doi.org/... */
    assert_string_equal(r->url, "http://eric.ed.gov/?id=EJ1131633");
    assert_string_equal(r->issn_print, "1234-4567"); /* ISSN - ISSN-1234-4567 */
    assert_string_equal(r->pages, "1-9");
    assert_int_equal(r->pub_date.year, 2000);
    assert_string_equal(r->languages[0], "English");
    assert_int_equal(r->n_publication_types, 2);
    assert_string_equal(r->publication_types[1], "Reports - Research");
    collected_release(&c);
}

/* JabRef's edge cases: empty tags, text between records, "PMC -22664230",
 * repeated TI and AB, comment links, "AID - doi:...". Seven blank-line
 * separated blocks hold tags (the upstream README says five). */
static void edge_cases_of_multiple_entries(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_fixture(NBIB "jabref__MedlinePlainImporterTestMultipleEntries.txt", &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.n, 7);
    assert_true(has_warning(&c, 53, "text outside a record") ||
                has_warning(&c, 53, "malformed line"));
    const ev_record *r = c.recs[1];
    assert_string_equal(r->pmcid, "22664230");
    assert_null(r->title); /* "TI-" is empty */
    assert_int_equal(r->n_authors, 0);
    assert_null(r->pages);
    assert_int_equal(r->n_abstract, 2);
    assert_string_equal(r->abstract[0].text, "Old Abstract");
    assert_string_equal(r->abstract[1].text, "new abstract");
    assert_int_equal(r->n_links, 2);
    assert_string_equal(r->links[0].key, "CommentOn");
    assert_string_equal(r->links[0].value, "First Comment");
    assert_string_equal(r->links[1].key, "CommentIn");
    assert_int_equal(r->pub_date.year, 2013);
    r = c.recs[2];
    assert_string_equal(r->title, "This is a Testtitle This title should be appended: This "
                                  "title should also be appended. Another append to the "
                                  "Title? LastTitle");
    r = c.recs[3];
    assert_string_equal(r->pmid, "22664220");
    assert_string_equal(r->doi, "10.1016/j.cpr.2005.02.002");
    assert_int_equal(c.recs[6]->n_publication_types, 0); /* "PT  -" empty */
    assert_string_equal(c.recs[6]->mesh[0].name, "Female");
    collected_release(&c);
}

static void malformed_line_is_reported_not_fatal(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_fixture(NBIB "jabref__MedlinePlainImporterStringOutOfBounds.txt", &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.n, 2);
    assert_true(has_warning(&c, 3, "malformed line")); /* line 3: "SO  invalid line" */
    assert_string_equal(c.recs[0]->title, "This is a test title");
    assert_string_equal(c.recs[1]->pmid, "27394443");
    assert_string_equal(c.recs[1]->title, "This is also a test title"); /* "TI  -This" */
    collected_release(&c);
}

static void record_counts_match_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t records;
    } files[] = {{"synthesisr__PubMed_example.txt", 3},
                 {"synthesisr__res_synth_methods.txt", 2},
                 {"jzsh2000__20000000.medline", 1},
                 {"jabref__MedlinePlainImporterTestMultiAbstract.txt", 1}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        collected c = {0};
        ev_error err = EV_ERROR_INIT;
        char rel[256];
        snprintf(rel, sizeof rel, NBIB "%s", files[i].file);
        assert_int_equal(parse_fixture(rel, &c, NULL, &err), EV_OK);
        assert_int_equal(c.n, files[i].records);
        collected_release(&c);
    }
}

static void non_ascii_text_is_kept(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "synthesisr__PubMed_example.txt", &c, NULL, &err), EV_OK);
    bool copyright = false;
    for (size_t i = 0; i < c.n; i++)
        copyright |= c.recs[i]->copyright && strstr(c.recs[i]->copyright, "\xc2\xa9") != NULL;
    assert_true(copyright); /* CI  - (c) sign as UTF-8 */
    collected_release(&c);
}

/* The raw text is the record's lines exactly, each ended by "\n". */
static void raw_text_is_the_records_lines(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp(NBIB "biopython__pubmed_result1.txt", &n);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "biopython__pubmed_result1.txt", &c, NULL, &err), EV_OK);
    const ev_record *r = c.recs[0];
    assert_non_null(r->raw);
    assert_int_equal(r->raw_len, n - 1); /* the file's first line is blank */
    assert_memory_equal(r->raw, file + 1, n - 1);
    ev_free(file);
    collected_release(&c);
}

/* ---- refusals ------------------------------------------------------------------------ */

static void empty_and_binary_input_are_refused(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem("", 0, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "empty"));
    ev_error_clear(&err);
    static const char bin[] = "PMID- 1\nTI  - a\0b\n";
    assert_int_equal(parse_mem(bin, sizeof bin - 1, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "binary"));
    ev_error_clear(&err);
    static const char prose[] = "This is just a letter.\nNothing tagged here.\n";
    assert_int_equal(parse_mem(prose, sizeof prose - 1, EV_FORMAT_MEDLINE, &c, NULL, &err),
                     EV_EINPUT);
    assert_non_null(strstr(err.message, "no MEDLINE records"));
    assert_int_equal(c.n, 0);
    collected_release(&c);
}

/* A 10 MB abstract over continuation lines: refused at the line where it
 * passes the limit, naming the field and where it started. */
static void ten_megabyte_field_is_refused(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_buf_puts(&b, "PMID- 1\nTI  - t\nAB  - start"), EV_OK);
    for (size_t i = 0; i < 10 * 1024 * 16; i++)
        assert_int_equal(ev_buf_puts(&b, "\n      0123456789012345678901234567890123456789"
                                         "0123456789012345678901234"),
                         EV_OK);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(b.ptr, b.len, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "field 'AB' (from line 3)"));
    assert_true(err.line > 100000);
    assert_int_equal(c.n, 0);
    /* one 10 MB line */
    ev_buf_clear(&b);
    assert_int_equal(ev_buf_puts(&b, "PMID- 1\nAB  - "), EV_OK);
    for (size_t i = 0; i < 10 * 1024 * 1024; i += 10)
        assert_int_equal(ev_buf_puts(&b, "abcdefghij"), EV_OK);
    ev_error_clear(&err);
    assert_int_equal(parse_mem(b.ptr, b.len, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(err.line, 2);
    ev_buf_release(&b);
    collected_release(&c);
}

/* A file cut off mid-record keeps the complete part of the last record; a
 * UTF-8 sequence cut in half is an error with its byte offset. */
static void truncated_input(void **state)
{
    (void)state;
    size_t n;
    char *file = slurp(NBIB "jabref__MedlinePlainImporterTestCompleteEntry.txt", &n);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(file, 400, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.recs[0]->pmid, "20481061");
    assert_null(c.recs[0]->journal); /* JT comes after the cut */
    ev_free(file);
    static const char cut[] = "PMID- 1\nTI  - Sch\xc3";
    assert_int_equal(parse_mem(cut, sizeof cut - 1, EV_FORMAT_MEDLINE, &c, NULL, &err), EV_EINPUT);
    assert_true(err.has_offset);
    collected_release(&c);
}

static void windows_1252_nbib_is_converted(void **state)
{
    (void)state;
    static const char text[] = "PMID- 7\nTI  - Caf\xe9 au lait \x96 a study\nDP  - 2001\n";
    collected c = {0};
    ev_parse_stats st;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_mem(text, sizeof text - 1, EV_FORMAT_MEDLINE, &c, &st, &err), EV_OK);
    assert_string_equal(c.recs[0]->title, "Caf\xc3\xa9 au lait \xe2\x80\x93 a study");
    assert_non_null(strstr(st.encoding, "1252"));
    collected_release(&c);
}

/* The same citation read from PubMed XML and from MEDLINE text gives the
 * same record, apart from what the text format does not carry: MeSH unique
 * ids and the geographic flag, the ISO abbreviation, and each format's
 * unmapped fields (extra). */
static void same_record_as_pubmed_xml(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_fixture(NBIB "jzsh2000__20000000.medline", &c, NULL, &err), EV_OK);
    assert_int_equal(parse_fixture("medline-xml/jzsh2000__20000000.xml", &c, NULL, &err), EV_OK);
    assert_int_equal(c.n, 2);
    ev_record *text = c.recs[0], *xml = c.recs[1];
    assert_int_equal(xml->format, EV_FORMAT_MEDLINE_XML);
    xml->format = text->format;
    xml->journal_abbrev = NULL;
    xml->n_extra = text->n_extra = 0;
    assert_int_equal(xml->n_mesh, text->n_mesh);
    for (size_t i = 0; i < xml->n_mesh; i++) {
        xml->mesh[i].ui = NULL;
        xml->mesh[i].geographic = false;
        for (size_t q = 0; q < xml->mesh[i].n_qualifiers; q++)
            xml->mesh[i].qualifiers[q].ui = NULL;
    }
    char why[256] = "";
    if (!ev_record_equal(text, xml, why, sizeof why))
        fail_msg("MEDLINE text and XML differ: %s", why);
    assert_string_equal(text->date_entrez.raw, "2009/12/17 06:00");
    collected_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classic_record_every_field),
        cmocka_unit_test(qualifiers_issns_and_grants),
        cmocka_unit_test(several_affiliations_per_author),
        cmocka_unit_test(structured_abstracts_are_split),
        cmocka_unit_test(label_after_unlabelled_text),
        cmocka_unit_test(eric_records_start_without_pmid),
        cmocka_unit_test(edge_cases_of_multiple_entries),
        cmocka_unit_test(malformed_line_is_reported_not_fatal),
        cmocka_unit_test(record_counts_match_files),
        cmocka_unit_test(non_ascii_text_is_kept),
        cmocka_unit_test(raw_text_is_the_records_lines),
        cmocka_unit_test(empty_and_binary_input_are_refused),
        cmocka_unit_test(ten_megabyte_field_is_refused),
        cmocka_unit_test(truncated_input),
        cmocka_unit_test(windows_1252_nbib_is_converted),
        cmocka_unit_test(same_record_as_pubmed_xml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
