/*
 * test_plot_evmap.c - the evidence map: bubble area proportional to the
 * number of studies, one drawn bubble per non-empty cell entry, the grid
 * and its refusals.
 *
 * Categories are those of the seed scoping review
 * (/work/shared/seeds/003_55a30b6bcce25925.txt, sections 3.1-3.2:
 * technologies x foot and ankle conditions); the counts are ILLUSTRATIVE
 * (the paper gives no table of them), so nothing here is checked against
 * them except the drawing's structure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_plot.h"
#include "plot_int.h"
#include "test_plot_util.h"

static const char *const tech[] = {"Platelet-rich plasma", "Hyaluronic acid", "BMAC",
                                   "Adipose-derived MSCs", "3D printing",     "Exosomes"};
static const char *const cond[] = {"Talus cartilage injury", "Ankle osteoarthritis",
                                   "Achilles tendon injury", "Plantar fasciitis",
                                   "Ligament injury"};
static const ev_evmap_cell cells[] = {
    {0, 0, 6, EV_EVMAP_FAVOURS_INTERVENTION},
    {0, 1, 5, EV_EVMAP_MIXED},
    {0, 2, 4, EV_EVMAP_NO_DIFFERENCE},
    {0, 3, 9, EV_EVMAP_FAVOURS_INTERVENTION},
    {0, 3, 2, EV_EVMAP_NO_DIFFERENCE},
    {1, 0, 3, EV_EVMAP_FAVOURS_INTERVENTION},
    {1, 1, 4, EV_EVMAP_MIXED},
    {1, 3, 2, EV_EVMAP_FAVOURS_INTERVENTION},
    {2, 0, 5, EV_EVMAP_FAVOURS_INTERVENTION},
    {2, 1, 2, EV_EVMAP_NOT_REPORTED},
    {3, 0, 2, EV_EVMAP_FAVOURS_INTERVENTION},
    {3, 1, 3, EV_EVMAP_FAVOURS_INTERVENTION},
    {4, 1, 3, EV_EVMAP_NOT_REPORTED},
    {4, 4, 1, EV_EVMAP_NOT_REPORTED},
    {5, 2, 1, EV_EVMAP_FAVOURS_CONTROL},
    {5, 4, 0, EV_EVMAP_MIXED},
};
#define NCELLS (sizeof cells / sizeof cells[0])

static void seed_map(ev_evmap *m)
{
    memset(m, 0, sizeof *m);
    m->rows = tech;
    m->nrows = 6;
    m->cols = cond;
    m->ncols = 5;
    m->cells = cells;
    m->ncells = NCELLS;
    m->row_title = "Technology";
    m->col_title = "Condition";
    m->title = "Regenerative medicine in foot and ankle disease (illustrative counts)";
}

static void bubble_area_is_proportional_to_count(void **state)
{
    (void)state;
    double r9 = ev__evmap_radius(9, 9, 17), r4 = ev__evmap_radius(4, 9, 17);
    assert_true(fabs(r9 - 17) < 1e-12);
    assert_true(fabs(r4 * r4 / (r9 * r9) - 4.0 / 9.0) < 1e-12);
    assert_true(ev__evmap_radius(0, 9, 17) == 0);
    assert_true(ev__evmap_radius(1, 1000, 17) >= 3); /* stays visible */
}

/* Each bubble is one filled circle in its direction's colour (cairo's SVG
 * surface writes fill_preserve + stroke as one <path>); the colour legend
 * adds one circle per direction. Counted here per colour. */
static void one_circle_per_bubble_in_its_colour(void **state)
{
    (void)state;
    static const char *const fill[EV_EVMAP__COUNT] = {
        "fill:rgb(0%,61.960784%,45.098039%)", "fill:rgb(33.72549%,70.588235%,91.372549%)",
        "fill:rgb(90.196078%,62.352941%,0%)", "fill:rgb(83.529412%,36.862745%,0%)",
        "fill:rgb(73.333333%,73.333333%,73.333333%)"};
    ev_evmap m;
    seed_map(&m);
    ev_buf a;
    ev_buf_init(&a, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_evmap_svg(&a, &m, NULL), EV_OK);
    plot_assert_svg(ev_buf_cstr(&a));
    size_t want[EV_EVMAP__COUNT] = {0};
    for (size_t i = 0; i < NCELLS; i++)
        want[cells[i].direction] += cells[i].n > 0; /* empty entries draw nothing */
    for (int d = 0; d < EV_EVMAP__COUNT; d++)
        assert_int_equal(plot_count(ev_buf_cstr(&a), fill[d]), want[d] + 1);
    ev_buf_release(&a);
}

static void writes_files(void **state)
{
    (void)state;
    ev_evmap m;
    seed_map(&m);
    char path[512];
    plot_path(path, sizeof path, "evmap.png");
    assert_int_equal(ev_plot_evmap(&m, path, NULL), EV_OK);
    plot_assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
    plot_path(path, sizeof path, "evmap.svg");
    assert_int_equal(ev_plot_evmap(&m, path, NULL), EV_OK);
    plot_path(path, sizeof path, "evmap.pdf");
    assert_int_equal(ev_plot_evmap(&m, path, NULL), EV_OK);
    plot_assert_magic(path, "%PDF-", 5);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/evmap.png", plot_out_dir());
        assert_int_equal(ev_plot_evmap(&m, path, NULL), EV_OK);
    }
}

static void bad_cells_are_refused(void **state)
{
    (void)state;
    ev_evmap m;
    seed_map(&m);
    ev_evmap_cell bad[2] = {cells[0], {6, 0, 1, EV_EVMAP_MIXED}};
    m.cells = bad;
    m.ncells = 2;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_plot_evmap(&m, "/tmp/never.svg", &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "cell 2 is at row 7, column 1 outside the 6 x 5 grid"));
    bad[1] = (ev_evmap_cell){0, 0, -2, EV_EVMAP_MIXED};
    assert_int_equal(ev_plot_evmap(&m, "/tmp/never.svg", NULL), EV_EINPUT);
    bad[1] = (ev_evmap_cell){0, 0, 2, (ev_evmap_direction)9};
    assert_int_equal(ev_plot_evmap(&m, "/tmp/never.svg", NULL), EV_EINPUT);
    m.nrows = 0;
    assert_int_equal(ev_plot_evmap(&m, "/tmp/never.svg", NULL), EV_EINPUT);
    assert_false(plot_exists("/tmp/never.svg"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bubble_area_is_proportional_to_count),
        cmocka_unit_test(one_circle_per_bubble_in_its_colour),
        cmocka_unit_test(writes_files),
        cmocka_unit_test(bad_cells_are_refused),
    };
    return cmocka_run_group_tests(tests, plot_setup, plot_teardown);
}
