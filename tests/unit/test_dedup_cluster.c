/* test_dedup_cluster.c - cluster invariants (no two DOIs or PMIDs in one
 * cluster, kept = most complete), incremental runs, the evaluation
 * arithmetic of ANCHORS.md, and bad input that must not blow up. */
#include "test_dedup_util.h"

static ev_dedup *new_engine(void)
{
    ev_dedup *d;
    assert_int_equal(ev_dedup_new(&d, NULL, NULL), EV_OK);
    return d;
}

static void chain_through_a_record_without_doi_cannot_join_two_dois(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    size_t a = t_add(d, &(t_rec){.title = "A", .doi = "10.1000/aaa"});
    size_t m = t_add(d, &(t_rec){.title = "M"});
    size_t b = t_add(d, &(t_rec){.title = "B", .doi = "10.1000/bbb"});
    ev_dedup_link links[] = {{a, m}, {m, b}};
    size_t cl[3], refused = 0;
    assert_int_equal(ev_dedup_cluster(d, links, 2, cl, &refused, NULL), EV_OK);
    assert_int_equal(refused, 1);
    assert_int_equal(cl[a], cl[m]);
    assert_int_not_equal(cl[a], cl[b]);
    ev_dedup_free(d);
}

static void pmid_clash_is_refused_too(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    size_t a = t_add(d, &(t_rec){.title = "A", .pmid = "1"});
    size_t b = t_add(d, &(t_rec){.title = "A", .pmid = "2"});
    ev_dedup_link links[] = {{a, b}};
    size_t cl[2], refused = 0;
    assert_int_equal(ev_dedup_cluster(d, links, 1, cl, &refused, NULL), EV_OK);
    assert_int_equal(refused, 1);
    assert_int_equal(cl[a], a);
    assert_int_equal(cl[b], b);
    ev_dedup_free(d);
}

static void kept_record_is_the_most_complete(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    size_t a = t_add(d, &(t_rec){.title = "Trial of X in Y", .year = 2001});
    size_t b = t_add(d, &(t_rec){.title = "Trial of X in Y", .year = 2001, .doi = "10.1000/xxx",
                                 .journal = "BMJ", .volume = "3", .pages = "1-9"});
    size_t c = t_add(d, &(t_rec){.title = "Trial of X in Y", .journal = "BMJ"});
    ev_dedup_link links[] = {{a, c}, {c, b}};
    size_t cl[3];
    assert_int_equal(ev_dedup_cluster(d, links, 2, cl, NULL, NULL), EV_OK);
    assert_int_equal(cl[a], b);
    assert_int_equal(cl[b], b);
    assert_int_equal(cl[c], b);
    ev_dedup_free(d);
}

static void out_of_range_link_is_a_usage_error(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    t_add(d, &(t_rec){.title = "A"});
    ev_dedup_link links[] = {{0, 7}};
    size_t cl[1];
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_dedup_cluster(d, links, 1, cl, NULL, &err), EV_EUSAGE);
    ev_dedup_free(d);
}

static void evaluation_follows_the_anchors_convention(void **state)
{
    (void)state;
    /* truth: {0,1,2} one paper, {3} alone, {4,5} one paper, {6} alone.
     * tool:  keeps 0 and 1 (2 -> 0), removes 3 into 6's cluster,
     *        merges 4 and 5 both into 6 (a wrong group: none of 4,5 kept). */
    size_t truth[] = {0, 0, 0, 3, 4, 4, 6};
    size_t cl[] = {0, 1, 0, 6, 6, 6, 6};
    ev_dedup_eval e;
    assert_int_equal(ev_dedup_evaluate(truth, cl, 7, &e), EV_OK);
    /* group {0,1,2}: m=2 -> TN 1, FN 1, TP 1; {3}: removed -> FP 1;
     * {4,5}: m=0 -> FP 1, TP 1; {6}: kept -> TN 1. */
    assert_int_equal(e.tp, 2);
    assert_int_equal(e.fn, 1);
    assert_int_equal(e.tn, 2);
    assert_int_equal(e.fp, 2);
    assert_int_equal(e.groups, 4);
    assert_int_equal(e.true_duplicates, 3);
    assert_int_equal(e.removed, 4);
}

static void incremental_run_skips_pairs_of_old_records(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    t_rec t = {.title = "Perioperative nutritional support in hepatectomy for carcinoma",
               .authors = "Ziegler, T", .year = 1996, .journal = "JPEN", .volume = "20",
               .pages = "91-92"};
    ev_record *r = t_make(&t);
    assert_int_equal(ev_dedup_add(d, r, 1, false, NULL), EV_OK);
    assert_int_equal(ev_dedup_add(d, r, 1, false, NULL), EV_OK);
    assert_int_equal(ev_dedup_find_pairs(d, NULL, NULL, NULL), EV_OK);
    size_t n;
    ev_dedup_pairs(d, &n);
    assert_int_equal(n, 0);
    assert_int_equal(ev_dedup_add(d, r, 2, true, NULL), EV_OK);
    assert_int_equal(ev_dedup_find_pairs(d, NULL, NULL, NULL), EV_OK);
    const ev_dedup_pair *p = ev_dedup_pairs(d, &n);
    assert_int_equal(n, 2); /* new record 2 against 0 and 1, not 0 against 1 */
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i].b, 2);
    ev_record_free(r);
    ev_dedup_free(d);
}

static void many_identical_generic_titles_stay_linear_and_unmerged(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    enum { N = 3000 };
    char year[8];
    for (int i = 0; i < N; i++) {
        snprintf(year, sizeof year, "%d", 1990 + i % 30);
        t_add(d, &(t_rec){.title = i % 3 ? "Editorial" : i % 2 ? "Reply" : "Erratum",
                          .journal = i % 2 ? "Lancet" : "BMJ", .year = 1990 + i % 30});
    }
    assert_int_equal(ev_dedup_find_pairs(d, NULL, NULL, NULL), EV_OK);
    /* six keys, each record meets at most `window` successors per key */
    assert_true(ev_dedup_candidates(d) <= (uint64_t)N * 6 * 10);
    size_t n, *cl = calloc(N, sizeof *cl);
    const ev_dedup_pair *p = ev_dedup_pairs(d, &n);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(p[i].verdict, EV_DEDUP_SAME);
    assert_int_equal(ev_dedup_cluster_auto(d, cl, NULL, NULL), EV_OK);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(cl[i], i);
    free(cl);
    ev_dedup_free(d);
}

static void thousand_author_lists_and_odd_records_are_handled(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    ev_record *big = ev_record_new();
    assert_int_equal(ev_record_set(big, &big->title, "Genome-wide association study of X",
                                   34), EV_OK);
    char name[32];
    for (int i = 0; i < 1000; i++) {
        ev_author *a;
        assert_int_equal(ev_record_add_author(big, &a), EV_OK);
        snprintf(name, sizeof name, "Author%d, A", i);
        assert_int_equal(ev_record_author_from_name(big, a, name, strlen(name)), EV_OK);
    }
    assert_int_equal(ev_dedup_add(d, big, 1, true, NULL), EV_OK);
    assert_int_equal(ev_dedup_add(d, big, 2, true, NULL), EV_OK);
    ev_record_free(big);
    t_add(d, &(t_rec){0});                           /* empty record */
    t_add(d, &(t_rec){.doi = "10.5/only-a-doi"});    /* only a DOI */
    t_add(d, &(t_rec){.title = "Asthma"});           /* one-word title */
    t_add(d, &(t_rec){.title = "NA", .journal = "NA", .volume = "NA"});
    assert_int_equal(ev_dedup_find_pairs(d, NULL, NULL, NULL), EV_OK);
    size_t n;
    const ev_dedup_pair *p = ev_dedup_pairs(d, &n);
    for (size_t i = 0; i < n; i++)
        if (p[i].verdict == EV_DEDUP_SAME)
            assert_true(p[i].a == 0 && p[i].b == 1);
    ev_dedup_free(d);
}

static bool cancel_now(uint64_t done, uint64_t total, void *payload)
{
    (void)done;
    (void)total;
    (void)payload;
    return false;
}

static void progress_callback_can_cancel(void **state)
{
    (void)state;
    ev_dedup *d = new_engine();
    t_add(d, &(t_rec){.title = "A title of some length"});
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_dedup_find_pairs(d, cancel_now, NULL, &err), EV_ECANCEL);
    ev_dedup_free(d);
}

static void bad_configuration_is_refused(void **state)
{
    (void)state;
    ev_dedup *d = NULL;
    ev_dedup_config c = EV_DEDUP_CONFIG_INIT;
    c.review = c.auto_merge + 1;
    assert_int_equal(ev_dedup_new(&d, &c, NULL), EV_EUSAGE);
    assert_null(d);
    c = (ev_dedup_config)EV_DEDUP_CONFIG_INIT;
    c.window = 0;
    assert_int_equal(ev_dedup_new(&d, &c, NULL), EV_EUSAGE);
}

static void engine_leaks_nothing(void **state)
{
    (void)state;
    long before = ev_alloc_live();
    ev_dedup *d = new_engine();
    t_add(d, &(t_rec){.title = "A title", .authors = "Smith, J; Doe, J", .doi = "10.1/q"});
    t_add(d, &(t_rec){.title = "A title", .authors = "Smith, J; Doe, J"});
    assert_int_equal(ev_dedup_find_pairs(d, NULL, NULL, NULL), EV_OK);
    ev_dedup_free(d);
    assert_int_equal(ev_alloc_live(), before);
}

static const char *prov_of(const ev_dedup_provenance *p, size_t n, const char *field,
                           size_t *member)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].field, field) == 0) {
            *member = p[i].member;
            return field;
        }
    return NULL;
}

static void merge_fills_gaps_and_records_provenance(void **state)
{
    (void)state;
    ev_record *a = t_make(&(t_rec){.title = "Trial of X", .journal = "BMJ", .year = 2001,
                                   .authors = "Smith, John"});
    ev_record *b = t_make(&(t_rec){.title = "TRIAL OF X.", .doi = "10.1136/bmj.1234",
                                   .pages = "1-9", .volume = "323"});
    const ev_record *m[] = {a, b};
    ev_record *out = NULL;
    ev_dedup_provenance prov[EV_DEDUP_MERGE_FIELDS];
    size_t n = 0, who = 99;
    assert_int_equal(ev_dedup_merge(&out, m, 2, 0, prov, &n, NULL), EV_OK);
    assert_string_equal(out->title, "Trial of X");
    assert_string_equal(out->doi, "10.1136/bmj.1234");
    assert_string_equal(out->pages, "1-9");
    assert_int_equal(out->pub_date.year, 2001);
    assert_int_equal(out->n_authors, 1);
    assert_non_null(prov_of(prov, n, "doi", &who));
    assert_int_equal(who, 1);
    assert_non_null(prov_of(prov, n, "title", &who));
    assert_int_equal(who, 0);
    assert_null(prov_of(prov, n, "pmid", &who));
    ev_record *bad = NULL;
    assert_int_equal(ev_dedup_merge(&bad, m, 2, 2, prov, &n, NULL), EV_EUSAGE);
    ev_record_free(out);
    ev_record_free(a);
    ev_record_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_through_a_record_without_doi_cannot_join_two_dois),
        cmocka_unit_test(pmid_clash_is_refused_too),
        cmocka_unit_test(kept_record_is_the_most_complete),
        cmocka_unit_test(out_of_range_link_is_a_usage_error),
        cmocka_unit_test(evaluation_follows_the_anchors_convention),
        cmocka_unit_test(incremental_run_skips_pairs_of_old_records),
        cmocka_unit_test(many_identical_generic_titles_stay_linear_and_unmerged),
        cmocka_unit_test(thousand_author_lists_and_odd_records_are_handled),
        cmocka_unit_test(progress_callback_can_cancel),
        cmocka_unit_test(bad_configuration_is_refused),
        cmocka_unit_test(engine_leaks_nothing),
        cmocka_unit_test(merge_fills_gaps_and_records_provenance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
