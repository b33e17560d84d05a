/* test_search_exec.c - running queries and strategies over real and
 * hand-written fixture records (tests/fixtures/search/README.md): the
 * seed review's 7-line strategy with per-line counts verified by hand,
 * phrase/proximity/truncation/MeSH/date semantics, history errors. */
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

static void load(world *w, const char *file)
{
    ev_parse_sink sink = {.record = add_rec, .payload = w};
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_parse_file(file, NULL, &sink, NULL, &err);
    if (st != EV_OK)
        fail_msg("%s: %s", file, err.message);
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    ev_error err = EV_ERROR_INIT;
    if (ev_mesh_load(&w->mesh, EV_SOURCE_DIR "/data/mesh/mesh2024.tsv", &err) != EV_OK)
        fail_msg("%s", err.message);
    assert_int_equal(ev_search_index_new(&w->ix, w->mesh), EV_OK);
    load(w, FIX "seed_records.nbib");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    ev_search_index_free(w->ix);
    ev_mesh_free(w->mesh);
    free(w);
    return 0;
}

/* Run one query in a fresh session; return its count (and ids in `ids`). */
static size_t count_of(world *w, const char *q, char *ids, size_t n)
{
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    const ev_search_result *r = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_search_run(s, q, &r, &err) != EV_OK)
        fail_msg("'%s': %s", q, err.message);
    size_t c = r->count;
    if (ids) {
        size_t k = 0;
        ids[0] = '\0';
        for (size_t i = 0; i < r->count && k + 8 < n; i++)
            k += (size_t)snprintf(ids + k, n - k, "%s%lld", i ? "," : "", (long long)r->ids[i]);
    }
    ev_search_session_free(s);
    return c;
}

static void expect_ids(world *w, const char *q, const char *want)
{
    char got[512];
    count_of(w, q, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("'%s': got {%s}, want {%s}", q, got, want);
}

static bool has_note(const ev_search_result *r, const char *code, const char *needle)
{
    for (size_t i = 0; i < r->n_notes; i++)
        if (strcmp(r->notes[i].code, code) == 0 && (!needle || strstr(r->notes[i].text, needle)))
            return true;
    return false;
}

static void seed_strategy_counts_match_hand_count(void **state)
{
    world *w = *state;
    FILE *f = fopen(FIX "seed_strategy.txt", "rb");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    ev_error err = EV_ERROR_INIT;
    if (ev_search_run_strategy(s, "seed_strategy.txt", text, &err) != EV_OK)
        fail_msg("%s:%zu:%zu: %s", err.input, err.line, err.column, err.message);
    size_t nh;
    const ev_search_result *h = ev_search_history(s, &nh);
    /* hand count: tests/fixtures/search/README.md */
    const size_t want[7] = {1, 7, 8, 8, 6, 10, 7};
    const char *ids[7] = {"2", "1,3,4,6,7,9,11", "1,2,3,4,6,7,9,11", "1,2,3,4,5,6,8,12",
                          "1,4,6,9,11,12", "1,2,3,4,5,6,8,9,11,12", "1,2,3,4,6,9,11"};
    assert_int_equal(nh, 7);
    for (size_t i = 0; i < 7; i++) {
        char got[256] = "";
        size_t k = 0;
        for (size_t j = 0; j < h[i].count; j++)
            k += (size_t)snprintf(got + k, sizeof got - k, "%s%lld", j ? "," : "",
                                  (long long)h[i].ids[j]);
        if (h[i].count != want[i] || strcmp(got, ids[i]) != 0)
            fail_msg("#%zu: got %zu {%s}, want %zu {%s}", i + 1, h[i].count, got, want[i], ids[i]);
    }
    /* the surprises --explain must show */
    assert_true(has_note(&h[1], "N-EXACTWORD", "'therap'"));
    assert_true(has_note(&h[1], "N-EXACTWORD", "'print'"));
    assert_true(has_note(&h[0], "W-NOMESH", "1 of 12"));
    assert_true(has_note(&h[3], "", "Ankle Fractures"));
    assert_true(has_note(&h[3], "", "Lateral Ligament, Ankle"));
    assert_non_null(strstr(h[2].canonical, "#1=(\"regenerative medicine\"[MeSH Terms])"));
    ev_search_session_free(s);
}

static void mesh_explosion_and_noexp(void **state)
{
    world *w = *state;
    expect_ids(w, "ankle injuries[mh]", "5,12");
    expect_ids(w, "ankle injuries[mh:noexp]", "12");
    expect_ids(w, "ankle sprains[mh]", "5,12"); /* entry term of Ankle Injuries */
    expect_ids(w, "platelet-rich plasma[majr]", "1,4");
    expect_ids(w, "humans[majr]", "");
    expect_ids(w, "talus/injuries[mh]", "1");
    expect_ids(w, "talus/in[mh]", "1");
    expect_ids(w, "talus/su[mh]", "8");
    expect_ids(w, "talus/in[majr]", "1");
    expect_ids(w, "surgery[sh]", "2,5,6,8");
    expect_ids(w, "prosthe*[mh]", "8");
}

static void phrases_stay_inside_one_field_instance(void **state)
{
    world *w = *state;
    expect_ids(w, "\"plantar fasciitis\"[tiab]", "4");
    expect_ids(w, "\"plantar fasciitis\"[tw]", "4"); /* MeSH words: "fasciitis plantar" */
    expect_ids(w, "\"fasciitis plantar\"[tw]", "4");
    expect_ids(w, "\"fasciitis plantar\"[tiab]", "");
    /* "... a biomaterial graft." ends the title; "Chronic ..." starts the abstract */
    expect_ids(w, "\"graft chronic\"[tiab]", "");
    expect_ids(w, "graft chronic[tiab:~0]", "");
    expect_ids(w, "\"ankle lateral\"[tiab:~0]", "6");
    expect_ids(w, "\"lateral instability\"[tiab:~1]", "6");
    expect_ids(w, "\"lateral instability\"[tiab:~0]", "");
}

static void truncation_expands_index_terms(void **state)
{
    world *w = *state;
    expect_ids(w, "exosome[tiab]", "");
    expect_ids(w, "exosome*[tiab]", "7");
    expect_ids(w, "3D print*[tiab]", "8");
    expect_ids(w, "\"regenerative therap*\"[tiab]", "11");
    expect_ids(w, "organi*ation*[tiab]", "");
    expect_ids(w, "inje*tion[tiab]", "1,3,4");
}

static void values_authors_dates(void **state)
{
    world *w = *state;
    expect_ids(w, "randomized controlled trial[pt]", "1,4");
    expect_ids(w, "case reports[pt] OR meta-analysis[pt]", "8,10");
    expect_ids(w, "eng[la] NOT english[la]", "");
    expect_ids(w, "mei-dan o[au]", "1");
    expect_ids(w, "vosoughi a[au]", "4");
    expect_ids(w, "vosoughi[au]", "4");
    expect_ids(w, "vosough[au]", "");
    expect_ids(w, "\"vosoughi a\"[au]", "");
    expect_ids(w, "Vosoughi, Amir[fau]", "4");
    expect_ids(w, "2012[dp]", "1,5");
    expect_ids(w, "2012/05[dp]", "5");
    expect_ids(w, "2023:3000[dp]", "6,9,11");
    expect_ids(w, "\"2024/12/01\"[dp] : \"2024/12/31\"[dp]", "9");
    expect_ids(w, "99000008[pmid]", "8");
    expect_ids(w, "publisher[sb]", "9");
}

static void operators_left_to_right(void **state)
{
    world *w = *state;
    /* (1,4 OR 8) AND {1,8 talus} = 1,8 ; 1,4 OR (8 AND talus) = 1,4,8 */
    expect_ids(w, "platelet-rich plasma[tiab] OR 3D[ti] AND talus[mh]", "1,8");
    expect_ids(w, "platelet-rich plasma[tiab] OR (3D[ti] AND talus[mh])", "1,4,8");
    expect_ids(w, "humans[mh] NOT platelet-rich plasma[mh] OR rats[mh]", "2,3,5,11");
}

static void history_errors_and_references(void **state)
{
    world *w = *state;
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    const ev_search_result *r = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_search_run(s, "talus[mh] AND #1", &r, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "E-HISTREF"));
    assert_int_equal(err.column, 15);
    assert_int_equal(ev_search_run(s, "talus[mh]", &r, NULL), EV_OK);
    ev_error_clear(&err);
    assert_int_equal(ev_search_run(s, "#1 OR #2", &r, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "#2 does not exist"));
    assert_int_equal(ev_search_run(s, "#1 NOT surgery[sh]", &r, NULL), EV_OK);
    assert_int_equal(r->count, 1);
    assert_int_equal(r->line, 2);
    assert_string_equal(r->canonical,
                        "(#1=(\"talus\"[MeSH Terms]) NOT \"surgery\"[MeSH Subheading])");
    ev_search_session_free(s);
}

static void strategy_numbering_forms(void **state)
{
    world *w = *state;
    const char *ok[] = {"1. talus[mh]\n2. ankle injuries[mh]\n3. #1 OR #2\n",
                        "#1 talus[mh]\r\n\r\n#2 ankle injuries[mh]\r\n#3 #1 OR #2\r\n",
                        "talus[mh]\nankle injuries[mh]\n#1 OR #2\n",
                        "1\ttalus[mh]\n2\tankle injuries[mh]\n3\t#1 OR #2\n"};
    for (size_t i = 0; i < 4; i++) {
        ev_search_session *s = NULL;
        assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
        ev_error err = EV_ERROR_INIT;
        if (ev_search_run_strategy(s, "s", ok[i], &err) != EV_OK)
            fail_msg("form %zu: %s", i, err.message);
        size_t n;
        const ev_search_result *h = ev_search_history(s, &n);
        assert_int_equal(n, 3);
        assert_int_equal(h[2].count, 4); /* 1,8 + 5,12 */
        ev_search_session_free(s);
    }
}

static void strategy_errors_name_line_and_column(void **state)
{
    world *w = *state;
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_search_run_strategy(s, "x.txt", "#1 talus[mh]\n#2 (a OR b\n", &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "E-PAREN"));
    ev_search_session_free(s);
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    ev_error_clear(&err);
    assert_int_equal(ev_search_run_strategy(s, "x.txt", "#1 talus[mh]\n#3 #1\n", &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 2);
    ev_search_session_free(s);
    assert_int_equal(ev_search_session_new(&s, w->ix), EV_OK);
    ev_error_clear(&err);
    assert_int_equal(ev_search_run_strategy(s, "x.txt", "#1 #2 OR talus[mh]\n#2 ankle[tiab]\n",
                                            &err),
                     EV_EINPUT);
    assert_non_null(strstr(err.message, "E-HISTREF"));
    assert_int_equal(err.column, 4);
    ev_search_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_strategy_counts_match_hand_count),
        cmocka_unit_test(mesh_explosion_and_noexp),
        cmocka_unit_test(phrases_stay_inside_one_field_instance),
        cmocka_unit_test(truncation_expands_index_terms),
        cmocka_unit_test(values_authors_dates),
        cmocka_unit_test(operators_left_to_right),
        cmocka_unit_test(history_errors_and_references),
        cmocka_unit_test(strategy_numbering_forms),
        cmocka_unit_test(strategy_errors_name_line_and_column),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
