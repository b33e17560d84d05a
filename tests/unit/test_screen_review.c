/* test_screen_review.c - the screening workflow on a real review: blinding,
 * conflicts, adjudication (and who may adjudicate), stage progression,
 * reasons, re-decisions, all-or-nothing batches, agreement on a table with
 * a known kappa, PRISMA counts and the stopping rule's automation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evident/ev_screen.h"
#include "screen_fixture.h"

#define FIXTURE EV_SOURCE_DIR "/tests/fixtures/screen/antihistamines.csv"

typedef screen_fx fx;

static int setup(void **state)
{
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.reviewers = "alice, bob, carol";
    in.adjudicators = "carol,dan";
    in.owner = "olga";
    in.reasons = "wrong population,wrong intervention,wrong design";
    in.criteria = "P: adults with allergic rhinitis\nI: second-generation antihistamines";
    fx *f = screen_fx_open("screen-test", FIXTURE, &in);
    if (!f)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    screen_fx_close(*state);
    return 0;
}

static ev_status decide(fx *f, const char *who, ev_id id, ev_screen_decision d, const char *reason)
{
    ev_screen_decide_item it = {.record = id, .decision = d, .reason = reason};
    return ev_screen_decide(f->s, who, &it, 1, NULL, NULL);
}

static size_t visible(fx *f, ev_id id, const char *viewer)
{
    ev_screen_decision_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_decisions(f->s, id, viewer, &rows, &n, NULL), EV_OK);
    ev_screen_decisions_free(rows, n);
    return n;
}

static ev_screen_stage_summary stage_counts(fx *f, size_t stage)
{
    ev_screen_stage_summary *g = NULL, out;
    size_t n = 0;
    assert_int_equal(ev_screen_summary(f->s, &g, &n, NULL), EV_OK);
    assert_int_equal(n, 2);
    out = g[stage];
    out.reasons = NULL;
    ev_screen_summary_free(g, n);
    return out;
}

static void a_reviewer_does_not_see_the_other_decision_before_settlement(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "alice", 1, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(visible(f, 1, "alice"), 1);
    assert_int_equal(visible(f, 1, "bob"), 0);   /* blinded */
    assert_int_equal(visible(f, 1, "carol"), 0); /* reviewer and adjudicator: still blinded */
    assert_int_equal(visible(f, 1, "dan"), 0);   /* no conflict to adjudicate yet */
    assert_int_equal(decide(f, "bob", 1, EV_SCREEN_INCLUDE, NULL), EV_OK);
    /* agreement settles the record: now both see both */
    assert_int_equal(visible(f, 1, "alice"), 2);
    assert_int_equal(visible(f, 1, "bob"), 2);
    ev_screen_stage_summary ta = stage_counts(f, 0), ft = stage_counts(f, 1);
    assert_int_equal(ta.records, 310);
    assert_int_equal(ta.included, 1);
    assert_int_equal(ft.records, 1); /* moved on to full text */
}

static void disagreement_is_a_conflict_only_adjudicators_list(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "alice", 2, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 2, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    assert_int_equal(visible(f, 2, "bob"), 1); /* still blinded while in conflict */
    ev_screen_conflict *c = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_conflicts(f->s, "alice", &c, &n, &err), EV_EREFUSED);
    assert_int_equal(ev_screen_conflicts(f->s, "dan", &c, &n, NULL), EV_OK);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].record, 2);
    assert_string_equal(c[0].reviewers, "alice=include; bob=exclude");
    ev_screen_conflicts_free(c, n);
    assert_int_equal(visible(f, 2, "dan"), 2);
    /* a third reviewer cannot add a decision to a record that has its two */
    assert_int_equal(decide(f, "carol", 2, EV_SCREEN_EXCLUDE, NULL), EV_EREFUSED);
    assert_int_equal(stage_counts(f, 0).conflicts, 1);
}

static void an_adjudicator_who_screened_the_record_is_refused(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "carol", 3, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 3, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_settle(f->s, 3, NULL, EV_SCREEN_INCLUDE, NULL, "carol", &err),
                     EV_EREFUSED);
    assert_non_null(strstr(err.message, "cannot adjudicate"));
    assert_int_equal(ev_screen_settle(f->s, 3, NULL, EV_SCREEN_INCLUDE, NULL, "bob", NULL),
                     EV_EREFUSED); /* not an adjudicator at all */
    assert_int_equal(ev_screen_settle(f->s, 3, NULL, EV_SCREEN_EXCLUDE, NULL, "dan", NULL), EV_OK);
    assert_int_equal(ev_screen_settle(f->s, 3, "ta", EV_SCREEN_INCLUDE, NULL, "dan", NULL),
                     EV_EREFUSED); /* already settled */
    assert_int_equal(stage_counts(f, 0).excluded, 1);
    /* allowed by the setup, the same settle goes through */
    assert_int_equal(decide(f, "carol", 4, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "alice", 4, EV_SCREEN_MAYBE, NULL), EV_OK);
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.allow_self_adjudication = 1;
    assert_int_equal(ev_screen_setup(f->s, &in, "olga", NULL), EV_OK);
    assert_int_equal(ev_screen_settle(f->s, 4, NULL, EV_SCREEN_INCLUDE, NULL, "carol", NULL),
                     EV_OK);
}

static void full_text_exclusions_need_a_listed_reason(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "alice", 5, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 5, EV_SCREEN_INCLUDE, NULL), EV_OK);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(decide(f, "alice", 5, EV_SCREEN_EXCLUDE, NULL), EV_EREFUSED);
    ev_screen_decide_item it = {.record = 5, .decision = EV_SCREEN_EXCLUDE, .reason = "too old"};
    assert_int_equal(ev_screen_decide(f->s, "alice", &it, 1, NULL, &err), EV_EREFUSED);
    assert_non_null(strstr(err.message, "'too old'"));
    /* the PDF is hashed: sha256sum of the fixture README would change with
     * it, so compare with the core's hash of the same file */
    ev_screen_decide_item pdf = {.record = 5,
                                 .decision = EV_SCREEN_EXCLUDE,
                                 .reason = "wrong design",
                                 .fulltext_path = FIXTURE};
    assert_int_equal(ev_screen_decide(f->s, "alice", &pdf, 1, NULL, NULL), EV_OK);
    char *path = NULL, *sha = NULL, *url = NULL, want[65];
    assert_int_equal(ev_screen_fulltext(f->s, 5, &path, &sha, &url, NULL), EV_OK);
    assert_int_equal(ev_sha256_file(want, FIXTURE, NULL), EV_OK);
    assert_string_equal(path, FIXTURE);
    assert_string_equal(sha, want);
    assert_null(url);
    ev_free(path), ev_free(sha), ev_free(url);
    assert_int_equal(ev_screen_fulltext(f->s, 6, &path, &sha, &url, NULL), EV_ENOTFOUND);
    pdf.fulltext_path = EV_SOURCE_DIR "/tests/fixtures/screen/no-such.pdf";
    assert_int_equal(ev_screen_decide(f->s, "alice", &pdf, 1, NULL, NULL), EV_EINPUT);
    assert_int_equal(decide(f, "bob", 5, EV_SCREEN_EXCLUDE, "wrong population"), EV_OK);
    ev_screen_stage_summary *g = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_summary(f->s, &g, &n, NULL), EV_OK);
    assert_int_equal(g[1].excluded, 1);
    assert_string_equal(g[1].reasons, "wrong design=1"); /* the first reviewer's reason */
    ev_screen_summary_free(g, n);
    /* finished: no more decisions at any stage */
    assert_int_equal(decide(f, "carol", 5, EV_SCREEN_INCLUDE, NULL), EV_EREFUSED);
}

static void rule_3_asks_two_decisions_of_a_fixed_share(void **state)
{
    fx *f = *state;
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.rule = 3;
    in.dual_fraction = 0.3;
    assert_int_equal(ev_screen_setup(f->s, &in, "olga", NULL), EV_OK);
    ev_screen_decide_item items[310];
    for (int i = 0; i < 310; i++)
        items[i] = (ev_screen_decide_item){.record = i + 1, .decision = EV_SCREEN_EXCLUDE};
    assert_int_equal(ev_screen_decide(f->s, "alice", items, 310, NULL, NULL), EV_OK);
    ev_screen_stage_summary ta = stage_counts(f, 0);
    /* single-review records settle at once; the dual share waits for bob */
    assert_int_equal(ta.excluded + ta.pending, 310);
    assert_true(ta.pending > 0.2 * 310 && ta.pending < 0.4 * 310);
    assert_int_equal(ev_screen_decide(f->s, "bob", items, 310, NULL, NULL), EV_EREFUSED);
    size_t done = 0;
    for (int i = 0; i < 310; i++)
        if (ev_screen_decide(f->s, "bob", &items[i], 1, NULL, NULL) == EV_OK)
            done++;
    assert_int_equal(done, ta.pending);
    assert_int_equal(stage_counts(f, 0).excluded, 310);
}

static void deciding_again_replaces_the_first_decision(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "alice", 6, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "alice", 6, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    ev_screen_decision_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_decisions(f->s, 6, "alice", &rows, &n, NULL), EV_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].decision, EV_SCREEN_EXCLUDE);
    ev_screen_decisions_free(rows, n);
    assert_int_equal(decide(f, "bob", 6, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    assert_int_equal(stage_counts(f, 0).excluded, 1);
}

static void a_bad_item_leaves_the_whole_batch_unrecorded(void **state)
{
    fx *f = *state;
    ev_screen_decide_item items[] = {
        {.record = 7, .decision = EV_SCREEN_INCLUDE},
        {.record = 99999, .decision = EV_SCREEN_INCLUDE},
    };
    size_t bad = 0;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_decide(f->s, "alice", items, 2, &bad, &err), EV_ENOTFOUND);
    assert_int_equal(bad, 1);
    assert_non_null(strstr(err.message, "99999"));
    assert_int_equal(visible(f, 7, "alice"), 0);
    assert_int_equal(ev_screen_decide(f->s, "mallory", items, 1, NULL, NULL), EV_EREFUSED);
    assert_int_equal(visible(f, 7, "mallory"), 0);
}

static void agreement_of_the_textbook_table_is_kappa_0_4(void **state)
{
    fx *f = *state;
    /* records 101..150: 20 both include, 5 alice include / bob exclude,
     * 10 alice exclude / bob include, 15 both exclude (kappa 0.4) */
    ev_screen_decide_item a[50], b[50];
    for (int i = 0; i < 50; i++) {
        bool ai = i < 25, bi = i < 20 || (i >= 25 && i < 35);
        a[i] = (ev_screen_decide_item){.record = 101 + i, .decision = ai};
        b[i] = (ev_screen_decide_item){.record = 101 + i, .decision = bi};
    }
    assert_int_equal(ev_screen_decide(f->s, "alice", a, 50, NULL, NULL), EV_OK);
    assert_int_equal(ev_screen_decide(f->s, "bob", b, 50, NULL, NULL), EV_OK);
    ev_screen_pair_agreement *p = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_agreement_list(f->s, &p, &n, NULL), EV_OK);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].reviewer_a, "alice");
    assert_string_equal(p[0].stage, "ta");
    assert_int_equal(p[0].agreement.n, 50);
    assert_true(fabs(p[0].agreement.kappa - 0.4) < 1e-12);
    assert_true(fabs(p[0].agreement.pabak - 0.4) < 1e-12);
    ev_free(p);
    assert_int_equal(stage_counts(f, 0).conflicts, 15);
}

static void next_gives_an_undecided_record_and_ranks_by_the_model(void **state)
{
    fx *f = *state;
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.rule = 1;
    in.random_fraction = 0;
    assert_int_equal(ev_screen_setup(f->s, &in, "olga", NULL), EV_OK);
    ev_id id = 0;
    double score = 0;
    assert_int_equal(ev_screen_next(f->s, "alice", "ta", &id, &score, NULL), EV_OK);
    assert_true(id > 0);
    assert_true(isnan(score)); /* nothing settled yet: a random record */
    assert_int_equal(decide(f, "alice", 11, EV_SCREEN_INCLUDE, NULL), EV_OK); /* an included one */
    assert_int_equal(decide(f, "alice", 1, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    assert_int_equal(ev_screen_next(f->s, "alice", "ta", &id, &score, NULL), EV_OK);
    assert_true(id > 1 && id != 11);
    assert_false(isnan(score));
    assert_int_equal(ev_screen_next(f->s, "olga", "ta", &id, NULL, NULL), EV_EREFUSED);
}

static void the_stopping_rule_excludes_the_rest_by_automation(void **state)
{
    fx *f = *state;
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.rule = 1;
    assert_int_equal(ev_screen_setup(f->s, &in, "olga", NULL), EV_OK);
    ev_screen_decide_item items[20];
    for (int i = 0; i < 20; i++)
        items[i] = (ev_screen_decide_item){.record = 200 + i, .decision = i < 2};
    assert_int_equal(ev_screen_decide(f->s, "alice", items, 20, NULL, NULL), EV_OK);
    ev_screen_stop_result r;
    uint64_t n = 0;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_stop(f->s, "ta", "olga", 0.95, 0.95, false, &r, &n, &err),
                     EV_EREFUSED); /* 20 of 310 screened: go on */
    assert_non_null(strstr(err.message, "go on"));
    assert_int_equal(ev_screen_stop(f->s, "ta", "alice", 0.95, 0.95, true, &r, &n, NULL),
                     EV_EREFUSED); /* not the owner */
    assert_int_equal(ev_screen_stop(f->s, "ta", "olga", 0.95, 0.95, true, &r, &n, NULL), EV_OK);
    assert_int_equal(n, 290);
    ev_screen_stage_summary ta = stage_counts(f, 0);
    assert_int_equal(ta.automation, 290);
    assert_int_equal(ta.included, 2);
    assert_int_equal(ta.excluded, 18);
    assert_int_equal(ta.pending, 0);
    assert_int_equal(stage_counts(f, 1).records, 2);
    /* `evident stats` reads the same counts through a read-only store */
    ev_store *ro = NULL;
    assert_int_equal(ev_store_open(&ro, f->path, EV_STORE_READONLY, NULL), EV_OK);
    ev_screen_stage_summary *g = NULL;
    size_t k = 0;
    assert_int_equal(ev_screen_summary(ro, &g, &k, NULL), EV_OK);
    assert_int_equal(g[0].automation, 290);
    ev_screen_summary_free(g, k);
    ev_store_free(ro);
}

/* Counts worked out by hand: 310 records at title/abstract, two decisions
 * per record. Record 1 both include (settled, moves to full text), record 2
 * both exclude (settled), record 3 alice maybe (waits for a second
 * decision), record 4 alice include / bob exclude (a conflict: nobody's to
 * do). */
static void progress_per_reviewer_counts_decisions_and_what_is_left(void **state)
{
    fx *f = *state;
    assert_int_equal(decide(f, "alice", 1, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 1, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "alice", 2, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 2, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "alice", 3, EV_SCREEN_MAYBE, NULL), EV_OK);
    assert_int_equal(decide(f, "alice", 4, EV_SCREEN_INCLUDE, NULL), EV_OK);
    assert_int_equal(decide(f, "bob", 4, EV_SCREEN_EXCLUDE, NULL), EV_OK);
    ev_screen_reviewer_row *r = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_reviewer_progress(f->s, &r, &n, NULL), EV_OK);
    assert_int_equal(n, 6); /* 2 stages x alice, bob, carol (dan only adjudicates) */
    const char *who[] = {"alice", "bob", "carol"};
    const uint64_t want[3][5] = {/* decided, included, excluded, maybe, todo */
                                 {4, 2, 1, 1, 306},
                                 {3, 1, 2, 0, 307},
                                 {0, 0, 0, 0, 307}};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(r[i].stage, "ta");
        assert_string_equal(r[i].reviewer, who[i]);
        assert_int_equal(r[i].decided, want[i][0]);
        assert_int_equal(r[i].included, want[i][1]);
        assert_int_equal(r[i].excluded, want[i][2]);
        assert_int_equal(r[i].maybe, want[i][3]);
        assert_int_equal(r[i].todo, want[i][4]);
        assert_string_equal(r[3 + i].stage, "ft");
        assert_int_equal(r[3 + i].decided, 0);
        assert_int_equal(r[3 + i].todo, 1); /* record 1 */
    }
    ev_free(r);
}

static void a_review_without_setup_has_no_summary_and_is_left_alone(void **state)
{
    fx *f = *state;
    char path[400];
    snprintf(path, sizeof path, "%s/bare.evident", f->dir);
    ev_store *s = NULL;
    assert_int_equal(ev_store_create(&s, path, "bare", NULL), EV_OK);
    ev_store_free(s);
    assert_int_equal(ev_store_open(&s, path, EV_STORE_READONLY, NULL), EV_OK);
    ev_screen_stage_summary *g = NULL;
    size_t k = 0;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_summary(s, &g, &k, &err), EV_EUSAGE);
    assert_non_null(strstr(err.message, "no screening setup"));
    ev_store_free(s);
    const char *suffix[] = {"", "-wal", "-shm"};
    char p[420];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            a_reviewer_does_not_see_the_other_decision_before_settlement, setup, teardown),
        cmocka_unit_test_setup_teardown(disagreement_is_a_conflict_only_adjudicators_list, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_adjudicator_who_screened_the_record_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(full_text_exclusions_need_a_listed_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(deciding_again_replaces_the_first_decision, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rule_3_asks_two_decisions_of_a_fixed_share, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_bad_item_leaves_the_whole_batch_unrecorded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(agreement_of_the_textbook_table_is_kappa_0_4, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(next_gives_an_undecided_record_and_ranks_by_the_model,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_stopping_rule_excludes_the_rest_by_automation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(progress_per_reviewer_counts_decisions_and_what_is_left,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_review_without_setup_has_no_summary_and_is_left_alone,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
