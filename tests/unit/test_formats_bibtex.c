/*
 * test_formats_bibtex.c - the BibTeX reader against real exports
 * (tests/fixtures/formats/bibtex/, see its README). Every value asserted was
 * read off the .bib files by eye. Then LaTeX conversion, macros, the GBK
 * and Windows-1252 cases, unbalanced braces, empty, binary and a 10 MB field.
 */
#include "test_formats_bib_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/formats/bibtex/"

static void basic_entry_with_comment_macro_month_and_quotes(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(
        parse_path(FIX "bibtexparser__bibtex.bib", EV_FORMAT_UNKNOWN, NULL, &c, &st, &err), EV_OK);
    assert_int_equal(st.format, EV_FORMAT_BIBTEX);
    assert_int_equal(c.total, 1); /* the @comment is not a record */
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "Cesar2013");
    assert_string_equal(r->type, "article");
    assert_int_equal(r->source_line, 5);
    assert_int_equal(r->n_authors, 1);
    assert_string_equal(r->authors[0].family, "C\xC3\xA9sar");
    assert_string_equal(r->authors[0].given, "Jean");
    assert_string_equal(r->title, "An amazing title");
    assert_int_equal(r->pub_date.year, 2013);
    assert_int_equal(r->pub_date.month, 1); /* month = jan (macro) */
    assert_string_equal(r->volume, "12");
    assert_string_equal(r->pages, "12-23");          /* "12--23" */
    assert_string_equal(r->journal, "Nice Journal"); /* "quoted" value */
    assert_non_null(r->raw);
    assert_true(strncmp(r->raw, "@ARTICLE{Cesar2013,", 19) == 0);
    assert_int_equal(r->raw[r->raw_len - 1], '}');
    release(&c);
}

static void latex_accents_in_names_and_set_entries_skipped(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(parse_path(FIX "jabref__BibtexImporter.examples.bib", EV_FORMAT_UNKNOWN, NULL,
                                &c, &st, &err),
                     EV_OK);
    assert_int_equal(c.total, 2);
    assert_int_equal(st.skipped, 2); /* @set{set,...} and @set{stdmodel,...} */
    ev_record *b = c.recs[0];
    assert_string_equal(b->source_record_id, "Preissel2016");
    assert_string_equal(b->authors[0].family, "Prei\xC3\x9F"
                                              "el"); /* UTF-8 as written */
    assert_string_equal(b->authors[0].given, "Ren\xC3\xA9");
    assert_string_equal(b->pages, "XX, 327 Seiten");
    assert_string_equal(other_id(b, "isbn", 0), "978-3-86490-311-3");
    assert_string_equal(extra(b, "address"), "Heidelberg");
    ev_record *a = c.recs[1];
    assert_string_equal(a->source_record_id, "aksin");
    assert_int_equal(a->n_authors, 7);
    assert_string_equal(a->authors[0].family, "Aks\xC4\xB1n");   /* Aks{\i}n */
    assert_string_equal(a->authors[0].given, "\xC3\x96zge");     /* {\"O}zge */
    assert_string_equal(a->authors[1].family, "T\xC3\xBCrkmen"); /* T{\"u}rkmen */
    assert_string_equal(a->authors[3].family, "\xC3\x87"
                                              "etinkaya"); /* {\c{C}}etinkaya */
    assert_string_equal(a->authors[5].family, "B\xC3\xBCy\xC3\xBCkg\xC3\xBCng\xC3\xB6r");
    assert_string_equal(a->authors[6].family, "\xC3\x96zkal");
    assert_string_equal(a->title,
                        "Effect of immobilization on catalytic characteristics of "
                        "saturated Pd-N-heterocyclic carbenes in Mizoroki-Heck reactions");
    assert_non_null(a->title_markup); /* had {Pd-N} */
    assert_string_equal(a->volume, "691");
    assert_string_equal(a->issue, "13");
    assert_string_equal(a->pages, "3027-3036");
    assert_int_equal(a->pub_date.year, 2006); /* biblatex date = 2006 */
    assert_string_equal(a->journal, "jomch"); /* undefined macro: kept, warned */
    assert_non_null(strstr(c.last_warning, "jomch"));
    release(&c);
}

static void web_of_science_bom_spaced_key_escapes_and_issns(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "colrev__web_of_science_bib.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 2);
    ev_record *r = c.recs[0];
    assert_int_equal(r->source_line, 3);
    assert_string_equal(r->source_record_id, "WOS:000223334444221");
    assert_string_equal(r->type, "inproceedings");
    assert_string_equal(r->doi, "10.1007/999-9-999-99999-9_3"); /* "\_" */
    assert_string_equal(r->issn_print, "0111-9119");
    assert_string_equal(r->issn_electronic, "1111-3333");
    assert_string_equal(other_id(r, "isbn", 0), "999-9-999-99999-9");
    assert_string_equal(other_id(r, "isbn", 1), "999-8-888-99999-8");
    assert_string_equal(r->book_title, "A BOOKTITLE");
    assert_string_equal(r->notes, "Placeholder for Notes");
    assert_string_equal(extra(r, "Book-Group-Author"), "Author");
    assert_string_equal(extra(r, "ResearcherID-Numbers"),
                        "Writerone, Julia/GLU-2222-2022 Writertwo, Paul/F-3333-2012");
    assert_string_equal(r->authors[1].family, "Writertwo");
    ev_record *s = c.recs[1];
    assert_int_equal(s->pub_date.year, 2022);
    assert_int_equal(s->pub_date.month, 3); /* Month = {MAR 1} */
    assert_string_equal(s->article_number, "6756");
    assert_string_equal(s->issue, "3");
    release(&c);
}

static void crlf_and_space_before_brace(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "colrev__europe_pmc_bib.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_OK);
    assert_int_equal(c.total, 2);
    assert_string_equal(c.recs[0]->source_record_id, "PMID:18888888");
    assert_int_equal(c.recs[0]->pub_date.month, 2); /* February */
    assert_string_equal(c.recs[0]->pages, "15");
    assert_string_equal(c.recs[0]->doi, "10.1111/s5555-333-55555-1");
    assert_int_equal(c.recs[1]->source_line, 16);
    assert_string_equal(c.recs[1]->type, "misc");
    assert_string_equal(c.recs[1]->publisher, "Misc Square");
    release(&c);
}

static void url_with_white_space_and_pmid_in_note(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "colrev__taylor_and_francis_bib.bib", EV_FORMAT_UNKNOWN, NULL,
                                &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 2);
    ev_record *r = c.recs[0];
    assert_string_equal(r->url, "https://doi.org/10.1111/07777777.2018.1666666");
    assert_string_equal(r->pmid, "33355555"); /* note = {PMID: 33355555} */
    assert_string_equal(r->publisher, "Taylor & Francis");
    assert_int_equal(r->n_authors, 3); /* "Tandf Does and Not Follow and Naming Conventions" */
    assert_string_equal(c.recs[1]->authors[0].family, "Lastname"); /* Firstname A. Lastname */
    assert_string_equal(c.recs[1]->pages, "1400-14114059");
    release(&c);
}

static void scopus_export_fields(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_path(FIX "synthesisr__Scopus_bib_example.bib", EV_FORMAT_UNKNOWN, NULL,
                                &c, NULL, &err),
                     EV_OK);
    assert_int_equal(c.total, 3);
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "Li2020");
    assert_int_equal(r->n_authors, 10);
    assert_string_equal(r->authors[0].family, "Li");
    assert_string_equal(r->authors[0].initials, "W");
    assert_string_equal(r->authors[9].family, "Pan");
    assert_string_equal(r->doi, "10.1080/20964129.2020.1722034");
    assert_string_equal(r->article_number, "1722034");
    assert_string_equal(r->journal_abbrev, "Ecosyst. Health Sustain.");
    assert_string_equal(r->issn_print, "20964129");
    assert_string_equal(r->languages[0], "English");
    assert_string_equal(r->publication_types[0], "Article");
    assert_int_equal(r->n_keywords, 6); /* author_keywords, ";  "-separated */
    assert_string_equal(r->keywords[0].text, "Environmental factors");
    assert_string_equal(r->keywords[5].text, "wetland restoration");
    assert_string_equal(r->notes, "cited By 0");
    assert_string_equal(extra(r, "source"), "Scopus");
    /* a field name with a no-break space, kept as written */
    assert_non_null(extra(r, "funding_text\xC2\xA0"
                             "1"));
    assert_string_equal(c.recs[2]->authors[2].family, "zhou");
    release(&c);
}

static void wiley_doi_with_resolver_prefix_and_keywords(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "colrev__wiley_bib.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 2);
    assert_string_equal(c.recs[0]->doi, "10.1111/1111222233334.ch29");
    assert_string_equal(c.recs[0]->type, "inbook");
    assert_string_equal(c.recs[0]->book_title, "Dummy in Practice");
    assert_int_equal(c.recs[1]->n_keywords, 3);
    assert_string_equal(c.recs[1]->keywords[2].text, "Keyword3");
    release(&c);
}

static void zotero_export_gzip_counts(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(
        parse_path(FIX "asysd__zotero_export.bib.gz", EV_FORMAT_UNKNOWN, NULL, &c, &st, &err),
        EV_OK);
    assert_int_equal(c.total, 1000); /* README: 1000 entries */
    ev_record *r = c.recs[0];
    assert_string_equal(r->source_record_id, "larsen_microangiography_1999");
    assert_string_equal(r->title, "Microangiography of the humeral condyle in Cocker Spaniel and "
                                  "non-Cocker Spaniel dogs");
    assert_string_equal(r->volume, "12");
    assert_string_equal(r->issn_print, "0932-0814");
    release(&c);
}

static void colrev_loader_file_multiline_values_and_odd_field_names(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "colrev__bib_data.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 6);
    assert_string_equal(c.recs[0]->abstract[0].text, "This is a nice abstract.");
    assert_string_equal(extra(c.recs[1], "key words"), "Dummy, Template, Void, Example");
    assert_string_equal(c.recs[2]->source_record_id, "mouse;2015");
    assert_string_equal(c.recs[5]->title, "Magnetic properties and phase transitions of iron "
                                          "boracites, Fe3B7O13X (X = Cl, Br OR I)");
    assert_int_equal(c.recs[5]->n_authors, 2); /* "Andreica, D and\n   Schmid, H" */
    release(&c);
}

static void broken_ebsco_entry_is_an_error_with_position(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    /* The Keywords value closes early at "@type:Person}" (line 19). */
    assert_int_equal(
        parse_path(FIX "colrev__ebsco_bib.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_EINPUT);
    assert_int_equal(err.line, 15); /* the entry */
    assert_non_null(strstr(err.message, "'Keywords' (line 19)"));
    release(&c);
}

static void gbk_file_is_refused(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        parse_path(FIX "bibtexparser__gbk_test.bib", EV_FORMAT_UNKNOWN, NULL, &c, NULL, &err),
        EV_EINPUT);
    assert_non_null(strstr(err.message, "GBK"));
    assert_int_equal(c.total, 0);
}

static void latin1_file_is_converted(void **state)
{
    (void)state;
    static const char bib[] = "@article{k,\n author = {Jean C\xE9sar},\n title = {Caf\xE9},\n"
                              " year = 2001\n}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    ev_parse_stats st;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_UNKNOWN, &c, &st, &err), EV_OK);
    assert_string_equal(st.encoding, "Windows-1252 (converted)");
    assert_string_equal(c.recs[0]->authors[0].family, "C\xC3\xA9sar");
    assert_string_equal(c.recs[0]->title, "Caf\xC3\xA9");
    release(&c);
}

static void latex_table(void **state)
{
    (void)state;
    static const char bib[] =
        "@article{t, title = {{\\\"o} \\'e \\c{c} {\\ss} {\\o} \\& a--b a---b x~y {\\textendash} "
        "\\v{s} \\emph{z} $\\alpha$ \\H{o} \\k{a} \\r{a} \\u{g} {\\aa} {\\AE} {\\l} \\\"{\\i} "
        "\\`{A} {\\^e} 50\\% {\\textquoteright}}}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_OK);
    assert_string_equal(c.recs[0]->title,
                        "\xC3\xB6 \xC3\xA9 \xC3\xA7 \xC3\x9F \xC3\xB8 & a\xE2\x80\x93"
                        "b "
                        "a\xE2\x80\x94"
                        "b x y \xE2\x80\x93 \xC5\xA1 z \xCE\xB1 \xC5\x91 \xC4\x85 "
                        "\xC3\xA5 \xC4\x9F \xC3\xA5 \xC3\x86 \xC5\x82 \xC3\xAF \xC3\x80 \xC3\xAA "
                        "50% \xE2\x80\x99");
    release(&c);
}

static void string_macros_concatenation_and_preamble(void **state)
{
    (void)state;
    static const char bib[] = "@preamble{\"\\newcommand{\\x}{y}\"}\n"
                              "@string{jn = \"Journal of Tests\"}\n"
                              "@STRING(pt = {Part})\n"
                              "@article{k, journal = jn # { } # pt # \" B\", month = dec,\n"
                              "  year = 1999, pages = {1 - 10}}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_string_equal(c.recs[0]->journal, "Journal of Tests Part B");
    assert_int_equal(c.recs[0]->pub_date.month, 12);
    assert_string_equal(c.recs[0]->pages, "1-10");
    assert_int_equal(c.recs[0]->source_line, 4);
    release(&c);
}

static void author_forms(void **state)
{
    (void)state;
    static const char bib[] = "@article{k, title = {T}, year = 2000, author = {{World Health "
                              "Organization} and Smith, Jr, John and Doe, J. A. and "
                              "{Barnes and Noble} and Ann Lee and Ludwig van Beethoven and "
                              "others}}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_OK);
    ev_record *r = c.recs[0];
    assert_int_equal(r->n_authors, 6);
    assert_string_equal(r->authors[0].collective, "World Health Organization");
    assert_null(r->authors[0].family);
    assert_string_equal(r->authors[1].family, "Smith");
    assert_string_equal(r->authors[1].given, "John");
    assert_string_equal(r->authors[1].suffix, "Jr");
    assert_string_equal(r->authors[2].family, "Doe");
    assert_string_equal(r->authors[2].initials, "JA");
    assert_string_equal(r->authors[3].collective, "Barnes and Noble");
    assert_string_equal(r->authors[4].family, "Lee");
    assert_string_equal(r->authors[5].family, "van Beethoven");
    assert_string_equal(r->authors[5].given, "Ludwig");
    assert_true(r->authors_incomplete);
    release(&c);
}

static void keyword_lists(void **state)
{
    (void)state;
    static const char bib[] = "@article{a, title = {A}, keywords = {Aged, 80 and over; Humans}}\n"
                              "@article{b, title = {B}, keywords = {Dogs, Cats,Mice}}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_OK);
    assert_int_equal(c.recs[0]->n_keywords, 2);
    assert_string_equal(c.recs[0]->keywords[0].text, "Aged, 80 and over");
    assert_int_equal(c.recs[1]->n_keywords, 3);
    assert_string_equal(c.recs[1]->keywords[2].text, "Mice");
    release(&c);
}

static void unbalanced_braces_name_entry_start_and_next_entry(void **state)
{
    (void)state;
    static const char bib[] = "@article{a,\n  title = {Fine},\n}\n\n"
                              "@article{b,\n  title = {Missing close,\n  year = 2000\n}\n\n"
                              "@article{c,\n  title = {Next}\n}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(err.line, 5); /* where entry 'b' starts */
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "'title'"));
    assert_non_null(strstr(err.message, "'title' (line 6)"));
    assert_non_null(strstr(err.message, "line 10")); /* where the next entry starts */
    assert_int_equal(c.total, 1);
    release(&c);
}

static void extra_closing_brace_is_an_error(void **state)
{
    (void)state;
    static const char bib[] = "@article{a,\n  title = {One}},\n  year = 2000\n}\n";
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(bib, sizeof bib - 1, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "unbalanced"));
    release(&c);
}

static void empty_and_binary_input_refused(void **state)
{
    (void)state;
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text("", 0, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_EINPUT);
    ev_error_clear(&err);
    static const char bin[] = "@article{\0\1\2\3\xff\xfe";
    assert_int_equal(parse_text(bin, sizeof bin, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_EINPUT);
    assert_int_equal(c.total, 0);
}

static void ten_megabyte_field(void **state)
{
    (void)state;
    size_t n = 0;
    char *s =
        big_input("@article{big, title = {Big}, year = 2020, abstract = {", 10u << 20, "}}\n", &n);
    collected c = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(parse_text(s, n, EV_FORMAT_BIBTEX, &c, NULL, &err), EV_OK);
    assert_int_equal(c.total, 1);
    assert_int_equal(strlen(c.recs[0]->abstract[0].text), 10u << 20);
    free(s);
    release(&c);
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    assert_true(oom_sweep(FIX "colrev__web_of_science_bib.bib", EV_FORMAT_BIBTEX, 2) > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_entry_with_comment_macro_month_and_quotes),
        cmocka_unit_test(latex_accents_in_names_and_set_entries_skipped),
        cmocka_unit_test(web_of_science_bom_spaced_key_escapes_and_issns),
        cmocka_unit_test(crlf_and_space_before_brace),
        cmocka_unit_test(url_with_white_space_and_pmid_in_note),
        cmocka_unit_test(scopus_export_fields),
        cmocka_unit_test(wiley_doi_with_resolver_prefix_and_keywords),
        cmocka_unit_test(zotero_export_gzip_counts),
        cmocka_unit_test(colrev_loader_file_multiline_values_and_odd_field_names),
        cmocka_unit_test(broken_ebsco_entry_is_an_error_with_position),
        cmocka_unit_test(gbk_file_is_refused),
        cmocka_unit_test(latin1_file_is_converted),
        cmocka_unit_test(latex_table),
        cmocka_unit_test(string_macros_concatenation_and_preamble),
        cmocka_unit_test(author_forms),
        cmocka_unit_test(keyword_lists),
        cmocka_unit_test(unbalanced_braces_name_entry_start_and_next_entry),
        cmocka_unit_test(extra_closing_brace_is_an_error),
        cmocka_unit_test(empty_and_binary_input_refused),
        cmocka_unit_test(ten_megabyte_field),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
