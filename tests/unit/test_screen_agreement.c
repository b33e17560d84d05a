/* test_screen_agreement.c - Cohen's kappa, its standard error and PABAK
 * against published worked examples; the hypergeometric CDF against R's
 * phyper; the stopping rule against scipy (tests/fixtures/screen/README.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

/* cmocka compares floats in single precision: compare doubles here */
#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (double)(tol))

#include "evident/ev_screen.h"

static void kappa_of_the_textbook_two_by_two_is_0_4(void **state)
{
    (void)state;
    /* Wikipedia "Cohen's kappa", simple example: 20 yes/yes, 5 yes/no,
     * 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5, kappa = 0.4 */
    uint64_t t[4] = {20, 5, 10, 15};
    ev_screen_agreement a;
    assert_int_equal(ev_screen_kappa(&a, t, 2, NULL), EV_OK);
    assert_int_equal(a.n, 50);
    assert_near(a.p_observed, 0.7, 1e-12);
    assert_near(a.p_expected, 0.5, 1e-12);
    assert_near(a.kappa, 0.4, 1e-12);
    assert_near(a.pabak, 0.4, 1e-12); /* 2 p_o - 1 */
}

static void kappa_se_and_ci_match_sas_proc_freq_skin_condition(void **state)
{
    (void)state;
    /* SAS/STAT PROC FREQ, Getting Started "Agreement Study": simple kappa
     * 0.3449, ASE 0.0724, 95% confidence limits 0.2030 and 0.4868 */
    uint64_t t[16] = {10, 4, 1, 0, 5, 10, 12, 2, 2, 4, 12, 5, 0, 2, 6, 13};
    ev_screen_agreement a;
    assert_int_equal(ev_screen_kappa(&a, t, 4, NULL), EV_OK);
    assert_near(a.kappa, 0.3449, 5e-5);
    assert_near(a.se, 0.0724, 5e-5);
    assert_near(a.ci_low, 0.2030, 5e-5);
    assert_near(a.ci_high, 0.4868, 5e-5);
    assert_near(a.pabak, (4 * a.p_observed - 1) / 3, 1e-12);
}

static void kappa_is_nan_when_both_raters_use_one_category(void **state)
{
    (void)state;
    uint64_t t[4] = {0, 0, 0, 30};
    ev_screen_agreement a;
    assert_int_equal(ev_screen_kappa(&a, t, 2, NULL), EV_OK);
    assert_true(isnan(a.kappa));
    assert_near(a.p_observed, 1.0, 1e-12);
    assert_near(a.pabak, 1.0, 1e-12);
}

static void kappa_refuses_an_empty_table_and_one_category(void **state)
{
    (void)state;
    uint64_t t[4] = {0, 0, 0, 0};
    ev_screen_agreement a;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_kappa(&a, t, 2, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "no item"));
    assert_int_equal(ev_screen_kappa(&a, t, 1, NULL), EV_EUSAGE);
}

static void hypergeometric_cdf_matches_r_phyper(void **state)
{
    (void)state;
    /* R: phyper(q, m, n, k) = P(X <= q), m successes, n failures, k draws */
    assert_near(ev_screen_hypergeom_cdf(2, 50, 10, 5), 0.951739696803791, 1e-12);
    assert_near(ev_screen_hypergeom_cdf(0, 5038, 38, 300), 0.0961490604259868, 1e-11);
    assert_near(ev_screen_hypergeom_cdf(5, 2000, 100, 200), 0.0531931493603383, 1e-11);
    assert_near(ev_screen_hypergeom_cdf(17, 2000, 100, 200), 0.991674423193757, 1e-11);
    assert_near(ev_screen_hypergeom_cdf(5, 50, 10, 5), 1.0, 0);
    /* more than 64 terms: the sum runs in blocks */
    assert_near(ev_screen_hypergeom_cdf(100, 2000, 500, 400), 0.52829094149986, 1e-11);
    assert_near(ev_screen_hypergeom_cdf(70, 2000, 500, 400), 4.53941922468456e-05, 1e-15);
}

/* 20 relevant records at positions 0, 5, ..., 95, then exclusions only. */
static void sequence(bool *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        labels[i] = i < 100 && i % 5 == 0;
}

static void stopping_rule_p_values_match_scipy(void **state)
{
    (void)state;
    static bool labels[600];
    sequence(labels, 600);
    const struct {
        size_t seen;
        double p;
    } cases[] = {{400, 0.440272836856496}, {150, 0.8840369858583483}, {600, 0.1955134801399465}};
    for (size_t i = 0; i < 3; i++) {
        ev_screen_stop_result r;
        assert_int_equal(
            ev_screen_stop_hypergeometric(&r, labels, cases[i].seen, 1000, 0.95, 0.95, NULL),
            EV_OK);
        assert_near(r.p, cases[i].p, 1e-9);
        assert_false(r.stop);
        assert_int_equal(r.found, 20);
    }
}

static void stopping_rule_stops_after_a_long_run_of_exclusions(void **state)
{
    (void)state;
    static bool labels[950];
    sequence(labels, 950);
    ev_screen_stop_result r;
    assert_int_equal(ev_screen_stop_hypergeometric(&r, labels, 950, 1000, 0.95, 0.95, NULL), EV_OK);
    assert_true(r.stop);
    assert_true(r.p < 0.05);
    assert_true(r.recall_estimate >= 0.95 && r.recall_estimate <= 1.0);
    assert_int_equal(ev_screen_trailing_exclusions(labels, 950), 950 - 96);
}

static void stopping_rule_refuses_bad_parameters(void **state)
{
    (void)state;
    bool labels[3] = {true, false, false};
    ev_screen_stop_result r;
    assert_int_equal(ev_screen_stop_hypergeometric(&r, labels, 3, 2, 0.95, 0.95, NULL), EV_EUSAGE);
    assert_int_equal(ev_screen_stop_hypergeometric(&r, labels, 3, 10, 1.0, 0.95, NULL), EV_EUSAGE);
    assert_int_equal(ev_screen_stop_hypergeometric(&r, labels, 3, 10, 0.95, 0, NULL), EV_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kappa_of_the_textbook_two_by_two_is_0_4),
        cmocka_unit_test(kappa_se_and_ci_match_sas_proc_freq_skin_condition),
        cmocka_unit_test(kappa_is_nan_when_both_raters_use_one_category),
        cmocka_unit_test(kappa_refuses_an_empty_table_and_one_category),
        cmocka_unit_test(hypergeometric_cdf_matches_r_phyper),
        cmocka_unit_test(stopping_rule_p_values_match_scipy),
        cmocka_unit_test(stopping_rule_stops_after_a_long_run_of_exclusions),
        cmocka_unit_test(stopping_rule_refuses_bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
