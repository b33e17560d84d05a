/*
 * test_formats_csv.c - the CSV/TSV reader against real exports and the
 * labelled dedup/screening sets (tests/fixtures/formats/csv/, see its
 * README). Every value asserted was read off the files by eye. Then RFC 4180
 * corner cases, the mapping override, malformed rows, empty, binary, 10 MB.
 */
#include "test_formats_bib_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/formats/csv/"

static void pubmed_csv_export(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(
        parse_path(FIX "colrev__pubmed-chatbot.csv", EV_FORMAT_UNKNOWN, NULL, &c, &st, &err),
        EV_OK);
    assert_int_equal(st.format, EV_FORMAT_CSV);
    assert_int_equal(c.total, 6);
    ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "35227408");
    assert_string_equal(r->title, "Chatbot-Delivered Psychotherapy for Adults With Depressive "
                                  "and Anxiety Symptoms: A Systematic Review and Meta-Regression");
    assert_int_equal(r->n_authors, 4); /* "Lim SM, Shiau CWC, Cheng LJ, Lau Y." */
    assert_string_equal(r->authors[0].family, "Lim");
    assert_string_equal(r->authors[0].initials, "SM");
    assert_string_equal(r->authors[1].initials, "CWC");
    assert_string_equal(r->authors[3].family, "Lau");
    assert_string_equal(r->journal, "Behav Ther");
    assert_int_equal(r->pub_date.year, 2022);
    assert_int_equal(r->date_create.month, 3);
    assert_string_equal(r->doi, "10.1016/j.beth.2021.09.007");
    assert_string_equal(extra(r, "First Author"), "Lim SM");
    assert_non_null(strstr(extra(r, "Citation"), "Behav Ther. 2022 Mar;53(2):334-347."));
    assert_null(r->pmcid); /* empty cell */
    assert_string_equal(c.recs[1]->pmcid, "PMC8669585");
    assert_int_equal(r->source_line, 2);
    assert_non_null(r->raw);
    assert_true(strncmp(r->raw, "\"35227408\",", 11) == 0);
    release(&c);
}

static void bom_crlf_and_unquoted_header(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "colrev__pubmed_csv.csv", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    ev_record *r = c.recs[0];
    assert_string_equal(r->pmid, "11223344"); /* first header cell had the BOM */
    assert_int_equal(r->n_authors, 2);        /* "Smith A, Walter B" */
    assert_string_equal(r->authors[1].family, "Walter");
    assert_string_equal(r->doi, "10.1111/nature1111");
    release(&c);
}

static void scopus_csv_export(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "bibliometrix__scopus_sample.csv", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 8);
    ev_record *r = c.recs[0];
    assert_int_equal(r->n_authors, 4); /* "Liu F.; Li C.; Liu Y.; Li Y." */
    assert_string_equal(r->authors[0].family, "Liu");
    assert_string_equal(r->authors[0].initials, "F");
    assert_string_equal(r->source_record_id, "2-s2.0-105030721984"); /* EID */
    assert_string_equal(r->journal, "Digital Health");
    assert_string_equal(r->journal_abbrev, "Digit. Health");
    assert_string_equal(r->volume, "12");
    assert_int_equal(r->pub_date.year, 2026);
    assert_string_equal(r->doi, "10.1177/20552076261415846");
    assert_string_equal(r->languages[0], "English");
    assert_string_equal(r->type, "Article");
    assert_int_equal(r->n_keywords, 5); /* Author Keywords */
    assert_string_equal(r->keywords[0].text, "Artificial intelligence");
    assert_non_null(extra(r, "Author full names"));
    assert_null(other_id(r, "isbn", 0)); /* "NA" is R's missing value */
    release(&c);
}

static void lens_pages_issns_and_ids(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "bibliometrix__lens_sample.csv", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 8);
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "000-360-106-493-122");
    assert_string_equal(r->pages, "1-12"); /* Start Page + End Page */
    assert_string_equal(r->issn_print, "21945411");
    assert_string_equal(r->issn_electronic, "21945403");
    assert_string_equal(r->authors[0].family, "Radanliev"); /* "Petar Radanliev; ..." */
    assert_string_equal(r->authors[0].given, "Petar");
    assert_int_equal(r->pub_date.year, 2020);
    assert_int_equal(r->pub_date.month, 11);
    assert_int_equal(r->pub_date.day, 22);
    assert_string_equal(r->pmid, "33251087");
    assert_string_equal(r->pmcid, "PMC7680653");
    assert_string_equal(r->issue, "2");
    release(&c);
}

static void openalex_pipe_lists(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "bibliometrix__openalex_sample.csv", EV_FORMAT_UNKNOWN, NULL,
                                &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 8);
    ev_record *r = c.recs[0];
    assert_string_equal(r->title, "bibliometrix : An R-tool for comprehensive science mapping "
                                  "analysis");
    assert_int_equal(r->n_authors, 2); /* "Massimo Aria|Corrado Cuccurullo" */
    assert_string_equal(r->authors[1].family, "Cuccurullo");
    assert_string_equal(r->doi, "10.1016/j.joi.2017.08.007");
    assert_string_equal(r->journal, "Journal of Informetrics");
    assert_string_equal(r->issn_linking, "1751-1577");
    assert_int_equal(r->pub_date.month, 9);
    /* "" inside a quoted cell */
    assert_string_equal(extra(r, "authorships.institutions.display_name"),
                        "University of Naples Federico II|University of Campania \"Luigi "
                        "Vanvitelli\"");
    release(&c);
}

static void latin1_labelled_dedup_set_gzip(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(
        parse_path(FIX "asysd__labelled_test_set.csv.gz", EV_FORMAT_UNKNOWN, NULL, &c, &st, &err),
        EV_OK);
    assert_int_equal(c.total, 1845);
    assert_string_equal(st.encoding, "Windows-1252 (converted)");
    ev_record *r = c.recs[0];
    /* "Adeli K.Lewis G. F.": two names glued together */
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->authors[0].family, "Adeli");
    assert_string_equal(r->authors[1].family, "Lewis");
    assert_string_equal(r->authors[1].initials, "GF");
    assert_string_equal(r->pages, "221-8");
    assert_string_equal(r->issue, "3");
    assert_string_equal(r->doi, "10.1097/mol.0b013e3282ffaf82");
    assert_string_equal(extra(r, "record_id"), "1");
    assert_string_equal(extra(r, "label"), "In_database");
    assert_string_equal(extra(r, "source"), "unique");
    assert_string_equal(other_id(r, "isbn", 0), "0957-9672 (Print)\n0957-9672"); /* CRLF inside */
    /* record 699, the second row: byte 0xA9 became U+00A9 */
    assert_string_equal(extra(c.recs[1], "record_id"), "699");
    assert_non_null(strstr(c.recs[1]->abstract[0].text, "\xC2\xA9 2008 Lippincott"));
    release(&c);
}

static void tab_separated_ris_tag_columns(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "synthesisr__eviatlas.tsv", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    ev_record *r = c.recs[0];
    assert_int_equal(r->n_authors, 7); /* " and "-joined AU */
    assert_string_equal(r->authors[0].family, "Haddaway");
    assert_string_equal(r->authors[0].given, "Neal R.");
    assert_string_equal(r->authors[6].family, "Westgate");
    assert_string_equal(r->title, "EviAtlas: a tool for visualising evidence synthesis databases");
    assert_string_equal(r->journal, "Environmental Evidence");
    assert_string_equal(r->pages, "22");
    assert_string_equal(r->volume, "8");
    assert_string_equal(r->issue, "1");
    assert_string_equal(r->issn_print, "2047-2382");
    assert_string_equal(r->doi, "10.1186/s13750-019-0167-1");
    assert_string_equal(r->source_record_id, "Haddaway2019");
    assert_string_equal(r->type, "JOUR");
    assert_int_equal(r->pub_date.year, 2019);
    assert_int_equal(r->pub_date.month, 6);
    assert_int_equal(r->pub_date.day, 4);
    release(&c);
}

static void zotero_csv_and_endnote_tab_export(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "asysd__zotero_export_first40.csv", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 40);
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "ACSRAG7N");
    assert_string_equal(r->type, "journalArticle");
    assert_int_equal(r->n_authors, 3);
    assert_string_equal(r->authors[0].family, "Rotter");
    assert_string_equal(r->authors[0].given, "Carina");
    assert_string_equal(r->journal, "Journal of veterinary internal medicine");
    assert_string_equal(r->journal_abbrev, "J Vet Intern Med");
    assert_string_equal(r->issn_print, "1939-1676");
    assert_string_equal(r->issn_electronic, "0891-6640");
    assert_int_equal(r->pub_date.month, 5); /* Date 2022-05 */
    assert_string_equal(r->keywords[0].text, "*Dog Diseases/diagnostic imaging");
    assert_string_equal(r->languages[0], "eng");
    release(&c);

    assert_int_equal(
        parse_path(FIX "asysd__test_export_tab.txt", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 3);
    assert_string_equal(c.recs[1]->journal, "Journal 2"); /* Secondary Title */
    assert_string_equal(c.recs[1]->pages, "20-30");
    assert_string_equal(extra(c.recs[1], "DOI"), "DOI 2"); /* not a DOI: kept */
    assert_string_equal(extra(c.recs[1], "Custom 1"), "2");
    release(&c);
}

static void labelled_dedup_and_screening_sets(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "dedup__sra_haematology_first30.csv", EV_FORMAT_UNKNOWN, NULL,
                                &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 30);
    ev_record *r = c.recs[0];
    assert_string_equal(r->title, "New insights into postrenal transplant hemolytic uremic "
                                  "syndrome.");
    assert_int_equal(r->n_authors, 6); /* "Zuber, J and Le Quintrec, M and ..." */
    assert_string_equal(r->authors[1].family, "Le Quintrec");
    assert_string_equal(r->authors[1].initials, "M");
    assert_string_equal(r->pages, "23-35");
    assert_string_equal(r->journal, "Nat Rev Nephrol");
    assert_string_equal(r->type, "article"); /* ENTRYTYPE */
    assert_string_equal(extra(r, "record_id"), "id_0000001");
    assert_string_equal(extra(r, "duplicate_group_id"), "id_0000001");
    assert_null(c.recs[1]->title); /* empty title cell in row 2 */
    release(&c);

    assert_int_equal(parse_path(FIX "screening__Cohen_2006_ADHD_first30.csv", EV_FORMAT_UNKNOWN,
                                NULL, &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 30);
    r = c.recs[0];
    assert_string_equal(r->pmid, "10051933");
    assert_string_equal(r->keywords[2].text, "Administration, Oral"); /* split on ';' only */
    assert_string_equal(r->authors[0].family, "Reimer");
    assert_string_equal(r->authors[0].initials, "EJ");
    assert_string_equal(extra(r, "label_included"), "0");
    assert_string_equal(extra(r, "label_abstract_screening"), "0");
    release(&c);

    assert_int_equal(parse_path(FIX "screening__van_de_Schoot_2017_ptsd_first30.csv",
                                EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
                     EV_OK);
    r = c.recs[0];
    assert_int_equal(r->n_authors, 2); /* "Achenbach, T. M., Rescorla, L. A." */
    assert_string_equal(r->authors[1].family, "Rescorla");
    assert_string_equal(r->authors[1].initials, "LA");
    release(&c);

    assert_int_equal(parse_path(FIX "screening__synergy_Chou_2004_first30.csv", EV_FORMAT_UNKNOWN,
                                NULL, &c, NULL, &err),
                     EV_OK);
    r = c.recs[0];
    assert_string_equal(r->doi, "10.1161/01.str.0000097490.88015.3a");
    assert_string_equal(r->pmid, "14593127");
    assert_string_equal(r->source_record_id, "https://openalex.org/W2018734179");
    assert_string_equal(r->authors[0].family, "McKevitt");
    assert_string_equal(extra(r, "label_included"), "0");
    release(&c);
}

static void mapping_override_and_its_errors(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    const char *path = FIX "colrev__springer_csv.csv";
    assert_int_equal(parse_path(path, EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err), EV_OK);
    assert_string_equal(c.recs[0]->title, "Publication tilte"); /* Item Title */
    assert_string_equal(c.recs[0]->journal, "Nature");          /* Publication Title */
    release(&c);
    assert_int_equal(parse_path(path, EV_FORMAT_UNKNOWN,
                                "title=Publication Title, journal = item title", &c, NULL, &err),
                     EV_OK);
    assert_string_equal(c.recs[0]->title, "Nature");
    assert_string_equal(c.recs[0]->journal, "Publication tilte");
    release(&c);
    assert_int_equal(parse_path(path, EV_FORMAT_UNKNOWN, "titel=Item Title", &c, NULL, &err),
                     EV_EUSAGE);
    assert_non_null(strstr(err.message, "unknown field 'titel'"));
    ev_error_clear(&err);
    assert_int_equal(parse_path(path, EV_FORMAT_UNKNOWN, "title=Article Title", &c, NULL, &err),
                     EV_EUSAGE);
    assert_non_null(strstr(err.message, "'Article Title'"));
    assert_int_equal(c.total, 0);
}

static void quotes_escapes_and_embedded_line_breaks(void **state)
{
    (void)state;
    static const char csv[] = "title;authors;year\r\n"
                              "\"A \"\"quoted\"\" title\r\nwith break\";\"Doe, J\";2001\r\n"
                              "\r\n"
                              "Plain;Roe, R;2002\r\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(csv, sizeof csv - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 2);
    assert_string_equal(c.recs[0]->title, "A \"quoted\" title\nwith break");
    assert_string_equal(c.recs[0]->authors[0].family, "Doe");
    assert_int_equal(c.recs[1]->source_line, 5);
    assert_int_equal(c.recs[1]->pub_date.year, 2002);
    release(&c);
}

static void wrong_field_count_names_line_and_column(void **state)
{
    (void)state;
    static const char csv[] = "a,b\n\"x\ny\",2\n3,4,5\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(csv, sizeof csv - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "3 fields"));
    release(&c);
    static const char short_row[] = "a,b,c\n1,2,3\n4,5\n";
    ev_error_clear(&err);
    assert_int_equal(parse_text(short_row, sizeof short_row - 1, EV_FORMAT_CSV, &c, NULL, &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 3);
    release(&c);
    /* trailing empty cells are tolerated */
    static const char trailing[] = "a,b\n1,2,,\n";
    assert_int_equal(parse_text(trailing, sizeof trailing - 1, EV_FORMAT_CSV, &c, NULL, &err),
                     EV_OK);
    release(&c);
}

static void unterminated_quote_names_where_it_began(void **state)
{
    (void)state;
    static const char csv[] = "a,b\n1,\"open\n2,3\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(csv, sizeof csv - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "unterminated"));
    assert_int_equal(c.total, 0);
}

static void empty_binary_and_ten_megabyte_field(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text("", 0, EV_FORMAT_CSV, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    static const char bin[] = "a,b\n\0\1\2,\3";
    assert_int_equal(parse_text(bin, sizeof bin, EV_FORMAT_CSV, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    size_t n = 0;
    char *s = big_input("title,abstract\nBig,\"", 10u << 20, "\"\n", &n);
    assert_int_equal(parse_text(s, n, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_int_equal(strlen(c.recs[0]->abstract[0].text), 10u << 20);
    free(s);
    release(&c);
}

static void two_comma_separated_names(void **state)
{
    (void)state;
    static const char csv[] = "title,authors\nA,\"Smith, John Paul\"\n"
                              "B,\"John Smith, Jane Doe\"\nC,\"Krumholz, H M\"\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(csv, sizeof csv - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.recs[0]->n_authors, 1);
    assert_string_equal(c.recs[0]->authors[0].given, "John Paul");
    assert_int_equal(c.recs[1]->n_authors, 2);
    assert_string_equal(c.recs[1]->authors[1].family, "Doe");
    assert_int_equal(c.recs[2]->n_authors, 1);
    assert_string_equal(c.recs[2]->authors[0].initials, "HM");
    release(&c);
}

/* Excel's "sep=;" hint line; Web of Science tab export: UT is the id, ID is
 * Keywords Plus, EI the electronic ISSN (columns as in a WoS savedrecs.txt) */
static void excel_sep_line_and_wos_tab_columns(void **state)
{
    (void)state;
    static const char csv[] = "sep=;\r\ntitle;year\r\nA;2001\r\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(csv, sizeof csv - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_string_equal(c.recs[0]->title, "A");
    release(&c);
    static const char wos[] = "PT\tAU\tTI\tSO\tDE\tID\tSN\tEI\tPY\tUT\n"
                              "J\tSmith, J; Doe, A\tT\tJ X\tk1; k2\tKP1; KP2\t1234-5678\t"
                              "8765-4321\t1999\tWOS:000123\n";
    assert_int_equal(parse_text(wos, sizeof wos - 1, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "WOS:000123");
    assert_string_equal(extra(r, "ID"), "KP1; KP2");
    assert_int_equal(r->n_keywords, 2);
    assert_int_equal(r->n_authors, 2);
    assert_string_equal(r->issn_print, "1234-5678");
    assert_string_equal(r->issn_electronic, "8765-4321");
    assert_string_equal(r->type, "J");
    release(&c);
}

/* fuzz find: a header of empty cells in an empty row buffer (UBSan) */
static void header_of_empty_cells(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(",", 1, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 0);
    assert_int_equal(parse_text(",\nx,y\n", 6, EV_FORMAT_CSV, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_string_equal(extra(c.recs[0], "column 2"), "y");
    release(&c);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    assert_true(oom_sweep(FIX "colrev__pubmed-chatbot.csv", EV_FORMAT_CSV, 6) > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pubmed_csv_export),
        cmocka_unit_test(bom_crlf_and_unquoted_header),
        cmocka_unit_test(scopus_csv_export),
        cmocka_unit_test(lens_pages_issns_and_ids),
        cmocka_unit_test(openalex_pipe_lists),
        cmocka_unit_test(latin1_labelled_dedup_set_gzip),
        cmocka_unit_test(tab_separated_ris_tag_columns),
        cmocka_unit_test(zotero_csv_and_endnote_tab_export),
        cmocka_unit_test(labelled_dedup_and_screening_sets),
        cmocka_unit_test(mapping_override_and_its_errors),
        cmocka_unit_test(quotes_escapes_and_embedded_line_breaks),
        cmocka_unit_test(wrong_field_count_names_line_and_column),
        cmocka_unit_test(unterminated_quote_names_where_it_began),
        cmocka_unit_test(empty_binary_and_ten_megabyte_field),
        cmocka_unit_test(header_of_empty_cells),
        cmocka_unit_test(two_comma_separated_names),
        cmocka_unit_test(excel_sep_line_and_wos_tab_columns),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
