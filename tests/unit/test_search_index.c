/* test_search_index.c - index rules on records built in the test: one key
 * per PMID (A12.2), W-WILDMANY above 600 expansions (A4.6), affiliation
 * proximity inside one affiliation (A13.2), DOI prefixes, invalid authors
 * (A8.4), [1au]/[lastau], out-of-order ids, allocation failure. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_search.h"

static ev_record *rec(const char *pmid, const char *title)
{
    ev_record *r = ev_record_new();
    assert_non_null(r);
    if (pmid)
        assert_int_equal(ev_record_set(r, &r->pmid, pmid, strlen(pmid)), EV_OK);
    assert_int_equal(ev_record_set(r, &r->title, title, strlen(title)), EV_OK);
    return r;
}

static void add(ev_search_index *ix, ev_id id, ev_record *r)
{
    assert_int_equal(ev_search_index_add(ix, id, r), EV_OK);
    ev_record_free(r);
}

static const ev_search_result *run(ev_search_session *s, const char *q)
{
    const ev_search_result *r = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_search_run(s, q, &r, &err) != EV_OK)
        fail_msg("'%s': %s", q, err.message);
    return r;
}

static bool has_code(const ev_search_result *r, const char *code)
{
    for (size_t i = 0; i < r->n_notes; i++)
        if (strcmp(r->notes[i].code, code) == 0)
            return true;
    return false;
}

static void same_pmid_counts_once(void **state)
{
    (void)state;
    ev_search_index *ix = NULL;
    assert_int_equal(ev_search_index_new(&ix, NULL), EV_OK);
    add(ix, 10, rec("123", "Ankle sprain"));
    add(ix, 11, rec(NULL, "Ankle fracture"));
    add(ix, 12, rec("123", "Ankle sprain in runners"));
    add(ix, 13, rec(NULL, "Ankle fracture"));
    assert_int_equal(ev_search_index_docs(ix), 3);
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    const ev_search_result *r = run(s, "runners[ti]");
    assert_int_equal(r->count, 1);
    assert_int_equal(r->ids[0], 10); /* the first record holding the PMID */
    r = run(s, "ankle[ti]");
    assert_int_equal(r->count, 3);
    ev_search_session_free(s);
    assert_int_equal(ev_search_index_add(ix, 5, NULL), EV_EUSAGE); /* ids go up */
    ev_search_index_free(ix);
}

static void wildcard_over_600_terms_warns(void **state)
{
    (void)state;
    ev_search_index *ix = NULL;
    assert_int_equal(ev_search_index_new(&ix, NULL), EV_OK);
    char title[64];
    for (int i = 0; i < 700; i++) {
        snprintf(title, sizeof title, "zeta%d of the study", i);
        add(ix, i + 1, rec(NULL, title));
    }
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    const ev_search_result *r = run(s, "zeta*[tiab]");
    assert_int_equal(r->count, 700);
    assert_true(has_code(r, "W-WILDMANY"));
    r = run(s, "zeta1*[tiab]"); /* zeta1, zeta10-19, zeta100-199: 111 terms */
    assert_int_equal(r->count, 111);
    assert_false(has_code(r, "W-WILDMANY"));
    ev_search_session_free(s);
    ev_search_index_free(ix);
}

static void affiliation_proximity_stays_in_one_affiliation(void **state)
{
    (void)state;
    ev_search_index *ix = NULL;
    assert_int_equal(ev_search_index_new(&ix, NULL), EV_OK);
    ev_record *r = rec("1", "A study");
    ev_author *a;
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_set(r, &a->family, "Smith", 5), EV_OK);
    assert_int_equal(ev_record_set(r, &a->initials, "JA", 2), EV_OK);
    assert_int_equal(ev_record_push_str(r, &a->affiliations, &a->n_affiliations,
                                        "Department of Orthopaedics, Boston", 34),
                     EV_OK);
    assert_int_equal(ev_record_push_str(r, &a->affiliations, &a->n_affiliations,
                                        "Harvard Medical School", 22),
                     EV_OK);
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_set(r, &a->family, "Jones", 5), EV_OK);
    assert_int_equal(ev_record_set(r, &a->initials, "B", 1), EV_OK);
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_set(r, &a->family, "Ghost", 5), EV_OK);
    a->invalid = true;
    assert_int_equal(ev_record_set(r, &r->doi, "10.1000/xyz.1", 13), EV_OK);
    add(ix, 1, r);
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    assert_int_equal(run(s, "\"boston harvard\"[ad:~5]")->count, 0);
    assert_int_equal(run(s, "\"boston orthopaedics\"[ad:~1]")->count, 1);
    assert_int_equal(run(s, "\"boston department\"[ad:~1]")->count, 0);
    assert_int_equal(run(s, "\"boston department\"[ad:~2]")->count, 1);
    assert_int_equal(run(s, "\"department boston orthopaedics\"[ad:~1]")->count, 1);
    assert_int_equal(run(s, "ghost[au]")->count, 0);     /* ValidYN=N */
    assert_int_equal(run(s, "smith ja[1au]")->count, 1);
    assert_int_equal(run(s, "jones b[lastau]")->count, 1); /* Ghost is invalid */
    assert_int_equal(run(s, "smith[lastau]")->count, 0);
    assert_int_equal(run(s, "https://doi.org/10.1000/XYZ.1[doi]")->count, 1);
    assert_int_equal(run(s, "10.1000/xyz.1[aid]")->count, 1);
    assert_int_equal(run(s, "10.1000/xyz[doi]")->count, 0);
    ev_search_session_free(s);
    ev_search_index_free(ix);
}

static void mesh_without_vocabulary_warns(void **state)
{
    (void)state;
    ev_search_index *ix = NULL;
    assert_int_equal(ev_search_index_new(&ix, NULL), EV_OK);
    ev_record *r = rec("1", "x");
    ev_mesh_heading *h;
    assert_int_equal(ev_record_add_mesh(r, &h), EV_OK);
    assert_int_equal(ev_record_set(r, &h->name, "Ankle Injuries", 14), EV_OK);
    add(ix, 1, r);
    add(ix, 2, rec("2", "y"));
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    const ev_search_result *res = run(s, "ankle injuries[mh]");
    assert_int_equal(res->count, 1);
    assert_true(has_code(res, "W-NOVOCAB"));
    assert_true(has_code(res, "W-NOMESH"));
    assert_int_equal(ev_search_index_docs_without_mesh(ix), 1);
    ev_search_session_free(s);
    ev_search_index_free(ix);
}

static void out_of_memory_leaves_history_unchanged(void **state)
{
    (void)state;
    ev_search_index *ix = NULL;
    assert_int_equal(ev_search_index_new(&ix, NULL), EV_OK);
    add(ix, 1, rec("1", "Ankle sprain and ankle fracture"));
    add(ix, 2, rec("2", "Knee sprain"));
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    assert_int_equal(run(s, "ankle[ti]")->count, 1); /* the history has room now */
    long live = ev_alloc_live();
    size_t failures = 0;
    for (size_t n = 1; n < 200; n++) {
        ev_alloc_fail_after(n, false);
        const ev_search_result *r = NULL;
        ev_error err = EV_ERROR_INIT;
        ev_status st = ev_search_run(s, "(sprain*[ti] OR \"ankle fracture\"[ti]) NOT knee[ti]",
                                     &r, &err);
        ev_alloc_fail_after(0, false);
        size_t nh;
        ev_search_history(s, &nh);
        if (st == EV_OK) {
            assert_int_equal(r->count, 1);
            break;
        }
        assert_int_equal(st, EV_ENOMEM);
        assert_int_equal(nh, 1);
        if (ev_alloc_live() != live)
            fail_msg("allocation %zu failed: %ld blocks leaked", n, ev_alloc_live() - live);
        failures++;
    }
    assert_true(failures > 5);
    ev_search_session_free(s);
    ev_search_index_free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_pmid_counts_once),
        cmocka_unit_test(wildcard_over_600_terms_warns),
        cmocka_unit_test(affiliation_proximity_stays_in_one_affiliation),
        cmocka_unit_test(mesh_without_vocabulary_warns),
        cmocka_unit_test(out_of_memory_leaves_history_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
