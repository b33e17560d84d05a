/* test_dedup_normalise.c - the normalisers: titles, spelling, pages,
 * journals, identifiers, kinds of item. */
#include "test_dedup_util.h"

#include "dedup_int.h"

static void title_is(const char *in, const char *want)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev__dedup_title(&b, in), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), want);
    ev_buf_release(&b);
}

static void title_folds_case_punctuation_markup_and_diacritics(void **state)
{
    (void)state;
    title_is("Effect of <i>Saccharomyces</i> boulardii: a Trial.", "effect of saccharomyces boulardii a trial");
    title_is("Évaluation   de l'efficacité", "evaluation de l efficacite");
    title_is("β<sub>2</sub>-agonists in COPD", "β2 agonists in copd");
}

static void title_maps_british_to_american_spelling(void **state)
{
    (void)state;
    title_is("Paediatric haematology: randomised trial of tumour behaviour",
             "pediatric hematology randomized trial of tumor behavior");
    title_is("Pediatric hematology: randomized trial of tumor behavior",
             "pediatric hematology randomized trial of tumor behavior");
    title_is("Oedema in the centre of the oesophagus", "edema in the center of the esophagus");
    title_is("Sulphate analysed", "sulfate analyzed");
}

static void title_drops_language_tags_translation_brackets_and_notes(void **state)
{
    (void)state;
    title_is("[A study on mycobacterium vaccine in tuberculous pleurisy]",
             "a study on mycobacterium vaccine in tuberculous pleurisy");
    title_is("Efficacy of batroxobin for vascular cognitive impairment. [Chinese]",
             "efficacy of batroxobin for vascular cognitive impairment");
    title_is("Eculizumab for atypical hemolytic-uremic syndrome.[Erratum appears in N Engl J "
             "Med. 2009 Jun 4;360(23):2487 Note: Philipp",
             "eculizumab for atypical hemolytic uremic syndrome");
}

static void bracketed_other_language_title_is_an_alternative(void **state)
{
    (void)state;
    const char *t = "Crowdwork: Applying a relational inequality theory [Arbeiten in der "
                    "Crowd:Perspektiven der Theorie relationaler Ungleichheiten]";
    title_is(t, "crowdwork applying a relational inequality theory");
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev__dedup_title_alt(&b, t), EV_OK);
    assert_string_equal(ev_buf_cstr(&b),
                        "arbeiten in der crowd perspektiven der theorie relationaler "
                        "ungleichheiten");
    ev_buf_clear(&b);
    assert_int_equal(ev__dedup_title_alt(&b, "Indications for living donation. [Spanish]"),
                     EV_OK);
    assert_int_equal(b.len, 0); /* a language tag, not a title */
    ev_buf_release(&b);
}

static void embase_original_title_and_quoted_brackets(void **state)
{
    (void)state;
    const char *t = "Antibiotic and antiseptic prophylaxis in thoracic surgery. A randomized "
                    "study. <ORIGINAL> PROPHYLAXIE ANTIBIOTIQUE ET ANTISEPTIQUE";
    title_is(t, "antibiotic and antiseptic prophylaxis in thoracic surgery a randomized study");
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev__dedup_title_alt(&b, t), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), "prophylaxie antibiotique et antiseptique");
    ev_buf_release(&b);
    title_is("\"[A new paracentesis needle for ascites]\"", "a new paracentesis needle for ascites");
}

static void title_joins_possessive_s(void **state)
{
    (void)state;
    /* sra_stroke id_0000014 / id_0000015 */
    title_is("Amantadine for treatment of symptom's of the posttraumatic state",
             "amantadine for treatment of symptoms of the posttraumatic state");
    title_is("Crohn\u2019s disease", "crohns disease");
    title_is("Authors' reply", "authors reply");
}

static void erratum_citations_are_cut_from_the_title(void **state)
{
    (void)state;
    /* sra_haematology id_0000057, id_0000058, id_0000020 */
    title_is("Eculizumab for atypical hemolytic-uremic syndrome (New England Journal of "
             "Medicine (2009) 360 (542-544))",
             "eculizumab for atypical hemolytic uremic syndrome");
    title_is("Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
             "eculizumab for atypical hemolytic uremic syndrome");
    title_is("Erratum: Severe deficiency of ADAMTS 13 in children (The Journal of Pediatrics (M",
             "erratum severe deficiency of adamts 13 in children");
    /* a parenthesis in a title is no citation */
    title_is("Severe deficiency of the protease (ADAMTS 13) activity",
             "severe deficiency of the protease adamts 13 activity");
    title_is("Outcomes in type 2 diabetes (the ADVANCE trial)",
             "outcomes in type 2 diabetes the advance trial");
}

static void bracketed_translation_before_a_language_tag(void **state)
{
    (void)state;
    /* sra_haematology id_0000231 (Nefrologia 2010;30 Suppl 2:30-38) */
    title_is("[Indications and contraindications of living-donor kidney transplantation]. "
             "[Spanish]",
             "indications and contraindications of living donor kidney transplantation");
}

static void title_language_by_function_words(void **state)
{
    (void)state;
    const char *en = "platform economy and crowdworking as challenges for the german model";
    const char *de = "plattformokonomie und crowdworking als herausforderungen fur das "
                     "deutsche modell der arbeitsbeziehungen";
    const char *es = "indicaciones y contraindicaciones de la donacion renal de vivo";
    assert_int_equal(ev__dedup_title_lang(en, strlen(en)), EV__DD_LANG_ENGLISH);
    assert_int_equal(ev__dedup_title_lang(de, strlen(de)), EV__DD_LANG_OTHER);
    assert_int_equal(ev__dedup_title_lang(es, strlen(es)), EV__DD_LANG_OTHER);
    /* one foreign-looking word in an English title decides nothing */
    const char *novo = "de novo mutations in autism";
    assert_int_equal(ev__dedup_title_lang(novo, strlen(novo)), EV__DD_LANG_UNKNOWN);
    const char *bare = "crowdworking";
    assert_int_equal(ev__dedup_title_lang(bare, strlen(bare)), EV__DD_LANG_UNKNOWN);
}

static void first_page(const char *in, const char *want)
{
    char out[32];
    ev__dedup_first_page(out, sizeof out, in);
    assert_string_equal(out, want);
}

static void first_page_ignores_range_style_prefixes_and_zeros(void **state)
{
    (void)state;
    first_page("123-9", "123");
    first_page("123-129", "123");
    first_page("761--778", "761");
    first_page("c37-c42", "37");
    first_page("e0173548", "173548");
    first_page("S12", "12");
    first_page("NA", "");
    first_page(NULL, "");
}

static void last_page_expands_abbreviated_ends(void **state)
{
    (void)state;
    assert_int_equal(ev__dedup_last_page("1285-90"), 1290);
    assert_int_equal(ev__dedup_last_page("123-9"), 129);
    assert_int_equal(ev__dedup_last_page("761--778"), 778);
    assert_int_equal(ev__dedup_last_page("2097 - 2108"), 2108);
    assert_int_equal(ev__dedup_last_page("e0173548"), 0);
    assert_int_equal(ev__dedup_last_page("12"), 0);
    assert_int_equal(ev__dedup_last_page(NULL), 0);
}

static void journal_abbreviations_match_full_names(void **state)
{
    (void)state;
    assert_true(ev__dedup_journal_match("curr opin lipidol", "current opinion lipidology"));
    assert_true(ev__dedup_journal_match("proc natl acad sci u s a",
                                        "proceedings national academy sciences united states "
                                        "america"));
    assert_true(ev__dedup_journal_match("brain", "brain journal neurology"));
    assert_true(ev__dedup_journal_match("pediatr nephrol", "pediatric nephrology"));
    assert_false(ev__dedup_journal_match("lancet", "brain"));
    assert_false(ev__dedup_journal_match("j clin oncol", "lancet oncology"));
}

static void spelling_is_consistent_on_both_sides(void **state)
{
    (void)state;
    char a[] = "colour", b[] = "color";
    size_t na = ev__dedup_spelling(a, 6), nb = ev__dedup_spelling(b, 5);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
}

static ev_dedup_kind kind_of(const t_rec *t)
{
    ev_dedup *d;
    assert_int_equal(ev_dedup_new(&d, NULL, NULL), EV_OK);
    size_t i = t_add(d, t);
    ev_dedup_kind k = ev_dedup_record_kind(d, i);
    ev_dedup_free(d);
    return k;
}

static void kinds_are_recognised(void **state)
{
    (void)state;
    assert_int_equal(kind_of(&(t_rec){.title = "Erratum: Severe deficiency of ADAMTS13"}),
                     EV_DEDUP_KIND_ERRATUM);
    assert_int_equal(kind_of(&(t_rec){.title = "Long-term effect of eculizumab (vol 85, pg 553, "
                                               "2010)"}),
                     EV_DEDUP_KIND_ERRATUM);
    assert_int_equal(kind_of(&(t_rec){.title = "Eculizumab for atypical hemolytic-uremic "
                                               "syndrome (New England Journal of Medicine "
                                               "(2009) 360 (542-544))"}),
                     EV_DEDUP_KIND_ERRATUM);
    assert_int_equal(kind_of(&(t_rec){.title = "Severe deficiency of the protease (ADAMTS 13) "
                                               "activity"}),
                     EV_DEDUP_KIND_ARTICLE);
    assert_int_equal(kind_of(&(t_rec){.title = "Notice of retraction: effects of X"}),
                     EV_DEDUP_KIND_RETRACTION);
    assert_int_equal(kind_of(&(t_rec){.title = "Atypical HUS and streptococcus - Reply"}),
                     EV_DEDUP_KIND_COMMENT);
    assert_int_equal(kind_of(&(t_rec){.title = "Comment on: a trial of X"}),
                     EV_DEDUP_KIND_COMMENT);
    assert_int_equal(kind_of(&(t_rec){.title = "A trial", .journal = "Circulation. Conference: "
                                                                     "AHA Scientific Sessions"}),
                     EV_DEDUP_KIND_CONFERENCE);
    assert_int_equal(kind_of(&(t_rec){.title = "A trial", .doi = "10.1101/2020.03.01.20029"}),
                     EV_DEDUP_KIND_PREPRINT);
    assert_int_equal(kind_of(&(t_rec){.title = "A trial", .journal = "medRxiv"}),
                     EV_DEDUP_KIND_PREPRINT);
    /* An article whose export carries an erratum note is still the article. */
    assert_int_equal(kind_of(&(t_rec){.title = "Gain-of-function mutations in factor B.[Erratum "
                                               "appears in Proc Natl Acad Sci U S A. 2007]"}),
                     EV_DEDUP_KIND_ARTICLE);
    assert_int_equal(kind_of(&(t_rec){.title = "A trial", .journal = "Proceedings of the "
                                                                     "National Academy of "
                                                                     "Sciences"}),
                     EV_DEDUP_KIND_ARTICLE);
}

static void levenshtein_is_bounded(void **state)
{
    (void)state;
    assert_int_equal(ev__dedup_levenshtein("kitten", 6, "sitting", 7, 5), 3);
    assert_int_equal(ev__dedup_levenshtein("kitten", 6, "sitting", 7, 2), 3); /* max + 1 */
    assert_int_equal(ev__dedup_levenshtein("abc", 3, "abc", 3, 0), 0);
    assert_int_equal(ev__dedup_levenshtein("", 0, "abc", 3, 3), 3);
}

static void author_with_cut_utf8_initial_is_safe(void **state)
{
    (void)state;
    /* Found by fuzz_dedup_record: a given name ending in a UTF-8 lead byte
     * made core's initials_from step past the string's end (ASan). The
     * padding before the lead byte walks the end across allocation
     * boundaries. */
    char name[64];
    for (int pad = 0; pad < 32; pad++) {
        int k = snprintf(name, sizeof name, "Ho, %.*s \xe0", pad,
                         "abcdefghijklmnopqrstuvwxyzabcdefgh");
        ev_record *r = ev_record_new();
        ev_author *a;
        assert_int_equal(ev_record_add_author(r, &a), EV_OK);
        assert_int_equal(ev_record_author_from_name(r, a, name, (size_t)k), EV_OK);
        ev_dedup *d;
        assert_int_equal(ev_dedup_new(&d, NULL, NULL), EV_OK);
        assert_int_equal(ev_dedup_add(d, r, 0, true, NULL), EV_OK);
        ev_dedup_free(d);
        ev_record_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(title_folds_case_punctuation_markup_and_diacritics),
        cmocka_unit_test(title_maps_british_to_american_spelling),
        cmocka_unit_test(title_drops_language_tags_translation_brackets_and_notes),
        cmocka_unit_test(bracketed_other_language_title_is_an_alternative),
        cmocka_unit_test(embase_original_title_and_quoted_brackets),
        cmocka_unit_test(title_joins_possessive_s),
        cmocka_unit_test(erratum_citations_are_cut_from_the_title),
        cmocka_unit_test(bracketed_translation_before_a_language_tag),
        cmocka_unit_test(title_language_by_function_words),
        cmocka_unit_test(first_page_ignores_range_style_prefixes_and_zeros),
        cmocka_unit_test(last_page_expands_abbreviated_ends),
        cmocka_unit_test(journal_abbreviations_match_full_names),
        cmocka_unit_test(spelling_is_consistent_on_both_sides),
        cmocka_unit_test(kinds_are_recognised),
        cmocka_unit_test(levenshtein_is_bounded),
        cmocka_unit_test(author_with_cut_utf8_initial_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
