/* test_screen_next.c - `next` with the cached TF-IDF matrix: the same pick
 * and score as a fresh build, a new import (new texts, more records) is
 * seen at once, the queue is what `next` chooses from, the reasons come
 * back in their setup order, and threads with their own store handles
 * share the cache and agree. */
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
#define SMALL EV_SOURCE_DIR "/tests/fixtures/screen/small.csv"

typedef screen_fx fx;

static int setup(void **state)
{
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.reviewers = "alice";
    in.owner = "olga";
    in.rule = 1;
    in.random_fraction = 0;
    in.reasons = "wrong population,wrong design";
    fx *f = screen_fx_open("screen-next", FIXTURE, &in);
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

static void decide(fx *f, ev_id id, ev_screen_decision d)
{
    ev_screen_decide_item it = {.record = id, .decision = d};
    assert_int_equal(ev_screen_decide(f->s, "alice", &it, 1, NULL, NULL), EV_OK);
}

/* The pick with the cache as it is, then with it emptied (a fresh build). */
static void assert_cache_agrees(fx *f)
{
    ev_id a = 0, b = 0;
    double sa = NAN, sb = NAN;
    assert_int_equal(ev_screen_next(f->s, "alice", NULL, &a, &sa, NULL), EV_OK);
    ev_screen_cache_clear();
    assert_int_equal(ev_screen_next(f->s, "alice", NULL, &b, &sb, NULL), EV_OK);
    assert_true(a > 0);
    assert_int_equal(a, b);
    assert_true(isfinite(sa));
    assert_float_equal(sa, sb, 1e-12);
}

static void cached_next_picks_what_a_fresh_build_picks(void **state)
{
    fx *f = *state;
    decide(f, 1, EV_SCREEN_INCLUDE);
    decide(f, 2, EV_SCREEN_EXCLUDE);
    assert_cache_agrees(f);
    for (int k = 0; k < 5; k++) { /* decisions between calls: the matrix is reused */
        ev_id id = 0;
        assert_int_equal(ev_screen_next(f->s, "alice", NULL, &id, NULL, NULL), EV_OK);
        decide(f, id, k % 2 ? EV_SCREEN_INCLUDE : EV_SCREEN_EXCLUDE);
    }
    assert_cache_agrees(f);
}

static void an_import_is_seen_by_the_next_call(void **state)
{
    fx *f = *state;
    decide(f, 1, EV_SCREEN_INCLUDE);
    decide(f, 2, EV_SCREEN_EXCLUDE);
    ev_id id = 0;
    ev_id *q = NULL;
    size_t before = 0, after = 0;
    assert_int_equal(ev_screen_next(f->s, "alice", NULL, &id, NULL, NULL), EV_OK);
    assert_int_equal(ev_screen_queue(f->s, "alice", NULL, &q, &before, NULL, NULL), EV_OK);
    ev_free(q);
    ev_import_summary sum;
    assert_int_equal(ev_store_import_file(f->s, SMALL, NULL, NULL, NULL, NULL, NULL, &sum, NULL),
                     EV_OK);
    assert_int_equal(ev_screen_queue(f->s, "alice", NULL, &q, &after, NULL, NULL), EV_OK);
    ev_free(q);
    assert_true(after > before);
    /* a stale matrix would have fewer rows than the pool and disagree */
    assert_cache_agrees(f);
}

static void the_queue_is_what_next_chooses_from(void **state)
{
    fx *f = *state;
    ev_id *q = NULL, id = 0;
    size_t n0 = 0, n1 = 0;
    char stage[8] = "";
    assert_int_equal(ev_screen_queue(f->s, "alice", NULL, &q, &n0, stage, NULL), EV_OK);
    assert_string_equal(stage, "ta");
    assert_int_equal(n0, 310); /* the fixture's records: 311 lines less the header */
    ev_free(q);
    decide(f, 5, EV_SCREEN_EXCLUDE);
    assert_int_equal(ev_screen_next(f->s, "alice", NULL, &id, NULL, NULL), EV_OK);
    assert_int_equal(ev_screen_queue(f->s, "alice", NULL, &q, &n1, NULL, NULL), EV_OK);
    assert_int_equal(n1, n0 - 1);
    bool found = false;
    for (size_t i = 0; i < n1; i++) {
        assert_true(q[i] != 5);
        found |= q[i] == id;
    }
    assert_true(found);
    ev_free(q);
    assert_int_equal(ev_screen_queue(f->s, "nobody", NULL, &q, &n1, NULL, NULL), EV_EREFUSED);
}

static void reasons_come_back_in_setup_order(void **state)
{
    fx *f = *state;
    char *r = NULL;
    assert_int_equal(ev_screen_reasons(f->s, &r, NULL), EV_OK);
    assert_string_equal(r, "wrong population,wrong design");
    ev_free(r);
}

typedef struct worker {
    const char *path;
    ev_id id;
    double score;
    ev_status rc;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    ev_store *s = NULL;
    w->rc = ev_store_open(&s, w->path, 0, NULL);
    for (int k = 0; w->rc == EV_OK && k < 3; k++)
        w->rc = ev_screen_next(s, "alice", NULL, &w->id, &w->score, NULL);
    ev_store_free(s);
    return NULL;
}

/* The server's workers: each thread its own store handle, all missing the
 * cache together, then sharing the matrix and its ranker. */
static void threads_sharing_the_cache_agree(void **state)
{
    fx *f = *state;
    decide(f, 1, EV_SCREEN_INCLUDE);
    decide(f, 2, EV_SCREEN_EXCLUDE);
    ev_id want = 0;
    double want_score = NAN;
    assert_int_equal(ev_screen_next(f->s, "alice", NULL, &want, &want_score, NULL), EV_OK);
    ev_screen_cache_clear();
    worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){.path = f->path};
        assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].rc, EV_OK);
        assert_int_equal(w[i].id, want);
        assert_float_equal(w[i].score, want_score, 1e-9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(cached_next_picks_what_a_fresh_build_picks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_import_is_seen_by_the_next_call, setup, teardown),
        cmocka_unit_test_setup_teardown(the_queue_is_what_next_chooses_from, setup, teardown),
        cmocka_unit_test_setup_teardown(reasons_come_back_in_setup_order, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_sharing_the_cache_agree, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
