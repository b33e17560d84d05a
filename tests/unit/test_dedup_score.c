/* test_dedup_score.c - pair scores and verdicts on hand-made records built
 * from the patterns seen in the labelled exports. */
#include "test_dedup_util.h"

static const t_rec base = {
    .title = "Perioperative nutritional support in patients undergoing hepatectomy for "
             "hepatocellular carcinoma",
    .authors = "Ziegler, Thomas R.; Smith, John",
    .journal = "Journal of Parenteral and Enteral Nutrition",
    .volume = "20",
    .issue = "1",
    .pages = "91-92",
    .year = 1996,
};

static void identical_records_merge(void **state)
{
    (void)state;
    ev_dedup_pair p = t_score(&base, &base);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    assert_true(p.title_sim > 0.999);
}

static void variants_of_one_record_merge(void **state)
{
    (void)state;
    t_rec v = base;
    v.title = "PERIOPERATIVE NUTRITIONAL SUPPORT IN PATIENTS UNDERGOING HEPATECTOMY FOR "
              "HEPATOCELLULAR CARCINOMA.";
    v.authors = "Ziegler, T. R.; Smith, J.";
    v.journal = "JPEN J Parenter Enteral Nutr";
    v.pages = "91-2";
    v.issue = NULL;
    assert_int_equal(t_score(&base, &v).verdict, EV_DEDUP_SAME);
}

static void truncated_title_still_merges(void **state)
{
    (void)state;
    t_rec v = base;
    v.title = "Perioperative nutritional support in patients undergoing hepatectomy";
    ev_dedup_pair p = t_score(&base, &v);
    assert_true(p.title_sim >= 0.95);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

static void title_in_two_languages_matches_either(void **state)
{
    (void)state;
    /* digital_work_wagner2021 id_2000018 / id_3006779 */
    t_rec a = {.title = "Crowdwork: Applying a relational inequality theory [Arbeiten in der "
                        "Crowd:Perspektiven der Theorie relationaler Ungleichheiten in "
                        "Arbeitsorganisationen]",
               .authors = "Abendroth, A.-K.; Reimann, M.", .journal = "Industrielle Beziehungen",
               .volume = "27", .issue = "2", .pages = "160--178", .year = 2020};
    t_rec b = a;
    b.title = "Arbeiten in der Crowd: Perspektiven der Theorie relationaler Ungleichheiten in "
              "Arbeitsorganisationen **";
    b.doi = "10.3224/indbez.v27i2.04";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.title_sim > 0.99);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    ev_dedup_pair q = t_score(&b, &a);
    assert_int_equal(q.verdict, EV_DEDUP_SAME);
}

static void two_translations_of_one_title_merge_at_one_place_in_print(void **state)
{
    (void)state;
    /* sra_respiratory id_0000088 / id_0000089 */
    t_rec a = {.title = "Antibiotic prophylaxis in pulmonary surgery. A controlled double-blind "
                        "study of amoxicillin versus cefamandole",
               .authors = "Train, M.; Boulanger, G.", .journal = "Ann Fr Anesth Reanim",
               .volume = "13", .pages = "280-284", .year = 1994};
    t_rec b = a;
    b.title = "[Comparison of amoxicillin and cefamandole in the prevention of bronchopulmonary "
              "infections in pulmonary surgery. A randomized double-blind study]";
    b.journal = "Annales Francaises d Anesthesie et de Reanimation";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_TITLE_DIFFERENT);
    assert_true(p.reasons & EV_DEDUP_R_TRANSLATED);
    assert_true(p.reasons & EV_DEDUP_R_LOCATED);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    /* only the first page known: not located, a person decides */
    b.pages = "280";
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_REVIEW);
    /* a different author on one side: never merged unseen */
    b.pages = a.pages;
    b.authors = "Train, M.; Lefevre, P.";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    b.authors = a.authors;
    /* the same titles without the translation brackets: different papers */
    b.title = "Comparison of amoxicillin and cefamandole in the prevention of bronchopulmonary "
              "infections in pulmonary surgery. A randomized double-blind study";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void title_and_its_translation_merge_at_one_place_in_print(void **state)
{
    (void)state;
    /* digital_work_wagner2021: Industrielle Beziehungen 27(2):205-226 */
    t_rec a = {.title = "Platform economy and crowdworking as challenges for the german model "
                        "of industrial relations",
               .authors = "Greef, S.; Schroeder, W.; Sperling, H.J.",
               .journal = "Industrielle Beziehungen", .volume = "27", .issue = "2",
               .pages = "205--226", .year = 2020};
    t_rec b = a;
    b.title = "Plattform\u00f6konomie und Crowdworking als Herausforderungen f\u00fcr das "
              "deutsche Modell der Arbeitsbeziehungen **";
    b.authors = "Greef, Samuel; Schroeder, Wolfgang; Sperling, Hans Joachim";
    b.doi = "10.3224/INDBEZ.V27I2.06";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_TRANSLATED);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    /* without the end of the range the place is not certain */
    b.pages = "205";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    /* two English titles at one place are not a translation */
    b.pages = a.pages;
    b.title = "Industrial relations and the platform economy: a research agenda";
    p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_TRANSLATED);
    assert_int_not_equal(p.verdict, EV_DEDUP_SAME);
}

static void erratum_listed_twice_in_two_citation_styles_merges(void **state)
{
    (void)state;
    /* sra_haematology id_0000020 (Embase) / id_0000021 (Web of Science) */
    t_rec a = {.title = "Erratum: Severe deficiency of the specific von Willebrand "
                        "factor-cleaving protease (ADAMTS 13) activity in a sub-group of "
                        "children with atypical hemolytic uremic syndrome (The Journal of "
                        "Pediatrics (M",
               .authors = "Veyradier", .journal = "Journal of Pediatrics.", .volume = "142",
               .issue = "6", .pages = "616-616", .year = 2003};
    t_rec b = a;
    b.title = "Severe deficiency of the specific von Willebrand factor-cleaving protease "
              "(ADAMTS 13) activity in a subgroup of children with atypical hemolytic uremic "
              "syndrome (vol 142, pg 310, 2003)";
    b.journal = "Journal of Pediatrics";
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    /* the article itself (id_0000018) stays apart from its erratum */
    t_rec art = {.title = "Severe deficiency of the specific von Willebrand factor-cleaving "
                          "protease (ADAMTS 13) activity in a subgroup of children with "
                          "atypical hemolytic uremic syndrome",
                 .authors = "Veyradier, A.; Obert, B.; Haddad, E.", .journal = "Journal of "
                                                                                "Pediatrics",
                 .volume = "142", .issue = "3", .pages = "310-317", .year = 2003};
    ev_dedup_pair p = t_score(&art, &b);
    assert_true(p.reasons & EV_DEDUP_R_KIND_DIFFERS);
    assert_int_not_equal(p.verdict, EV_DEDUP_SAME);
}

static void magazine_year_in_volume_field_is_no_volume(void **state)
{
    (void)state;
    /* digital_work_wagner2021: Harvard Business Review 94(5), "How did it ..." heading */
    t_rec a = {.title = "Upwork\u2019s CEO on how an introverted engineer learned to lead",
               .authors = "Kasriel, S.", .journal = "Harvard Business Review",
               .volume = "2016", .issue = "May", .year = 2016};
    t_rec b = {.title = "How did it ... Upwork's CEO on how an introverted engineer learned "
                        "to lead",
               .authors = "Kasriel, Stephane", .journal = "Harvard Business Review",
               .volume = "94", .issue = "5", .pages = "35+", .year = 2016};
    ev_dedup_pair p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_VOLUME_DIFFERENT);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

static void words_joined_before_a_title_make_another_title(void **state)
{
    (void)state;
    /* digital_work_wagner2021: two HICSS papers by one team, labelled different */
    t_rec a = {.title = "Effects of IT-enabled monitoring systems in online labor markets",
               .authors = "Liang, C.; Hong, Y.; Gu, B.", .year = 2017};
    t_rec b = a;
    b.title = "Moral Hazards and Effects of IT-enabled Monitoring Systems in Online Labor "
              "Markets";
    t_rec c = a;
    c.title = "Research note: Effects of IT-enabled monitoring systems in online labor markets";
    assert_true(t_score(&a, &b).title_sim < t_score(&a, &c).title_sim);
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void abstract_numbered_in_one_source_and_paged_in_another_merges(void **state)
{
    (void)state;
    /* sra_haematology id_0001188 / id_0001189: Pediatric Transplantation 15 */
    t_rec a = {.title = "Maintenance of renal function under eculizumab despite discontinuation "
                        "of plasma exchange after a third transplantation",
               .authors = "Davin, J. C.; Groothoff, J. W.; Bemelman, F. J.; Bouts, A. H.",
               .journal = "Pediatric Transplantation.Conference: 6th Congress of the "
                          "International Pediatric Transplant Association",
               .volume = "15", .pages = "22-22", .year = 2011};
    t_rec b = a;
    b.journal = "Pediatric Transplantation";
    b.pages = "52-52";
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    /* the full paper the abstract grew into spans pages: related */
    b.pages = "52-58";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void located_item_with_print_and_epub_years_merges(void **state)
{
    (void)state;
    /* sra_haematology id_0000149 / id_0000150 */
    t_rec a = {.title = "Haemolytic uraemic syndrome", .authors = "Kavanagh, D.; Goodship, T.",
               .journal = "Nephron", .volume = "118", .issue = "1", .pages = "c37-c42",
               .year = 2011};
    t_rec b = a;
    b.journal = "Nephron - Clinical Practice.";
    b.pages = "37-42";
    b.year = 2010;
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    b.pages = "43-48"; /* the next item of the issue */
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void volume_lost_and_fields_slid_left_still_agree(void **state)
{
    (void)state;
    /* sra_haematology id_0000105 / id_0000106: 26(9) written as issue 26, pages 9 */
    t_rec a = {.title = "The treatment of atypical hus", .authors = "Loirat, C.",
               .journal = "Pediatric Nephrology.Conference: 44th Annual Scientific Meeting of "
                          "the European Society for Paediatric Nephrology",
               .issue = "26", .pages = "9", .year = 2011};
    t_rec b = a;
    b.volume = "26";
    b.issue = "9";
    b.pages = "1746-1746";
    ev_dedup_pair p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_PAGES_DIFFERENT);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    assert_int_equal(t_score(&b, &a).verdict, EV_DEDUP_SAME);
    /* issue 26 and page 9 of an item without volume beside 25(9): no slide */
    b.volume = "25";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void page_count_of_a_thesis_is_no_page(void **state)
{
    (void)state;
    /* sra_stroke id_0000009 / id_0000010 */
    t_rec a = {.title = "An intelligent rehabilitation system for cognitive rehabilitation",
               .authors = "Yip, Chi Bun",
               .journal = "Dissertation Abstracts International: Section B: The Sciences and "
                          "Engineering",
               .volume = "73", .pages = "1524", .year = 2012};
    t_rec b = {.title = a.title, .authors = a.authors, .volume = "Ph.D.", .pages = "215 p",
               .year = 2011};
    assert_false(t_score(&a, &b).reasons & EV_DEDUP_R_PAGES_DIFFERENT);
}

static void year_one_apart_is_tolerated_but_far_years_are_not(void **state)
{
    (void)state;
    t_rec v = base;
    v.year = 1997;
    assert_int_equal(t_score(&base, &v).verdict, EV_DEDUP_SAME);
    v.year = 2003;
    assert_int_not_equal(t_score(&base, &v).verdict, EV_DEDUP_SAME);
}

static void doi_conflict_is_related_never_merged(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.doi = "10.1177/014860719602000191";
    b.doi = "https://doi.org/10.1177/0148607196020001999";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_DOI_CONFLICT);
    assert_int_equal(p.verdict, EV_DEDUP_RELATED);
}

static void doi_written_as_url_or_encoded_is_the_same_doi(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.doi = "10.1016/S0025-7753(17)30624-3";
    b.doi = "http://dx.doi.org/10.1016/s0025-7753%2817%2930624-3";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_DOI_SAME);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

static void same_doi_with_different_titles_is_not_merged_unseen(void **state)
{
    (void)state;
    /* asysd_diabetes 454/455: a supplement's DOI covering all its abstracts */
    t_rec a = {.title = "A sodium glucose cotransporter-2 inhibitor prevents the progression "
                        "of macrophage-driven atherosclerosis in diabetic mice",
               .authors = "Terasaki, M.; Hiromura, M.", .journal = "Diabetes", .volume = "64",
               .issue = "Suppl 1", .pages = "A134-A135", .doi = "10.2337/db15386741",
               .year = 2015};
    t_rec b = a;
    b.title = "A DPP-4 inhibitor but not incretins suppresses the progression of abdominal "
              "aorta aneurysms in angiotensin II-infused mice";
    b.pages = "A134";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_TITLE_DIFFERENT);
    assert_int_not_equal(p.verdict, EV_DEDUP_SAME);
}

static void pmid_conflict_is_related_never_merged(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.pmid = "8847415";
    b.pmid = "8847416";
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_RELATED);
}

static void erratum_and_article_are_related(void **state)
{
    (void)state;
    t_rec e = base;
    e.title = "Erratum: Perioperative nutritional support in patients undergoing hepatectomy "
              "for hepatocellular carcinoma";
    e.pages = "91-92";
    ev_dedup_pair p = t_score(&base, &e);
    assert_true(p.reasons & EV_DEDUP_R_KIND_DIFFERS);
    assert_int_equal(p.verdict, EV_DEDUP_RELATED);
}

static void conference_abstract_and_paper_are_related(void **state)
{
    (void)state;
    t_rec c = base;
    c.journal = "Clinical Nutrition. Conference: 17th ESPEN Congress";
    c.volume = "14";
    c.issue = NULL;
    c.pages = "S12";
    c.year = 1995;
    assert_int_equal(t_score(&base, &c).verdict, EV_DEDUP_RELATED);
}

static void conference_label_in_journal_field_alone_is_not_a_different_kind(void **state)
{
    (void)state;
    /* Embase writes "Circulation. Conference: ..." for the abstract that
     * MEDLINE lists under "Circulation": same volume, same item. */
    t_rec a = base, b = base;
    a.journal = "Circulation. Conference: American Heart Association Scientific Sessions";
    a.volume = "136";
    a.pages = NULL;
    b.journal = "Circulation";
    b.volume = "136";
    b.pages = NULL;
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void preprint_and_published_version_are_related(void **state)
{
    (void)state;
    t_rec pre = base;
    pre.journal = "medRxiv";
    pre.doi = "10.1101/2020.04.01.20050120";
    pre.volume = NULL;
    pre.issue = NULL;
    pre.pages = NULL;
    assert_int_equal(t_score(&base, &pre).verdict, EV_DEDUP_RELATED);
}

static void reply_with_the_same_title_is_not_merged(void **state)
{
    (void)state;
    t_rec r = base;
    r.title = "Perioperative nutritional support in patients undergoing hepatectomy for "
              "hepatocellular carcinoma - Reply";
    r.authors = "Fan, S. T.";
    r.pages = "93";
    assert_int_not_equal(t_score(&base, &r).verdict, EV_DEDUP_SAME);
}

static void generic_titles_do_not_merge_on_title_alone(void **state)
{
    (void)state;
    t_rec a = {.title = "Editorial", .journal = "Lancet", .year = 2010};
    t_rec b = {.title = "Editorial", .journal = "Lancet", .year = 2010};
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_TITLE_GENERIC);
    assert_int_not_equal(p.verdict, EV_DEDUP_SAME);
    t_rec c = {.title = "Reply", .authors = "Smith, J", .year = 2010};
    t_rec e = {.title = "Reply", .authors = "Smith, J", .year = 2010};
    assert_int_not_equal(t_score(&c, &e).verdict, EV_DEDUP_SAME);
}

static void short_title_located_by_journal_volume_page_year_merges(void **state)
{
    (void)state;
    /* sra_respiratory id_0000496/497 (issue fields hold EndNote numbers) */
    t_rec a = {.title = "Intrapleural therapy", .authors = "Huggins, J. T.; Doelken, P.",
               .journal = "Respirology", .volume = "16", .issue = "825", .pages = "891-899",
               .year = 2011};
    t_rec b = a;
    b.issue = "826";
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    b.pages = "901-909"; /* another item of the same volume */
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void a_column_repeated_in_every_issue_is_not_merged(void **state)
{
    (void)state;
    t_rec a = {.title = "Remarks from MIS Quarterly Editor - Editor's Comments",
               .authors = "Lee, Allen S.", .journal = "MIS Quarterly", .volume = "24",
               .issue = "1", .year = 2000};
    t_rec b = a;
    b.issue = "2";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void records_without_title_never_merge_automatically(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.title = NULL;
    b.title = NULL;
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_NO_TITLE);
    assert_int_not_equal(p.verdict, EV_DEDUP_SAME);
    t_rec only_doi = {.doi = "10.1000/xyz"};
    assert_int_not_equal(t_score(&only_doi, &only_doi).verdict, EV_DEDUP_SAME);
}

static void different_papers_by_the_same_authors_are_different(void **state)
{
    (void)state;
    t_rec b = base;
    b.title = "Glutamine supplementation in critically ill patients receiving parenteral "
              "nutrition";
    b.pages = "301-310";
    assert_int_equal(t_score(&base, &b).verdict, EV_DEDUP_DIFFERENT);
}

static void initials_and_full_names_agree(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.authors = "Schuett, Susanne; Heywood, Charles A.; Kentridge, Robert W.";
    b.authors = "Schuett S; Heywood CA; Kentridge RW";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_AUTHORS_SAME);
}

static void cut_or_respelt_author_names_still_count(void **state)
{
    (void)state;
    t_rec a = base, b = base;
    a.authors = "Hiessl, Christina";
    b.authors = "Hiess, C.";
    ev_dedup_pair p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_AUTHORS_DIFFERENT);
    b.authors = "Kowalski, C.";
    p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_AUTHORS_DIFFERENT);
}

static void name_particles_and_month_volumes_do_not_split_a_pair(void **state)
{
    (void)state;
    /* sra_stroke id_0000573 / id_0000929 */
    t_rec a = {.title = "Visual scanning training for neglect after stroke with and without a "
                        "computerized lane tracking dual task",
               .authors = "van Kessel, M. E.; Geurts, A. C.; Brouwer, W. H.; Fasotti, L.",
               .journal = "Frontiers in Human Neuroscience", .volume = "7", .pages = "358",
               .year = 2013};
    t_rec b = a;
    b.authors = "Kessel, M. E.; Geurts, A. C. H.; Brouwer, W. H.; Fasotti, L.";
    b.volume = "(Jul)";
    b.pages = NULL;
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_AUTHORS_SAME);
    assert_false(p.reasons & EV_DEDUP_R_VOLUME_DIFFERENT);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

/* The pairs below are from the labelled sets (tests/fixtures/dedup/): each
 * is one publication by the set's ground truth (bib-dedupe's groups). */

static void journal_section_in_the_volume_field_still_agrees(void **state)
{
    (void)state;
    /* sra_haematology id_0000016 / id_0000017 */
    t_rec a = {.title = "Therapeutic potential of complement modulation",
               .authors = "Wagner, E.; Frank, M. M.", .journal = "Nature Reviews Drug Discovery",
               .volume = "9", .issue = "1", .pages = "43-56", .year = 2010};
    t_rec b = a;
    b.title = "Therapeutic potential of complement modulation.";
    b.journal = "Nature Reviews";
    b.volume = "Drug Discovery. 9";
    ev_dedup_pair p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_VOLUME_DIFFERENT);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

static void title_cut_mid_word_counts_as_truncated(void **state)
{
    (void)state;
    /* sra_haematology id_0000049 / id_0000050 */
    t_rec a = {.title = "Inherited complement regulatory protein deficiency predisposes to human "
                        "disease in acute injury and chronic inflammatory states",
               .authors = "Richards, A.; Kavanagh, D.; Atkinson, J. P.",
               .journal = "Advances in Immunology.", .volume = "96", .pages = "141-177",
               .year = 2007};
    t_rec b = a;
    b.title = "Inherited complement regulatory protein deficiency predisposes to human disease "
              "in acute injury and chronic inflammatory statesthe examples of vascular damage "
              "in atypical hemolytic uremic syndrome and";
    b.journal = "Advances in Immunology";
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.title_sim >= 0.95);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
}

static void names_written_given_first_still_count(void **state)
{
    (void)state;
    /* digital_work_wagner2021 id_1006604 / id_2006605 (booktitle as journal) */
    t_rec a = {.title = "\"We Don't Need no Education\" - Required Abilities in Online Labor "
                        "Markets",
               .authors = "Carignani, Andrea; Negri, Lorenzo",
               .journal = "International Conference on Information Systems", .pages = "1--15",
               .type = "inproceedings", .year = 2010};
    t_rec b = {.title = "We don't need no education: Required abilities in online labor markets",
               .authors = "Andrea, C.; Lorenzo, N.",
               .journal = "ICIS - Thirty First International Conference on Information Systems",
               .type = "inproceedings", .year = 2010};
    ev_dedup_pair p = t_score(&a, &b);
    assert_false(p.reasons & EV_DEDUP_R_AUTHORS_DIFFERENT);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    /* one swapped name is not enough: it could be anyone's */
    b.authors = "Andrea, C.";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void author_list_written_swapped_counts_as_same_authors(void **state)
{
    (void)state;
    /* digital_work_wagner2021 id_2006747 / id_4006752: one export wrote every
     * name given-first ("Xiaoguang, Wang"), the other family-first with
     * initials; nothing but title and year agrees besides */
    t_rec a = {.title = "Risk control and estimation of online services market segmentation",
               .authors = "Wang, X.; Wang, L.; Liu, J.",
               .doi = "10.1109/ICSSSM.2007.4280160", .type = "inproceedings", .year = 2007};
    t_rec b = {.title = "Risk control and estimation of online services market segmentation",
               .authors = "Xiaoguang, Wang; Yusheng, Wangliang; Junping, Liu",
               .pages = "448+", .type = "inproceedings", .year = 2007};
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_AUTHORS_SAME);
    assert_int_equal(p.verdict, EV_DEDUP_SAME);
    assert_int_equal(t_score(&b, &a).verdict, EV_DEDUP_SAME);
    /* the first author's initials must agree: "Wang, Y." is someone else */
    a.authors = "Wang, Y.; Wang, L.; Liu, J.";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

static void swapped_names_alone_never_merge(void **state)
{
    (void)state;
    /* the swapped list weighs what the same list in place weighs: with a
     * different title it is no merge */
    t_rec a = {.title = "Risk control and estimation of online services market segmentation",
               .authors = "Wang, X.; Liu, J.", .type = "inproceedings", .year = 2007};
    t_rec b = {.title = "Pricing strategies for cloud storage under demand uncertainty",
               .authors = "Xiaoguang, Wang; Junping, Liu", .type = "inproceedings",
               .year = 2007};
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_DIFFERENT);
    /* one name each, swapped: the same as one name in place (+6) */
    a.authors = "Chen, Wei";
    b.authors = "Wei, Chen";
    b.title = a.title;
    ev_dedup_pair p = t_score(&a, &b);
    assert_true(p.reasons & EV_DEDUP_R_AUTHORS_SAME);
}

static void proceedings_paper_exported_as_book_chapter_is_one_item(void **state)
{
    (void)state;
    /* digital_work_wagner2021 id_4007017 / id_2007018 */
    t_rec a = {.title = "Forensic Identification of Students Outsourcing Assignment Projects "
                        "from Freelancer.com",
               .authors = "Monnik, Michael; Pan, Lei",
               .journal = "APPLICATIONS AND TECHNIQUES IN INFORMATION SECURITY, ATIS 2014",
               .volume = "490", .pages = "183--190", .type = "inproceedings", .year = 2014};
    t_rec b = {.title = "Forensic identification of students outsourcing assignment projects "
                        "from freelancer.com",
               .authors = "Monnik, M.; Pan, L.",
               .journal = "Communications in Computer and Information Science", .volume = "490",
               .pages = "183--190", .doi = "10.1007/978-3-662-45670-5", .type = "incollection",
               .year = 2014};
    assert_int_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
    /* a one-page abstract and a multi-page chapter stay related */
    a.pages = "183";
    assert_int_not_equal(t_score(&a, &b).verdict, EV_DEDUP_SAME);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identical_records_merge),
        cmocka_unit_test(variants_of_one_record_merge),
        cmocka_unit_test(truncated_title_still_merges),
        cmocka_unit_test(title_in_two_languages_matches_either),
        cmocka_unit_test(two_translations_of_one_title_merge_at_one_place_in_print),
        cmocka_unit_test(title_and_its_translation_merge_at_one_place_in_print),
        cmocka_unit_test(erratum_listed_twice_in_two_citation_styles_merges),
        cmocka_unit_test(magazine_year_in_volume_field_is_no_volume),
        cmocka_unit_test(words_joined_before_a_title_make_another_title),
        cmocka_unit_test(abstract_numbered_in_one_source_and_paged_in_another_merges),
        cmocka_unit_test(located_item_with_print_and_epub_years_merges),
        cmocka_unit_test(volume_lost_and_fields_slid_left_still_agree),
        cmocka_unit_test(page_count_of_a_thesis_is_no_page),
        cmocka_unit_test(year_one_apart_is_tolerated_but_far_years_are_not),
        cmocka_unit_test(doi_conflict_is_related_never_merged),
        cmocka_unit_test(doi_written_as_url_or_encoded_is_the_same_doi),
        cmocka_unit_test(same_doi_with_different_titles_is_not_merged_unseen),
        cmocka_unit_test(pmid_conflict_is_related_never_merged),
        cmocka_unit_test(erratum_and_article_are_related),
        cmocka_unit_test(conference_abstract_and_paper_are_related),
        cmocka_unit_test(conference_label_in_journal_field_alone_is_not_a_different_kind),
        cmocka_unit_test(preprint_and_published_version_are_related),
        cmocka_unit_test(reply_with_the_same_title_is_not_merged),
        cmocka_unit_test(generic_titles_do_not_merge_on_title_alone),
        cmocka_unit_test(short_title_located_by_journal_volume_page_year_merges),
        cmocka_unit_test(a_column_repeated_in_every_issue_is_not_merged),
        cmocka_unit_test(records_without_title_never_merge_automatically),
        cmocka_unit_test(different_papers_by_the_same_authors_are_different),
        cmocka_unit_test(initials_and_full_names_agree),
        cmocka_unit_test(cut_or_respelt_author_names_still_count),
        cmocka_unit_test(name_particles_and_month_volumes_do_not_split_a_pair),
        cmocka_unit_test(journal_section_in_the_volume_field_still_agrees),
        cmocka_unit_test(title_cut_mid_word_counts_as_truncated),
        cmocka_unit_test(names_written_given_first_still_count),
        cmocka_unit_test(author_list_written_swapped_counts_as_same_authors),
        cmocka_unit_test(swapped_names_alone_never_merge),
        cmocka_unit_test(proceedings_paper_exported_as_book_chapter_is_one_item),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
