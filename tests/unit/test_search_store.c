/* test_search_store.c - the index over a real review: built from the store,
 * cached in the review, reloaded when nothing changed, rebuilt after an
 * import; a strategy run saved as the documented search of a source. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_search.h"
#include "evident/ev_store.h"
#include "test_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/search/"

static ev_store *review(const char *path)
{
    ev_store *st = NULL;
    ev_error err = EV_ERROR_INIT;
    remove(path);
    assert_int_equal(ev_store_create(&st, path, "search test", &err), EV_OK);
    ev_import_info info = {.source = "PubMed"};
    ev_import_summary sum;
    if (ev_store_import_file(st, FIX "seed_records.nbib", &info, NULL, NULL, NULL, NULL, &sum,
                             &err) != EV_OK)
        fail_msg("%s", err.message);
    return st;
}

static size_t strategy_last(ev_search_index *ix, ev_search_session **keep)
{
    ev_search_session *s = NULL;
    ev_error err = EV_ERROR_INIT;
    FILE *f = fopen(FIX "seed_strategy.txt", "rb");
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    if (ev_search_run_strategy(s, "seed", text, &err) != EV_OK)
        fail_msg("%s", err.message);
    size_t nh;
    const ev_search_result *h = ev_search_history(s, &nh);
    size_t last = h[nh - 1].count;
    if (keep)
        *keep = s;
    else
        ev_search_session_free(s);
    return last;
}

static void cached_index_gives_the_same_results(void **state)
{
    (void)state;
    char path[] = "/tmp/ev_search_store_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ev_store *st = review(path);
    ev_mesh *mesh = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_mesh_load(&mesh, EV_SOURCE_DIR "/data/mesh/mesh2024.tsv", &err), EV_OK);
    ev_search_index *ix = NULL;
    bool cached = true;
    assert_int_equal(ev_search_index_open(&ix, st, mesh, "bundled", true, NULL, NULL, &cached,
                                          &err), EV_OK);
    assert_false(cached);
    assert_int_equal(strategy_last(ix, NULL), 7); /* README hand count */
    ev_search_index_free(ix);
    assert_int_equal(ev_search_index_open(&ix, st, mesh, "bundled", true, NULL, NULL, &cached,
                                          &err), EV_OK);
    assert_true(cached);
    assert_int_equal(ev_search_index_docs(ix), 12);
    ev_search_session *s = NULL;
    assert_int_equal(strategy_last(ix, &s), 7);
    /* saving the run does not invalidate the cache (its audit row is ours) */
    ev_id run = 0;
    assert_int_equal(ev_search_save(st, s, "PubMed", "strategy text", &run, &err), EV_OK);
    assert_int_equal(run, 1);
    ev_search_session_free(s);
    ev_search_index_free(ix);
    assert_int_equal(ev_search_index_open(&ix, st, mesh, "bundled", true, NULL, NULL, &cached,
                                          &err), EV_OK);
    assert_true(cached);
    ev_search_index_free(ix);
    /* a damaged cache is rebuilt, never trusted */
    const char *damage[] = {
        "UPDATE search_index SET data = substr(data, 1, length(data) / 2)"
        " || x'ffffffffffffffffffff' || substr(data, length(data) / 2 + 11)",
        "UPDATE search_index SET data = x'4556534901'",
        "UPDATE search_index SET data = substr(data, 1, length(data) - 3)"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ev_store_exec(st, damage[i], &err), EV_OK);
        assert_int_equal(ev_search_index_open(&ix, st, mesh, "bundled", true, NULL, NULL,
                                              &cached, &err), EV_OK);
        assert_false(cached);
        assert_int_equal(strategy_last(ix, NULL), 7);
        ev_search_index_free(ix);
    }
    /* another vocabulary, or a new import: rebuilt */
    assert_int_equal(ev_search_index_open(&ix, st, mesh, "other", false, NULL, NULL, &cached,
                                          &err), EV_OK);
    assert_false(cached);
    ev_search_index_free(ix);
    ev_import_info info = {.source = "PubMed"};
    ev_import_summary sum;
    assert_int_equal(ev_store_import_file(st, FIX "mesh_papers.nbib", &info, NULL, NULL, NULL,
                                          NULL, &sum, &err), EV_OK);
    assert_int_equal(ev_search_index_open(&ix, st, mesh, "bundled", true, NULL, NULL, &cached,
                                          &err), EV_OK);
    assert_false(cached);
    assert_int_equal(ev_search_index_docs(ix), 12 + 284);
    assert_int_equal(strategy_last(ix, NULL), 7);
    ev_search_index_free(ix);
    ev_mesh_free(mesh);
    ev_store_free(st);
    test_remove_review(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cached_index_gives_the_same_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
