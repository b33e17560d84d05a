/* test_screen_tally.c - next and queue from the cached, incrementally
 * refreshed tallies agree with a fresh read after everything that changes
 * them: decisions by others, a re-decision and an undo, adjudication (the
 * record moves on to full text), a write through a second store handle (as
 * another process would), and rows deleted behind the cache's back. The
 * reference for the candidates is an SQL query written here from the rules
 * (no outcome, not the viewer's, fewer decisions than the rule asks), the
 * reference for the pick is the same call after emptying the cache, and the
 * blinding is what ev_screen_decisions shows the viewer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
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
    in.reviewers = "alice,bob,carol";
    in.adjudicators = "adam";
    in.owner = "olga";
    in.rule = 2; /* dual review: blinding and conflicts matter */
    in.random_fraction = 0;
    in.reasons = "wrong population";
    fx *f = screen_fx_open("screen-tally", FIXTURE, &in);
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

static void decide_on(ev_store *s, const char *who, ev_id id, ev_screen_decision d)
{
    ev_screen_decide_item it = {.record = id, .decision = d, .reason = "wrong population"};
    assert_int_equal(ev_screen_decide(s, who, &it, 1, NULL, NULL), EV_OK);
}

/* The title-abstract candidates of `who` by the rules, straight from SQL. */
static size_t reference_queue(ev_store *s, const char *who, ev_id *out, size_t cap)
{
    ev_stmt *st = NULL;
    assert_int_equal(
        ev_stmt_prepare(s, &st,
                        "SELECT r.id FROM records r WHERE r.deleted = 0 AND NOT EXISTS"
                        " (SELECT 1 FROM screen_outcome o WHERE o.record_id = r.id AND"
                        " o.stage = 'ta') AND NOT EXISTS (SELECT 1 FROM screen_decision d WHERE"
                        " d.record_id = r.id AND d.stage = 'ta' AND d.current = 1 AND"
                        " d.reviewer = ?1) AND (SELECT count(*) FROM screen_decision d WHERE"
                        " d.record_id = r.id AND d.stage = 'ta' AND d.current = 1) < 2"
                        " ORDER BY r.id",
                        NULL),
        EV_OK);
    assert_int_equal(ev_stmt_bind_text(st, 1, who, strlen(who)), EV_OK);
    size_t n = 0;
    bool row = true;
    while (ev_stmt_step(st, &row, NULL) == EV_OK && row) {
        assert_true(n < cap);
        out[n++] = ev_stmt_int(st, 0);
    }
    ev_stmt_free(st);
    return n;
}

/* Number of other reviewers' decisions at `stage` `who` may see on `id`
 * (a stage already settled shows them). */
static size_t visible_others(ev_store *s, ev_id id, const char *stage, const char *who)
{
    ev_screen_decision_row *d = NULL;
    size_t n = 0, others = 0;
    assert_int_equal(ev_screen_decisions(s, id, who, &d, &n, NULL), EV_OK);
    for (size_t i = 0; i < n; i++)
        others +=
            d[i].reviewer && strcmp(d[i].reviewer, who) != 0 && strcmp(d[i].stage, stage) == 0;
    ev_screen_decisions_free(d, n);
    return others;
}

typedef struct pick {
    ev_id id;
    double score;
    ev_id *queue;
    size_t n;
    char stage[8];
} pick;

static pick pick_of(ev_store *s, const char *who, const char *stage)
{
    pick p = {.score = NAN};
    assert_int_equal(ev_screen_next(s, who, stage, &p.id, &p.score, NULL), EV_OK);
    assert_int_equal(ev_screen_queue(s, who, stage, &p.queue, &p.n, p.stage, NULL), EV_OK);
    return p;
}

static void assert_same_pick(const pick *a, const pick *b)
{
    assert_int_equal(a->id, b->id);
    assert_int_equal(isnan(a->score), isnan(b->score));
    if (!isnan(a->score))
        assert_float_equal(a->score, b->score, 1e-12);
    assert_string_equal(a->stage, b->stage);
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->queue, b->queue, a->n * sizeof *a->queue);
}

/* The cached answer for `who` (at `stage`, NULL: the first with work) is
 * the rules' queue and the pick of an empty cache; the pick is blinded. */
static void assert_agrees(ev_store *s, const char *who, const char *stage)
{
    pick warm = pick_of(s, who, stage);
    if (!stage || strcmp(stage, "ta") == 0) {
        ev_id ref[400];
        size_t n = reference_queue(s, who, ref, 400);
        assert_int_equal(warm.n, n);
        assert_memory_equal(warm.queue, ref, n * sizeof *ref);
    }
    if (warm.id)
        assert_int_equal(visible_others(s, warm.id, warm.stage, who), 0);
    ev_screen_cache_clear();
    pick cold = pick_of(s, who, stage);
    assert_same_pick(&warm, &cold);
    ev_free(warm.queue);
    ev_free(cold.queue);
}

/* Enough settled outcomes at title-abstract for the model to rank. */
static void settle_some(ev_store *s)
{
    for (ev_id id = 1; id <= 6; id++) {
        ev_screen_decision d = id % 3 == 0 ? EV_SCREEN_INCLUDE : EV_SCREEN_EXCLUDE;
        decide_on(s, "bob", id, d);
        decide_on(s, "carol", id, d);
    }
}

static void decisions_by_others_are_seen(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    assert_agrees(f->s, "alice", NULL);
    pick before = pick_of(f->s, "alice", NULL);
    /* bob and carol fill the records alice would be offered next */
    decide_on(f->s, "bob", before.id, EV_SCREEN_INCLUDE);
    decide_on(f->s, "carol", before.id, EV_SCREEN_INCLUDE); /* settled */
    decide_on(f->s, "bob", 20, EV_SCREEN_EXCLUDE);
    decide_on(f->s, "carol", 21, EV_SCREEN_EXCLUDE);
    pick after = pick_of(f->s, "alice", NULL);
    assert_int_equal(after.n, before.n - 1);
    assert_true(after.id != before.id);
    ev_free(before.queue);
    ev_free(after.queue);
    assert_agrees(f->s, "alice", NULL);
    assert_agrees(f->s, "bob", NULL);
}

static void a_redecision_and_an_undo_are_seen(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    decide_on(f->s, "alice", 30, EV_SCREEN_INCLUDE);
    assert_agrees(f->s, "bob", NULL);
    decide_on(f->s, "bob", 30, EV_SCREEN_INCLUDE); /* agreement: settled */
    ev_screen_cache_clear();
    assert_agrees(f->s, "carol", NULL);
    decide_on(f->s, "alice", 31, EV_SCREEN_INCLUDE);
    decide_on(f->s, "bob", 31, EV_SCREEN_EXCLUDE); /* conflict */
    assert_agrees(f->s, "carol", NULL);
    decide_on(f->s, "alice", 31, EV_SCREEN_MAYBE); /* re-decision: still a conflict */
    assert_agrees(f->s, "carol", NULL);
    decide_on(f->s, "alice", 31, EV_SCREEN_INCLUDE); /* the screener's undo */
    assert_agrees(f->s, "alice", NULL);
    assert_agrees(f->s, "carol", NULL);
    ev_screen_stage_summary *sum = NULL;
    size_t n = 0;
    assert_int_equal(ev_screen_summary(f->s, &sum, &n, NULL), EV_OK);
    assert_int_equal(sum[0].conflicts, 1);
    ev_screen_summary_free(sum, n);
}

static void adjudication_moves_the_record_on(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    decide_on(f->s, "alice", 40, EV_SCREEN_INCLUDE);
    decide_on(f->s, "bob", 40, EV_SCREEN_EXCLUDE);
    pick ft0 = pick_of(f->s, "carol", "ft");
    assert_agrees(f->s, "carol", NULL);
    assert_int_equal(visible_others(f->s, 40, "ta", "carol"), 0); /* blinded */
    assert_int_equal(visible_others(f->s, 40, "ta", "adam"), 2);  /* in conflict */
    assert_int_equal(ev_screen_settle(f->s, 40, NULL, EV_SCREEN_INCLUDE, NULL, "adam", NULL),
                     EV_OK);
    pick ft1 = pick_of(f->s, "carol", "ft");
    assert_int_equal(ft1.n, ft0.n + 1); /* 40 is at full text now */
    assert_agrees(f->s, "carol", "ft");
    assert_agrees(f->s, "carol", NULL);
    ev_free(ft0.queue);
    ev_free(ft1.queue);
}

static void a_second_handle_writing_is_seen(void **state)
{
    fx *f = *state;
    ev_store *other = NULL;
    settle_some(f->s);
    assert_agrees(f->s, "alice", NULL);
    pick before = pick_of(f->s, "alice", NULL);
    assert_int_equal(ev_store_open(&other, f->path, 0, NULL), EV_OK);
    decide_on(other, "bob", before.id, EV_SCREEN_EXCLUDE);
    decide_on(other, "carol", before.id, EV_SCREEN_EXCLUDE);
    decide_on(other, "bob", 50, EV_SCREEN_INCLUDE);
    decide_on(other, "bob", 50, EV_SCREEN_EXCLUDE); /* re-decided through the other handle */
    pick after = pick_of(f->s, "alice", NULL);
    assert_int_equal(after.n, before.n - 1);
    ev_free(before.queue);
    ev_free(after.queue);
    assert_agrees(f->s, "alice", NULL);
    assert_agrees(other, "carol", NULL);
    ev_store_free(other);
}

static void rows_deleted_behind_the_cache_are_seen(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    decide_on(f->s, "bob", 60, EV_SCREEN_INCLUDE);
    decide_on(f->s, "carol", 60, EV_SCREEN_INCLUDE);
    pick before = pick_of(f->s, "alice", NULL);
    /* no evident command deletes these rows; a hand edit may */
    assert_int_equal(ev_store_exec(f->s,
                                   "DELETE FROM screen_outcome WHERE record_id = 60;"
                                   "DELETE FROM screen_decision WHERE record_id = 60",
                                   NULL),
                     EV_OK);
    pick after = pick_of(f->s, "alice", NULL);
    assert_int_equal(after.n, before.n + 1);
    ev_free(before.queue);
    ev_free(after.queue);
    assert_agrees(f->s, "alice", NULL);
}

/* A caller's own transaction: what next reads inside it may be rolled
 * back, and the rows' ids are then used again by the next decisions. */
static void a_rolled_back_transaction_leaves_no_trace(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    assert_agrees(f->s, "alice", NULL);
    assert_int_equal(ev_store_begin(f->s, NULL), EV_OK);
    decide_on(f->s, "bob", 70, EV_SCREEN_INCLUDE);
    decide_on(f->s, "carol", 70, EV_SCREEN_INCLUDE);
    pick inside = pick_of(f->s, "alice", NULL);
    for (size_t i = 0; i < inside.n; i++)
        assert_true(inside.queue[i] != 70); /* settled, as this handle sees it */
    ev_free(inside.queue);
    ev_store_rollback(f->s);
    /* the same ids again, and as many rows as were rolled back */
    decide_on(f->s, "bob", 71, EV_SCREEN_EXCLUDE);
    decide_on(f->s, "carol", 71, EV_SCREEN_EXCLUDE);
    assert_agrees(f->s, "alice", NULL);
}

static void warming_gives_the_same_pick(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    pick cold = pick_of(f->s, "alice", NULL);
    ev_screen_cache_clear();
    assert_int_equal(ev_screen_cache_warm(f->s, NULL), EV_OK);
    pick warm = pick_of(f->s, "alice", NULL);
    assert_same_pick(&cold, &warm);
    ev_free(cold.queue);
    ev_free(warm.queue);
}

typedef struct worker {
    const char *path, *who;
    ev_id first;
    ev_status rc;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    ev_store *s = NULL;
    w->rc = ev_store_open(&s, w->path, 0, NULL);
    for (ev_id id = w->first; w->rc == EV_OK && id < w->first + 8; id++) {
        ev_screen_decide_item it = {.record = id, .decision = EV_SCREEN_EXCLUDE};
        ev_id next = 0;
        w->rc = ev_screen_decide(s, w->who, &it, 1, NULL, NULL);
        if (w->rc == EV_OK)
            w->rc = ev_screen_next(s, w->who, NULL, &next, NULL, NULL);
    }
    ev_store_free(s);
    return NULL;
}

/* The server's workers: each thread its own handle, deciding and asking
 * for the next record at once; the shared tallies end where a fresh read
 * is. */
static void threads_deciding_at_once_leave_it_right(void **state)
{
    fx *f = *state;
    settle_some(f->s);
    assert_agrees(f->s, "alice", NULL);
    const char *who[3] = {"alice", "bob", "carol"};
    worker w[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (worker){.path = f->path, .who = who[i], .first = 100 + 4 * i};
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].rc, EV_OK);
    }
    for (int i = 0; i < 3; i++)
        assert_agrees(f->s, who[i], NULL);
}

/* A review with screening set up and no records yet (a server started
 * before the first import): warming and next find nothing to do. */
static void an_empty_review_warms_and_has_no_next(void **state)
{
    (void)state;
    char dir[256], path[300];
    ev_store *s = NULL;
    assert_true(test_temp_review(dir, sizeof dir, path, sizeof path, "screen-empty"));
    assert_int_equal(ev_store_create(&s, path, "empty", NULL), EV_OK);
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.reviewers = "alice";
    assert_int_equal(ev_screen_setup(s, &in, "olga", NULL), EV_OK);
    assert_int_equal(ev_screen_cache_warm(s, NULL), EV_OK);
    ev_id id = 7;
    assert_int_equal(ev_screen_next(s, "alice", NULL, &id, NULL, NULL), EV_OK);
    assert_int_equal(id, 0);
    ev_store_free(s);
    test_remove_review(path);
    rmdir(dir);
    ev_screen_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(decisions_by_others_are_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(a_redecision_and_an_undo_are_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(adjudication_moves_the_record_on, setup, teardown),
        cmocka_unit_test_setup_teardown(a_second_handle_writing_is_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_deleted_behind_the_cache_are_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rolled_back_transaction_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(warming_gives_the_same_pick, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_deciding_at_once_leave_it_right, setup, teardown),
        cmocka_unit_test(an_empty_review_warms_and_has_no_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
