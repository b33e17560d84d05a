/*
 * test_plot_forest.c - the forest plot: effect texts against metafor's
 * numbers for dat.bcg, layout (rows, squares with area proportional to
 * weight, axis covering the data and the null), SVG/PDF/PNG output and the
 * refusals.
 *
 * Data: yi, vi, weights and the REML model of tests/golden/synth/
 * bcg_rr_reml.json (metafor 3.8-1: rma(measure="RR", ..., method="REML")).
 * Study CIs are yi ± 1.959964·sqrt(vi) as metafor's forest() draws them.
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
static const char *const bcg_study[K] = {
    "Aronson (1948)",           "Ferguson & Simes (1949)",     "Rosenthal et al (1960)",
    "Hart & Sutherland (1977)", "Frimodt-Moller et al (1973)", "Stein & Aronson (1953)",
    "Vandiviere et al (1973)",  "TPT Madras (1980)",           "Coetzee & Berjak (1968)",
    "Rosenthal et al (1961)",   "Comstock et al (1974)",       "Comstock & Webster (1969)",
    "Comstock et al (1976)"};
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
static const double bcg_w[K] = {
    5.059482734366658,  6.364679372563028, 4.436027402601397,  9.698747018920685, 8.86845639124289,
    10.095738544239072, 6.027181414444468, 10.189439037095664, 8.743133211638192, 8.367607257885874,
    9.925026999811386,  3.821629062989581, 8.402851552201101};
/* tpos / tneg / cpos / cneg of dat.bcg, for the optional columns */
static const char *const bcg_tpos[K] = {"4",   "6",  "3",  "62",  "33", "180", "8",
                                        "505", "29", "17", "186", "5",  "27"};
static const char *const bcg_cpos[K] = {"11",  "29", "11", "248", "47", "372", "10",
                                        "499", "45", "65", "141", "3",  "29"};

static ev_forest_study studies[K];
static const char *cells[K][2];
static ev_forest_pooled overall;
static ev_forest_group group;

static void bcg_forest(ev_forest *f)
{
    const double z = 1.959963984540054;
    for (size_t i = 0; i < K; i++) {
        double se = sqrt(bcg_vi[i]);
        cells[i][0] = bcg_tpos[i];
        cells[i][1] = bcg_cpos[i];
        studies[i] = (ev_forest_study){bcg_study[i],       bcg_yi[i], bcg_yi[i] - z * se,
                                       bcg_yi[i] + z * se, bcg_w[i],  cells[i]};
    }
    ev_forest_pooled_init(&overall);
    overall.label = "Random-effects model (REML)";
    overall.est = -0.7145323421581397;
    overall.ci_lb = -1.0668976388103528;
    overall.ci_ub = -0.3621670455059265;
    overall.pi_lb = -1.8666922179028962;
    overall.pi_ub = 0.43762753358661677;
    overall.tau2 = 0.3132432581364859;
    overall.i2 = 92.22138452126907;
    overall.q = 152.2330080823733;
    overall.q_df = 12;
    overall.q_p = 1.9967645908459738e-26;
    overall.z = -3.974448306131762;
    overall.z_p = 7.05425810164237e-05;
    group = (ev_forest_group){NULL, studies, K, NULL};
    ev_forest_init(f);
    f->groups = &group;
    f->ngroups = 1;
    f->overall = &overall;
    f->log_scale = true;
    f->effect_title = "Risk Ratio [95% CI]";
    f->xlabel = "Risk Ratio (log scale)";
    f->favours_left = "Favours vaccine";
    f->favours_right = "Favours control";
}

/* metafor: forest(res, atransf = exp) prints these (2 decimals) */
static void effect_text_matches_metafor_bcg(void **state)
{
    (void)state;
    static const char *const want[K] = {
        "0.41 [0.13, 1.26]", "0.20 [0.09, 0.49]", "0.26 [0.07, 0.92]", "0.24 [0.18, 0.31]",
        "0.80 [0.52, 1.25]", "0.46 [0.39, 0.54]", "0.20 [0.08, 0.50]", "1.01 [0.89, 1.14]",
        "0.63 [0.39, 1.00]", "0.25 [0.15, 0.43]", "0.71 [0.57, 0.89]", "1.56 [0.37, 6.53]",
        "0.98 [0.58, 1.66]"};
    ev_forest f;
    bcg_forest(&f);
    char buf[128];
    for (size_t i = 0; i < K; i++) {
        ev__forest_effect_text(buf, sizeof buf, &f, studies[i].yi, studies[i].ci_lb,
                               studies[i].ci_ub);
        assert_string_equal(buf, want[i]);
    }
    ev__forest_effect_text(buf, sizeof buf, &f, overall.est, overall.ci_lb, overall.ci_ub);
    assert_string_equal(buf, "0.49 [0.34, 0.70]");
}

static void effect_text_uses_true_minus_on_linear_scale(void **state)
{
    (void)state;
    ev_forest f;
    ev_forest_init(&f);
    char buf[128];
    ev__forest_effect_text(buf, sizeof buf, &f, -0.8893, -2.0077, 0.2291);
    assert_string_equal(buf, "\xe2\x88\x92"
                             "0.89 [\xe2\x88\x92"
                             "2.01, 0.23]");
    ev__forest_effect_text(buf, sizeof buf, &f, -0.001, -0.004, 0.003);
    assert_string_equal(buf, "0.00 [0.00, 0.00]"); /* a rounded zero has no sign */
    ev__forest_effect_text(buf, sizeof buf, &f, NAN, NAN, NAN);
    assert_string_equal(buf, "NA"); /* a study metafor could not use */
}

static void layout_rows_squares_and_axis(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    cairo_t *cr = ev__plot_measure_new();
    ev__forest_layout L;
    assert_int_equal(ev__forest_layout_make(&L, cr, &f, NULL), EV_OK);
    /* header, 13 studies, blank? no: one group, overall follows: blank, pooled,
     * PI, heterogeneity, test */
    assert_int_equal(L.nrows, 1 + K + 1 + 1 + 1 + 2);
    assert_int_equal(L.rows[0].kind, EV__FR_HEADER);
    assert_int_equal(L.rows[K + 2].kind, EV__FR_POOLED);
    assert_int_equal(L.rows[K + 3].kind, EV__FR_PI);
    assert_int_equal(L.rows[K + 4].kind, EV__FR_TEXT);
    for (size_t i = 1; i < L.nrows; i++)
        assert_true(L.rows[i].y > L.rows[i - 1].y);
    /* square area proportional to weight: side^2 / weight is constant */
    double ratio = L.rows[1].square * L.rows[1].square / bcg_w[0];
    for (size_t i = 0; i < K; i++) {
        double s = L.rows[1 + i].square;
        assert_true(fabs(s * s / bcg_w[i] - ratio) < 1e-9 * ratio);
    }
    /* the heaviest study (TPT Madras) has the largest square */
    assert_true(fabs(L.rows[8].square - L.max_square) < 1e-12);
    /* axis covers every CI and the null; RR ticks are round numbers */
    assert_true(L.lo <= log(0.07) && L.hi >= log(6.53) && L.lo < 0 && L.hi > 0);
    bool has_one = false;
    for (size_t i = 0; i < L.nticks; i++)
        has_one |= fabs(L.ticks[i]) < 1e-12;
    assert_true(has_one);
    assert_true(fabs(ev__forest_x(&L, L.lo) - L.plot_l) < 1e-9);
    assert_true(fabs(ev__forest_x(&L, L.hi) - L.plot_r) < 1e-9);
    /* text columns end left of the plot; heterogeneity line fits there */
    assert_true(L.x_ub < L.plot_l && L.x_label + L.text_w < L.plot_l);
    ev__forest_layout_release(&L);
    ev__plot_measure_free(cr);
}

/* Mean differences on a linear axis the caller fixes at [-3, 3]: the ticks
 * are the integers -3..3, the clipped whiskers stay inside the plot. */
static void fixed_linear_axis_gets_round_ticks(void **state)
{
    (void)state;
    ev_forest_study md[] = {{"Smith 2010", -0.89, -2.01, 0.23, 40, NULL},
                            {"Garcia 2019", -0.20, -4.90, 4.50, 60, NULL}};
    ev_forest_group g = {NULL, md, 2, NULL};
    ev_forest f;
    ev_forest_init(&f);
    f.groups = &g;
    f.ngroups = 1;
    f.xmin = -3;
    f.xmax = 3;
    cairo_t *cr = ev__plot_measure_new();
    ev__forest_layout L;
    assert_int_equal(ev__forest_layout_make(&L, cr, &f, NULL), EV_OK);
    assert_true(L.lo == -3 && L.hi == 3);
    assert_int_equal(L.nticks, 7);
    for (size_t i = 0; i < 7; i++)
        assert_true(fabs(L.ticks[i] - ((double)i - 3)) < 1e-12);
    assert_int_equal(L.tick_digits, 0);
    ev__forest_layout_release(&L);
    ev__plot_measure_free(cr);
}

static void writes_svg_pdf_png(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    static const char *const titles[] = {"Vaccine TB+", "Control TB+"};
    f.col_titles = titles;
    f.ncols = 2;
    char path[512];
    plot_path(path, sizeof path, "forest.svg");
    assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    size_t n;
    char *svg = plot_slurp(path, &n);
    plot_assert_svg(svg);
    /* 13 squares, whiskers, a diamond, the PI bar, axis: well over 30 paths */
    assert_true(plot_count(svg, "<path") > 30);
    free(svg);
    plot_path(path, sizeof path, "forest.pdf");
    assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    plot_assert_magic(path, "%PDF-", 5);
    plot_path(path, sizeof path, "FOREST.PNG");
    assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    plot_assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/forest.png", plot_out_dir());
        assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    }
}

static void svg_to_buffer_appends_one_document(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_buf_puts(&b, "<div>"), EV_OK);
    assert_int_equal(ev_plot_forest_svg(&b, &f, NULL), EV_OK);
    assert_memory_equal(ev_buf_cstr(&b), "<div><?xml", 10);
    plot_assert_svg(ev_buf_cstr(&b));
    ev_buf_release(&b);
}

static void clipped_whiskers_get_arrows(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    ev_buf a, b;
    ev_buf_init(&a, EV_BUF_DEFAULT_MAX);
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_forest_svg(&a, &f, NULL), EV_OK);
    f.xmin = 0.1; /* clips Rosenthal 1960 (0.07) on the left ... */
    f.xmax = 2;   /* ... and Comstock & Webster (6.53) on the right */
    assert_int_equal(ev_plot_forest_svg(&b, &f, NULL), EV_OK);
    /* two more filled arrow heads; the tick set shrinks */
    assert_true(plot_count(ev_buf_cstr(&b), "<path") >= plot_count(ev_buf_cstr(&a), "<path"));
    cairo_t *cr = ev__plot_measure_new();
    ev__forest_layout L;
    assert_int_equal(ev__forest_layout_make(&L, cr, &f, NULL), EV_OK);
    assert_true(fabs(L.lo - log(0.1)) < 1e-12 && fabs(L.hi - log(2)) < 1e-12);
    ev__forest_layout_release(&L);
    ev__plot_measure_free(cr);
    ev_buf_release(&a);
    ev_buf_release(&b);
}

static void subgroups_get_headers_and_subtotals(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    ev_forest_pooled sub[2];
    for (int g = 0; g < 2; g++) {
        ev_forest_pooled_init(&sub[g]);
        sub[g].label = "Subtotal";
        sub[g].est = g ? -0.5 : -0.9;
        sub[g].ci_lb = sub[g].est - 0.3;
        sub[g].ci_ub = sub[g].est + 0.3;
        sub[g].i2 = 50;
    }
    ev_forest_group groups[2] = {{"Random allocation", studies, 4, &sub[0]},
                                 {"Other allocation", studies + 4, K - 4, &sub[1]}};
    f.groups = groups;
    f.ngroups = 2;
    cairo_t *cr = ev__plot_measure_new();
    ev__forest_layout L;
    assert_int_equal(ev__forest_layout_make(&L, cr, &f, NULL), EV_OK);
    size_t kinds[7] = {0};
    for (size_t i = 0; i < L.nrows; i++)
        kinds[L.rows[i].kind]++;
    assert_int_equal(kinds[EV__FR_GROUP], 2);
    assert_int_equal(kinds[EV__FR_STUDY], K);
    assert_int_equal(kinds[EV__FR_POOLED], 3);
    assert_int_equal(kinds[EV__FR_TEXT], 4); /* I² per subgroup; het + test overall */
    ev__forest_layout_release(&L);
    ev__plot_measure_free(cr);
    char path[512];
    plot_path(path, sizeof path, "forest_sub.png");
    assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/forest_subgroups.png", plot_out_dir());
        assert_int_equal(ev_plot_forest(&f, path, NULL), EV_OK);
    }
}

static void inverted_interval_is_refused_and_nothing_written(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    studies[2].ci_lb = 1;
    studies[2].ci_ub = -1;
    char path[512];
    plot_path(path, sizeof path, "bad.svg");
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_plot_forest(&f, path, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "Rosenthal et al (1960)"));
    assert_false(plot_exists(path));
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_false(plot_exists(tmp));
}

static void unknown_extension_and_bad_dir_are_errors(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_plot_forest(&f, "/tmp/x.gif", &err), EV_EUSAGE);
    assert_non_null(strstr(err.message, ".svg, .pdf or .png"));
    ev_error_clear(&err);
    assert_int_equal(ev_plot_forest(&f, "/nonexistent-dir/x.svg", &err), EV_EIO);
    ev_error_clear(&err);
    ev_forest empty;
    ev_forest_init(&empty);
    assert_int_equal(ev_plot_forest(&empty, "/tmp/x.svg", &err), EV_EINPUT);
    assert_int_equal(ev_plot_forest(NULL, "/tmp/x.svg", NULL), EV_EUSAGE);
}

static void no_leaks_across_formats(void **state)
{
    (void)state;
    long live = ev_alloc_live();
    ev_forest f;
    bcg_forest(&f);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_forest_svg(&b, &f, NULL), EV_OK);
    ev_buf_release(&b);
    assert_int_equal(ev_alloc_live(), live);
}

/* Render into a buffer of its own, checked and released. */
static ev_status svg_fresh(const ev_forest *d)
{
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    return plot_svg_checked(&b, ev_plot_forest_svg(&b, d, NULL));
}

static void out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    ev_forest f;
    bcg_forest(&f);
    size_t nfail;
    char path[512];
    plot_path(path, sizeof path, "oom.pdf");
    PLOT_OOM_LOOP(ev_plot_forest(&f, path, NULL), path, nfail);
    assert_true(nfail >= 3); /* rows, columns, widths */
    plot_assert_magic(path, "%PDF-", 5);
    PLOT_OOM_LOOP(svg_fresh(&f), (const char *)NULL, nfail);
    assert_true(nfail >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(effect_text_matches_metafor_bcg),
        cmocka_unit_test(effect_text_uses_true_minus_on_linear_scale),
        cmocka_unit_test(layout_rows_squares_and_axis),
        cmocka_unit_test(fixed_linear_axis_gets_round_ticks),
        cmocka_unit_test(writes_svg_pdf_png),
        cmocka_unit_test(svg_to_buffer_appends_one_document),
        cmocka_unit_test(clipped_whiskers_get_arrows),
        cmocka_unit_test(subgroups_get_headers_and_subtotals),
        cmocka_unit_test(inverted_interval_is_refused_and_nothing_written),
        cmocka_unit_test(unknown_extension_and_bad_dir_are_errors),
        cmocka_unit_test(no_leaks_across_formats),
        cmocka_unit_test(out_of_memory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, plot_setup, plot_teardown);
}
