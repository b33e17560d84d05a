/*
 * test_plot_funnel.c - the funnel plot: inverted standard-error axis, the
 * axis ranges holding the 95% region (and the 99% contour), observed and
 * imputed points, output formats and refusals.
 *
 * Data: dat.bcg log risk ratios and the trim-and-fill result of
 * tests/golden/synth/bcg_rr_reml_trimfill.json (metafor 3.8-1:
 * trimfill(rma(measure="RR", ..., method="REML")): k0 = 1 on the right,
 * imputed yi = 0.3104, vi = 0.2230, estimate −0.6571).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_plot.h"
#include "plot_int.h"
#include "test_plot_util.h"

#define K 13
static const double bcg_yi[K] = {-0.8893113339202054,  -1.5853886572014306,  -1.3480731482996933,
                                 -1.4415511900213054,  -0.21754732221129558, -0.786115585818864,
                                 -1.6208982235983918,  0.011952333523840508, -0.4694176487381494,
                                 -1.3713448034727844,  -0.3393588283383906,  0.44591340057137874,
                                 -0.017313948216879815};
static const double bcg_vi[K] = {0.32558476500396133,  0.19458112139814385,   0.4153679653679654,
                                 0.020010031902247573, 0.05121017216963086,   0.0069056184559087574,
                                 0.22301724757231517,  0.0039615792978177295, 0.056434210463248966,
                                 0.07302479361302891,  0.01241221397155972,   0.5325058452001528,
                                 0.0714046596839863};
static double sei[K];
static const double fill_yi[1] = {0.31040302402906716};
static double fill_sei[1];

static void bcg_funnel(ev_funnel *f)
{
    for (size_t i = 0; i < K; i++)
        sei[i] = sqrt(bcg_vi[i]);
    fill_sei[0] = sqrt(0.22301724757231517);
    ev_funnel_init(f);
    f->yi = bcg_yi;
    f->sei = sei;
    f->k = K;
    f->fill_yi = fill_yi;
    f->fill_sei = fill_sei;
    f->kfill = 1;
    f->estimate = -0.6570827834877669;
    f->xlabel = "Log Risk Ratio";
}

static void standard_error_axis_is_inverted(void **state)
{
    (void)state;
    ev_funnel f;
    bcg_funnel(&f);
    cairo_t *cr = ev__plot_measure_new();
    ev__funnel_layout L;
    assert_int_equal(ev__funnel_layout_make(&L, cr, &f, NULL), EV_OK);
    double x, y0, y1;
    ev__funnel_xy(&L, f.estimate, 0, &x, &y0);
    assert_true(fabs(y0 - L.plot_t) < 1e-9); /* se 0 at the top */
    ev__funnel_xy(&L, f.estimate, sqrt(0.5325058452001528), &x, &y1);
    assert_true(y1 > y0 && y1 <= L.plot_b + 1e-9); /* largest se lowest */
    /* the 95% region at the largest se fits inside the x range */
    double sm = sqrt(0.5325058452001528);
    assert_true(L.semax >= sm);
    assert_true(L.xlo <= f.estimate - 1.96 * L.semax + 1e-9 || L.xlo <= f.estimate - 1.96 * sm);
    assert_true(L.xhi >= f.estimate + 1.96 * sm);
    assert_true(L.yt[0] == 0 && L.nyt >= 3);
    ev__plot_measure_free(cr);
}

static void contours_widen_range_to_99_percent(void **state)
{
    (void)state;
    ev_funnel f;
    bcg_funnel(&f);
    f.contours = true;
    f.estimate = NAN;
    cairo_t *cr = ev__plot_measure_new();
    ev__funnel_layout L;
    assert_int_equal(ev__funnel_layout_make(&L, cr, &f, NULL), EV_OK);
    assert_true(L.xlo <= -2.5758 * sqrt(0.5325058452001528));
    assert_true(L.xhi >= 2.5758 * sqrt(0.5325058452001528));
    assert_true(L.legend_x > L.plot_r && L.width > L.legend_x);
    ev__plot_measure_free(cr);
}

/* Observed points are filled circles, imputed ones open. cairo's SVG
 * surface writes a fill followed by a stroke of the same path as one <path>
 * with both styles, so the imputed study adds exactly one path. */
static void imputed_points_are_drawn(void **state)
{
    (void)state;
    ev_funnel f;
    bcg_funnel(&f);
    ev_buf a, b;
    ev_buf_init(&a, EV_BUF_DEFAULT_MAX);
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_funnel_svg(&a, &f, NULL), EV_OK);
    f.kfill = 0;
    assert_int_equal(ev_plot_funnel_svg(&b, &f, NULL), EV_OK);
    plot_assert_svg(ev_buf_cstr(&a));
    assert_int_equal(plot_count(ev_buf_cstr(&a), "<path"),
                     plot_count(ev_buf_cstr(&b), "<path") + 1);
    /* the open point is white inside */
    assert_true(plot_count(ev_buf_cstr(&a), "rgb(100%,100%,100%)") >
                plot_count(ev_buf_cstr(&b), "rgb(100%,100%,100%)"));
    ev_buf_release(&a);
    ev_buf_release(&b);
}

static void writes_every_format(void **state)
{
    (void)state;
    ev_funnel f;
    bcg_funnel(&f);
    char path[512];
    plot_path(path, sizeof path, "funnel.pdf");
    assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
    plot_assert_magic(path, "%PDF-", 5);
    plot_path(path, sizeof path, "funnel.png");
    assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
    plot_assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
    plot_path(path, sizeof path, "funnel.svg");
    f.contours = true;
    assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
    size_t n;
    char *s = plot_slurp(path, &n);
    plot_assert_svg(s);
    free(s);
    if (plot_out_dir()) {
        f.contours = false;
        snprintf(path, sizeof path, "%s/funnel.png", plot_out_dir());
        assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
        f.contours = true;
        f.log_scale = true;
        f.xlabel = "Risk Ratio (log scale)";
        snprintf(path, sizeof path, "%s/funnel_contours.png", plot_out_dir());
        assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
    }
}

static void bad_studies_are_refused(void **state)
{
    (void)state;
    ev_funnel f;
    bcg_funnel(&f);
    double bad[K];
    memcpy(bad, sei, sizeof bad);
    bad[4] = -0.1;
    f.sei = bad;
    ev_error err = EV_ERROR_INIT;
    char path[512];
    plot_path(path, sizeof path, "bad_funnel.svg");
    assert_int_equal(ev_plot_funnel(&f, path, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 5"));
    assert_false(plot_exists(path));
    /* NAN studies are omitted, as metafor does */
    bad[4] = NAN;
    assert_int_equal(ev_plot_funnel(&f, path, NULL), EV_OK);
    for (size_t i = 0; i < K; i++)
        bad[i] = NAN;
    f.kfill = 0;
    ev_error_clear(&err);
    assert_int_equal(ev_plot_funnel(&f, path, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "no study"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standard_error_axis_is_inverted),
        cmocka_unit_test(contours_widen_range_to_99_percent),
        cmocka_unit_test(imputed_points_are_drawn),
        cmocka_unit_test(writes_every_format),
        cmocka_unit_test(bad_studies_are_refused),
    };
    return cmocka_run_group_tests(tests, plot_setup, plot_teardown);
}
