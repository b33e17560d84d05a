/* test_dedup_review.c - the review layer on a real review file: a run's
 * counts, a decision refused because it would join two DOIs (and leaving
 * the review as it was), undo, and the audit log. */
#include "test_dedup_util.h"
#include "test_util.h"

#include <stdio.h>
#include <unistd.h>

typedef struct fixture {
    char path[256];
    ev_store *s;
} fixture;

static int setup(void **state)
{
    static fixture f;
    snprintf(f.path, sizeof f.path, "/tmp/test_dedup_review_%d.evident", (int)getpid());
    unlink(f.path);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&f.s, f.path, "dedup review test", &err), EV_OK);
    char csv[512];
    snprintf(csv, sizeof csv, "%s/tests/fixtures/dedup/e2e/clash.csv", EV_SOURCE_DIR);
    ev_import_info info = {.source = "Embase"};
    ev_import_summary sum;
    assert_int_equal(ev_store_import_file(f.s, csv, &info, NULL, NULL, NULL, NULL, &sum, &err),
                     EV_OK);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ev_store_free(f->s);
    test_remove_review(f->path);
    return 0;
}

static int64_t count(ev_store *s, const char *sql)
{
    ev_stmt *st = NULL;
    bool row = false;
    assert_int_equal(ev_stmt_prepare(s, &st, sql, NULL), EV_OK);
    assert_int_equal(ev_stmt_step(st, &row, NULL), EV_OK);
    int64_t n = row ? ev_stmt_int(st, 0) : -1;
    ev_stmt_free(st);
    return n;
}

static void two_dois_never_share_a_cluster_even_by_decision(void **state)
{
    fixture *f = *state;
    ev_dedup_summary sum;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_dedup_review_run(f->s, NULL, false, NULL, NULL, &sum, &err), EV_OK);
    /* the record without DOI joins one of the two; the DOIs stay apart */
    assert_int_equal(sum.records, 3);
    assert_int_equal(sum.merged, 1);
    assert_int_equal(sum.n_sources, 1);
    assert_int_equal(sum.sources[0].records, 3);
    assert_int_equal(sum.sources[0].removed, 1);
    ev_dedup_summary_release(&sum);
    int64_t clash = count(f->s, "SELECT id FROM dedup_pairs WHERE a = 1 AND b = 2");
    assert_true(clash > 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM dedup_pairs WHERE a = 1 AND b = 2 "
                                 "AND status = 'related'"),
                     1);
    int64_t audit_before = count(f->s, "SELECT count(*) FROM audit");
    ev_error_clear(&err);
    assert_int_equal(ev_dedup_review_decide(f->s, clash, true, "tester", &err), EV_EREFUSED);
    /* refused: nothing changed, nothing logged */
    assert_int_equal(count(f->s, "SELECT count(*) FROM dedup_pairs WHERE status = 'same'"), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit"), audit_before);
}

static void undo_splits_and_deciding_same_rejoins(void **state)
{
    fixture *f = *state;
    ev_error err = EV_ERROR_INIT;
    int64_t kept = count(f->s, "SELECT cluster FROM dedup_members LIMIT 1");
    assert_true(kept > 0);
    assert_int_equal(ev_dedup_review_undo(f->s, kept, "tester", &err), EV_OK);
    assert_int_equal(count(f->s, "SELECT count(*) FROM dedup_members"), 0);
    assert_int_equal(ev_dedup_review_undo(f->s, kept, "tester", &err), EV_ENOTFOUND);
    int64_t pair = count(f->s, "SELECT id FROM dedup_pairs WHERE status = 'different' LIMIT 1");
    ev_error_clear(&err);
    assert_int_equal(ev_dedup_review_decide(f->s, pair, true, "tester", &err), EV_OK);
    assert_int_equal(count(f->s, "SELECT count(*) FROM dedup_members"), 2);
    ev_id k = 0;
    assert_int_equal(ev_dedup_review_kept(f->s, 3, &k, &err), EV_OK);
    assert_true(k == 1 || k == 2);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit WHERE action = 'dedup.undo' AND "
                                 "actor = 'tester'"),
                     1);
    assert_int_equal(count(f->s, "SELECT count(*) FROM audit WHERE action = 'dedup.same'"), 1);
    ev_dedup_summary sum;
    assert_int_equal(ev_dedup_review_summary(f->s, &sum, &err), EV_OK);
    assert_int_equal(sum.merged, 1);
    assert_int_equal(sum.decided, 2); /* the undone pair and the re-joined one */
    ev_dedup_summary_release(&sum);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_dois_never_share_a_cluster_even_by_decision),
        cmocka_unit_test(undo_splits_and_deciding_same_rejoins),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
