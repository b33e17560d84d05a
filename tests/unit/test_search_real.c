/* test_search_real.c - counts over a real PubMed export (284 records)
 * against reference counts computed independently with Biopython
 * (tests/fixtures/search/reference.py -> mesh_papers_expected.tsv). */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_formats.h"
#include "evident/ev_search.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/search/"

typedef struct world {
    ev_mesh *mesh;
    ev_search_index *ix;
    ev_id next;
} world;

static ev_status add_rec(ev_record *rec, void *payload)
{
    world *w = payload;
    return ev_search_index_add(w->ix, ++w->next, rec);
}

static void counts_equal_biopython_reference(void **state)
{
    (void)state;
    world w = {0};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_mesh_load(&w.mesh, EV_SOURCE_DIR "/data/mesh/mesh2024.tsv", &err), EV_OK);
    assert_int_equal(ev_search_index_new(&w.ix, w.mesh), EV_OK);
    ev_parse_sink sink = {.record = add_rec, .payload = &w};
    if (ev_parse_file(FIX "mesh_papers.nbib", NULL, &sink, NULL, &err) != EV_OK)
        fail_msg("%s", err.message);
    assert_int_equal(ev_search_index_docs(w.ix), 284);
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, w.ix), EV_OK);
    FILE *f = fopen(FIX "mesh_papers_expected.tsv", "r");
    assert_non_null(f);
    char line[1024];
    size_t checked = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        long want;
        tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
        assert_true(ev_parse_long(tab + 1, &want));
        const ev_search_result *r = NULL;
        ev_error_clear(&err);
        if (ev_search_run(s, line, &r, &err) != EV_OK)
            fail_msg("'%s': %s", line, err.message);
        if ((long)r->count != want) {
            print_error("'%s': evident %zu, reference %ld\n", line, r->count, want);
            bad++;
        }
        checked++;
    }
    fclose(f);
    assert_int_equal(checked, 15);
    assert_int_equal(bad, 0);
    ev_search_session_free(s);
    ev_search_index_free(w.ix);
    ev_mesh_free(w.mesh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_equal_biopython_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
