/*
 * test_report_evmap.c - the evidence map's data as the report hands it to
 * ev_plot_evmap_svg (rows, columns, cells, counts, directions), not its
 * pixels: studies coloured by their charted `direction`, the pooled
 * outcomes as a fallback for studies without one, and the bundled example
 * (examples/ankle-regen, seed 003 Tables 5-7) with every study coloured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report_int.h"
#include "chart_fixture.h"

#define EX EV_SOURCE_DIR "/examples/ankle-regen/"

typedef chart_fx fx;

static int setup(void **state)
{
    fx *f = chart_fx_open("report-evmap");
    if (!f)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    chart_fx_close(*state);
    return 0;
}

static void set(fx *f, const char *study, const char *path, const char *value)
{
    ev_error e = EV_ERROR_INIT;
    assert_int_equal(ev_chart_set(f->c, study, path, value, "ana", 0, &e), EV_OK);
}

static size_t find(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return i;
    fail_msg("'%s' is not on the map", s);
    return 0;
}

/* Studies in (row, col) with direction d; -1 for all directions. */
static long count(const ev__rep_map *m, const char *row, const char *col, int d)
{
    size_t r = find(m->rows, m->nrows, row), c = find(m->cols, m->ncols, col);
    long n = 0;
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].row == r && m->cells[i].col == c &&
            (d < 0 || (int)m->cells[i].direction == d))
            n += m->cells[i].n;
    return n;
}

static void build(fx *f, const ev_report_options *opt, ev_report_pool **pools, ev__rep_map *m)
{
    ev__rep r = {.s = f->s, .chart = f->c, .cat = f->cat, .opt = opt, .pools = pools};
    ev_error e = EV_ERROR_INIT;
    assert_int_equal(ev__rep_map_build(&r, m, &e), EV_OK);
}

/* Two plantar fasciitis studies as the seed's Table 7 reports them: Tabrizi
 * et al. (2020), corticosteroid better than PRP ("CS group showed greater
 * pain relief"), and Alessio-Mazzola et al. (2023), PRP better than ESWT
 * (p = 0.044). A study of two technologies is a bubble in both rows. */
static void map_colours_studies_by_charted_direction(void **state)
{
    fx *f = *state;
    set(f, "tabrizi", "condition", "plantar fasciitis");
    set(f, "tabrizi", "technology", "PRP;corticosteroid");
    set(f, "tabrizi", "direction", "favours_control");
    set(f, "alessio", "condition", "plantar fasciitis");
    set(f, "alessio", "technology", "PRP;ESWT");
    set(f, "alessio", "direction", "favours_intervention");
    ev_report_options opt = {0};
    ev__rep_map m;
    build(f, &opt, NULL, &m);
    assert_int_equal(m.studies, 2);
    assert_int_equal(m.charted, 2);
    assert_int_equal(m.nrows, 3); /* PRP, ESWT, corticosteroid */
    assert_int_equal(m.ncols, 1);
    assert_int_equal(m.ncells, 4);
    assert_int_equal(count(&m, "PRP", "plantar fasciitis", -1), 2);
    assert_int_equal(count(&m, "PRP", "plantar fasciitis", EV_EVMAP_FAVOURS_INTERVENTION), 1);
    assert_int_equal(count(&m, "PRP", "plantar fasciitis", EV_EVMAP_FAVOURS_CONTROL), 1);
    assert_int_equal(count(&m, "corticosteroid", "plantar fasciitis", EV_EVMAP_FAVOURS_CONTROL), 1);
    assert_int_equal(count(&m, "ESWT", "plantar fasciitis", EV_EVMAP_FAVOURS_INTERVENTION), 1);
    for (size_t i = 0; i < m.ncells; i++)
        assert_int_not_equal(m.cells[i].direction, EV_EVMAP_NOT_REPORTED);
    ev__rep_map_release(&m);
}

/* Without a charted direction a study takes the one its pooled outcome
 * gives (MD 5, variance 1: the 95% CI 3.04 to 6.96 lies above 0, higher is
 * better), and is "not reported" when no pooled outcome uses it. */
static void map_falls_back_to_pooled_outcome_then_not_reported(void **state)
{
    fx *f = *state;
    set(f, "pooled", "condition", "talus cartilage injury");
    set(f, "pooled", "technology", "MSC");
    set(f, "bare", "condition", "talus cartilage injury");
    set(f, "bare", "technology", "MSC");
    set(f, "charted", "condition", "talus cartilage injury");
    set(f, "charted", "technology", "MSC");
    set(f, "charted", "direction", "no_difference");
    ev_report_pool_study ps = {.study = (char *)"pooled", .yi = 5, .vi = 1};
    ev_report_pool p = {
        .measure = EV_MEASURE_MD, .higher_better = true, .studies = &ps, .nstudies = 1};
    ev_report_pool *pools[] = {&p};
    ev_report_outcome o = {0};
    ev_report_options opt = {.outcomes = &o, .noutcomes = 1};
    ev__rep_map m;
    build(f, &opt, pools, &m);
    assert_int_equal(m.studies, 3);
    assert_int_equal(m.charted, 1);
    assert_int_equal(count(&m, "MSC", "talus cartilage injury", -1), 3);
    assert_int_equal(count(&m, "MSC", "talus cartilage injury", EV_EVMAP_FAVOURS_INTERVENTION), 1);
    assert_int_equal(count(&m, "MSC", "talus cartilage injury", EV_EVMAP_NO_DIFFERENCE), 1);
    assert_int_equal(count(&m, "MSC", "talus cartilage injury", EV_EVMAP_NOT_REPORTED), 1);
    ev__rep_map_release(&m);
}

/* The bundled example: all 44 studies of Tables 5-7 (17 + 9 + 18) carry a
 * charted direction; each cell's bubbles add up to the technology x
 * condition count of the seed's tables (PRP in plantar fasciitis: Shetty,
 * Alessio-Mazzola, Breton, Tabrizi, Kim 2014b, Ugurlar = 6; HA in ankle
 * osteoarthritis: every Table 6 row but Paget 2021 and 2023 = 7). */
static void map_of_the_example_colours_every_study(void **state)
{
    fx *f = *state;
    ev_error e = EV_ERROR_INIT;
    assert_int_equal(ev_chart_import_file(f->c, EX "studies.json", "charter", NULL, &e), EV_OK);
    ev_report_options opt = {0};
    ev__rep_map m;
    build(f, &opt, NULL, &m);
    assert_int_equal(m.studies, 44);
    assert_int_equal(m.charted, 44);
    assert_int_equal(m.ncols, 3);
    assert_int_equal(count(&m, "PRP", "plantar fasciitis", -1), 6);
    assert_int_equal(count(&m, "HA", "ankle osteoarthritis", -1), 7);
    assert_int_equal(count(&m, "PRP", "ankle osteoarthritis", EV_EVMAP_NO_DIFFERENCE), 1);
    assert_int_equal(count(&m, "PRP", "ankle osteoarthritis", EV_EVMAP_FAVOURS_CONTROL), 1);
    ev__rep_map_release(&m);
}

/* The bundled form (version 2) offers exactly the map's five directions,
 * in ev_evmap_direction order, and nothing else. */
static void default_form_direction_choices_are_the_map_directions(void **state)
{
    fx *f = *state;
    static const char *const label[EV_EVMAP__COUNT] = {"favours_intervention", "no_difference",
                                                       "mixed", "favours_control", "not_reported"};
    const ev_chart_form *form = ev_chart_form_current(f->c, NULL);
    assert_int_equal(ev_chart_form_version(form), 2);
    for (int i = 0; i < EV_EVMAP__COUNT; i++) {
        char id[8];
        snprintf(id, sizeof id, "s%d", i);
        set(f, id, "condition", "plantar fasciitis");
        set(f, id, "technology", "PRP");
        set(f, id, "direction", label[i]);
    }
    ev_report_options opt = {0};
    ev__rep_map m;
    build(f, &opt, NULL, &m);
    assert_int_equal(m.charted, EV_EVMAP__COUNT);
    assert_int_equal(m.ncells, EV_EVMAP__COUNT);
    for (int i = 0; i < EV_EVMAP__COUNT; i++)
        assert_int_equal(count(&m, "PRP", "plantar fasciitis", i), 1);
    ev__rep_map_release(&m);
    ev_error e = EV_ERROR_INIT;
    assert_int_equal(ev_chart_validate(NULL, form, f->cat, "direction", "favours", &e), EV_EINPUT);
}

static void map_without_chart_is_empty(void **state)
{
    (void)state;
    ev__rep r = {0};
    ev__rep_map m;
    assert_int_equal(ev__rep_map_build(&r, &m, NULL), EV_OK);
    assert_int_equal(m.ncells, 0);
    assert_int_equal(m.studies, 0);
    ev__rep_map_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(map_colours_studies_by_charted_direction, setup, teardown),
        cmocka_unit_test_setup_teardown(map_falls_back_to_pooled_outcome_then_not_reported, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(map_of_the_example_colours_every_study, setup, teardown),
        cmocka_unit_test_setup_teardown(default_form_direction_choices_are_the_map_directions,
                                        setup, teardown),
        cmocka_unit_test(map_without_chart_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
