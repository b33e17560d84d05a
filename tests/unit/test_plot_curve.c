/*
 * test_plot_curve.c - the recall curve: where a line first reaches the
 * recall target (checked against closed forms), validation of the series,
 * and the outputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_plot.h"
#include "plot_int.h"
#include "test_plot_util.h"

#define N 201
static double xs[N], y_fast[N], y_slow[N], y_random[N];

/* Recall curves with known closed forms: y = 1 - (1 - x)^a reaches recall
 * r at x = 1 - (1 - r)^(1/a). */
static void curves(ev_curve *c, ev_curve_series s[3])
{
    for (size_t i = 0; i < N; i++) {
        xs[i] = (double)i / (N - 1);
        y_fast[i] = 1 - pow(1 - xs[i], 12);
        y_slow[i] = 1 - pow(1 - xs[i], 4);
        y_random[i] = xs[i];
    }
    s[0] = (ev_curve_series){"Naive Bayes + TF-IDF", xs, y_fast, N};
    s[1] = (ev_curve_series){"Logistic regression", xs, y_slow, N};
    s[2] = (ev_curve_series){NULL, xs, y_random, N};
    ev_curve_init(c);
    c->series = s;
    c->nseries = 2;
    c->title = "Screening simulation (synthetic curves)";
}

static void reach_matches_closed_form(void **state)
{
    (void)state;
    ev_curve c;
    ev_curve_series s[3];
    curves(&c, s);
    assert_true(fabs(ev__curve_reach(&s[0], 0.95) - (1 - pow(0.05, 1.0 / 12))) < 1e-3);
    assert_true(fabs(ev__curve_reach(&s[1], 0.95) - (1 - pow(0.05, 1.0 / 4))) < 1e-3);
    assert_true(fabs(ev__curve_reach(&s[2], 0.95) - 0.95) < 1e-12);
    /* exact at a vertex, NAN when never reached */
    const double x[] = {0, 0.5, 1}, y[] = {0, 0.95, 0.97}, ylow[] = {0, 0.3, 0.9};
    ev_curve_series v = {"v", x, y, 3}, lo = {"lo", x, ylow, 3};
    assert_true(ev__curve_reach(&v, 0.95) == 0.5);
    assert_true(isnan(ev__curve_reach(&lo, 0.95)));
}

static void bad_series_are_refused(void **state)
{
    (void)state;
    ev_curve c;
    ev_curve_series s[3];
    curves(&c, s);
    const double x[] = {0, 0.6, 0.5}, y[] = {0, 0.5, 1};
    s[1] = (ev_curve_series){"broken", x, y, 3};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_plot_curve(&c, "/tmp/never_curve.svg", &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "series 2 'broken', point 3 (0.5, 1)"));
    assert_false(plot_exists("/tmp/never_curve.svg"));
    const double ybig[] = {0, 0.5, 1.5}, xok[] = {0, 0.5, 1};
    s[1] = (ev_curve_series){"big", xok, ybig, 3};
    assert_int_equal(ev_plot_curve(&c, "/tmp/never_curve.svg", NULL), EV_EINPUT);
    c.nseries = 0;
    assert_int_equal(ev_plot_curve(&c, "/tmp/never_curve.svg", NULL), EV_EINPUT);
}

static void draws_lines_marks_and_legend(void **state)
{
    (void)state;
    ev_curve c;
    ev_curve_series s[3];
    curves(&c, s);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_curve_svg(&b, &c, NULL), EV_OK);
    plot_assert_svg(ev_buf_cstr(&b));
    /* each model's colour: its line, its legend line, its drop line (all
     * strokes), its filled mark and the label of the mark (glyphs) */
    assert_int_equal(plot_count(ev_buf_cstr(&b), "stroke:rgb(0%,44.7%,69.8%)"), 3);
    assert_int_equal(plot_count(ev_buf_cstr(&b), "fill:rgb(0%,44.7%,69.8%)"), 2);
    ev_buf_release(&b);
    char path[512];
    plot_path(path, sizeof path, "recall.png");
    assert_int_equal(ev_plot_curve(&c, path, NULL), EV_OK);
    plot_assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
    plot_path(path, sizeof path, "recall.pdf");
    assert_int_equal(ev_plot_curve(&c, path, NULL), EV_OK);
    plot_assert_magic(path, "%PDF-", 5);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/recall.png", plot_out_dir());
        assert_int_equal(ev_plot_curve(&c, path, NULL), EV_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reach_matches_closed_form),
        cmocka_unit_test(bad_series_are_refused),
        cmocka_unit_test(draws_lines_marks_and_legend),
    };
    return cmocka_run_group_tests(tests, plot_setup, plot_teardown);
}
