/*
 * test_synth_bad.c - bad inputs to the synth engine: empty data, one study,
 * impossible values, missing values, all studies dropped, rank-deficient
 * designs, non-convergence and allocation failures. Every failure is a
 * status with a message naming the study row (1-based) and column; a fit
 * that succeeds has only finite numbers where metafor reports numbers.
 */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_synth.h"

/* dat.bcg, first four trials (metadat 1.2-0) */
static const double tpos[] = {4, 6, 3, 62}, tneg[] = {119, 300, 228, 13536};
static const double cpos[] = {11, 29, 11, 248}, cneg[] = {128, 274, 209, 12619};

static ev_synth_options opts(ev_synth_measure m, ev_synth_method method)
{
    ev_synth_options o;
    ev_synth_options_init(&o);
    o.measure = m;
    o.method = method;
    return o;
}

static void assert_fit_finite(const ev_rma *f)
{
    assert_true(isfinite(f->beta[0]) && isfinite(f->se[0]) && isfinite(f->pval[0]));
    assert_true(isfinite(f->ci_lb[0]) && isfinite(f->ci_ub[0]));
    assert_true(isfinite(f->tau2) && isfinite(f->QE) && isfinite(f->QEp));
    assert_true(isfinite(f->I2) && isfinite(f->H2));
    assert_true(isfinite(f->fit_ml.loglik) && isfinite(f->fit_reml.loglik));
}

static void empty_data_is_rejected(void **state)
{
    (void)state;
    ev_synth_options o = opts(EV_MEASURE_RR, EV_METHOD_REML);
    ev_synth_data d = {0};
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_null(es);
    ev_rma *f = NULL;
    ev_error_clear(&err);
    assert_int_equal(ev_rma_fit(&f, NULL, NULL, 0, NULL, &o, &err), EV_EINPUT);
    assert_null(f);
}

static void one_study_fits_with_tau2_zero(void **state)
{
    (void)state;
    /* metafor (golden case bcg_k1_rr_reml): k = 1 gives tau2 = 0, se.tau2 NA,
     * I2 = 0, H2 = 1 and the fixed-effect estimate. */
    double yi[] = {-0.8893113339202054}, vi[] = {0.32558476500396133};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 1, NULL, &o, &err), EV_OK);
    assert_fit_finite(f);
    assert_true(f->tau2 == 0.0 && isnan(f->se_tau2));
    assert_true(f->I2 == 0.0 && f->H2 == 1.0);
    assert_true(fabs(f->se[0] - 0.5706003548929507) < 1e-12);
    ev_rma_free(f);
}

static void nonpositive_variance_names_study_and_column(void **state)
{
    (void)state;
    double yi[] = {0.1, 0.2, 0.3}, vi[] = {0.1, -0.2, 0.1};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_DL);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 3, NULL, &o, &err), EV_EINPUT);
    assert_null(f);
    assert_non_null(strstr(err.message, "study 2"));
    assert_non_null(strstr(err.message, "'vi'"));
    assert_int_equal(err.line, 2);
    vi[1] = 0.0;
    ev_error_clear(&err);
    assert_int_equal(ev_rma_fit(&f, yi, vi, 3, NULL, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 2"));
}

static void bad_means_name_study_and_column(void **state)
{
    (void)state;
    double m1[] = {10, 11, 12}, sd1[] = {2, 2, 2}, n1[] = {20, 20, 20};
    double m2[] = {9, 9, 9}, sd2[] = {2, 0, 2}, n2[] = {20, 20, 20};
    ev_synth_data d = {.k = 3, .m1i = m1, .sd1i = sd1, .n1i = n1,
                       .m2i = m2, .sd2i = sd2, .n2i = n2};
    ev_synth_options o = opts(EV_MEASURE_SMD, EV_METHOD_REML);
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 2"));
    assert_non_null(strstr(err.message, "'sd2i'"));
    sd2[1] = 2;
    n1[2] = 1;
    ev_error_clear(&err);
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 3"));
    assert_non_null(strstr(err.message, "'n1i'"));
    assert_null(es);
}

static void impossible_counts_are_rejected(void **state)
{
    (void)state;
    double ai[] = {4, 30}, n1i[] = {123, 20}, ci[] = {11, 29}, n2i[] = {139, 303};
    ev_synth_data d = {.k = 2, .ai = ai, .n1i = n1i, .ci = ci, .n2i = n2i};
    ev_synth_options o = opts(EV_MEASURE_OR, EV_METHOD_DL);
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 2"));
    assert_non_null(strstr(err.message, "'ai'"));
    ai[1] = -1;
    ev_error_clear(&err);
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 2"));
    double ri[] = {0.5, 1.2}, ni[] = {30, 40};
    ev_synth_data dc = {.k = 2, .ri = ri, .ni = ni};
    o.measure = EV_MEASURE_ZCOR;
    ev_error_clear(&err);
    assert_int_equal(ev_escalc_compute(&es, &dc, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "'ri'"));
}

static void missing_column_is_named(void **state)
{
    (void)state;
    ev_synth_data d = {.k = 4, .ai = tpos, .bi = tneg, .ci = cpos};
    ev_synth_options o = opts(EV_MEASURE_RR, EV_METHOD_REML);
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "'di'"));
}

static void infinite_input_is_rejected(void **state)
{
    (void)state;
    double yi[] = {0.1, INFINITY, 0.3}, vi[] = {0.1, 0.2, 0.1};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 3, NULL, &o, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "study 2"));
}

static void missing_values_omit_the_study_with_a_warning(void **state)
{
    (void)state;
    /* NaN is metafor's NA: the study is left out, as rma() does. */
    double yi[] = {-0.89, NAN, -1.35, -1.44}, vi[] = {0.33, 0.19, 0.42, 0.02};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 4, NULL, &o, &err), EV_OK);
    assert_int_equal(f->k, 3);
    assert_false(f->used[1]);
    assert_true(isnan(f->weights[1]));
    assert_int_equal(f->n_warnings, 1);
    assert_string_equal(f->warnings[0], "Studies with NAs omitted from model fitting.");
    assert_fit_finite(f);
    ev_rma_free(f);
    double all[] = {NAN, NAN, NAN, NAN};
    ev_error_clear(&err);
    assert_int_equal(ev_rma_fit(&f, all, vi, 4, NULL, &o, &err), EV_EINPUT);
    assert_null(f);
}

static void all_studies_dropped_by_zero_rule(void **state)
{
    (void)state;
    double ai[] = {0, 0}, bi[] = {10, 12}, ci[] = {0, 0}, di[] = {11, 9};
    ev_synth_data d = {.k = 2, .ai = ai, .bi = bi, .ci = ci, .di = di};
    ev_synth_options o = opts(EV_MEASURE_OR, EV_METHOD_DL);
    o.drop00 = true;
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_escalc_compute(&es, &d, &o, &err), EV_OK);
    assert_true(es->dropped[0] && es->dropped[1]);
    ev_rma *f = NULL;
    assert_int_equal(ev_rma_fit_escalc(&f, es, NULL, &o, &err), EV_EINPUT);
    assert_null(f);
    assert_non_null(strstr(err.message, "no study"));
    ev_escalc_free(es);
}

static void nonconvergence_names_the_estimator(void **state)
{
    (void)state;
    /* golden case synthetic_nonconv_a_reml: metafor's Fisher scoring
     * oscillates with the default control; step halving (stepadj 0.5)
     * converges to tau2 = 0.8635534438394974. */
    double yi[] = {0.2498, -1.802, 0.3944, 0.3828, -0.09756, 0.6454, -0.4075, 0.1408};
    double vi[] = {1.08, 0.01376, 1.169, 0.9636, 1.634, 1.086, 43.92, 0.3615};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 8, NULL, &o, &err), EV_EINPUT);
    assert_null(f);
    assert_non_null(strstr(err.message, "REML estimation of tau2 did not converge"));
    assert_non_null(strstr(err.message, "stepadj"));
    o.control.stepadj = 0.5;
    o.control.threshold = 1e-12;
    o.control.maxiter = 10000;
    ev_error_clear(&err);
    assert_int_equal(ev_rma_fit(&f, yi, vi, 8, NULL, &o, &err), EV_OK);
    assert_true(fabs(f->tau2 - 0.8635534438394974) < 1e-8);
    assert_fit_finite(f);
    ev_rma_free(f);
}

static void redundant_moderator_is_dropped_with_warning(void **state)
{
    (void)state;
    /* as metafor: a column that is a linear combination of earlier ones is
     * dropped ("Redundant predictors dropped from the model.") */
    double yi[] = {0.1, 0.2, 0.3, 0.5, 0.4}, vi[] = {0.1, 0.2, 0.1, 0.2, 0.15};
    double x[] = {1, 2, 4, 1, 3, 6, 1, 4, 8, 1, 5, 10, 1, 7, 14}; /* col 3 = 2 * col 2 */
    const char *names[] = {"intrcpt", "a", "b"};
    ev_synth_design *X = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_design_from_matrix(&X, 5, 3, x, names, &err), EV_OK);
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 5, X, &o, &err), EV_OK);
    assert_int_equal(f->p, 2);
    assert_string_equal(f->coef_names[1], "a");
    assert_int_equal(f->n_warnings, 1);
    assert_string_equal(f->warnings[0], "Redundant predictors dropped from the model.");
    assert_fit_finite(f);
    ev_rma_free(f);
    ev_synth_design_free(X);
}

static void too_many_coefficients_are_rejected(void **state)
{
    (void)state;
    double yi[] = {0.1, 0.2, 0.3}, vi[] = {0.1, 0.2, 0.1};
    double x[] = {1, 1, 0, 1, 2, 1, 1, 4, 5};
    ev_synth_design *X = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_design_from_matrix(&X, 3, 3, x, NULL, &err), EV_OK);
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    ev_rma *f = NULL;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 3, X, &o, &err), EV_EINPUT);
    assert_null(f);
    assert_non_null(strstr(err.message, "too few"));
    ev_synth_design_free(X);
}

static void single_level_factor_is_rejected(void **state)
{
    (void)state;
    const char *g[] = {"a", "a", "a"};
    ev_synth_term t = {"grp", NULL, g};
    ev_synth_design *X = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_design_new(&X, 3, &t, 1, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "'grp'"));
}

static void bad_options_are_usage_errors(void **state)
{
    (void)state;
    double yi[] = {0.1, 0.2}, vi[] = {0.1, 0.2};
    ev_synth_options o = opts(EV_MEASURE_GEN, EV_METHOD_REML);
    o.level = 100;
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_fit(&f, yi, vi, 2, NULL, &o, &err), EV_EUSAGE);
    o.level = 95;
    o.control.stepadj = 0;
    ev_error_clear(&err);
    assert_int_equal(ev_rma_fit(&f, yi, vi, 2, NULL, &o, &err), EV_EUSAGE);
    assert_null(f);
}

static void allocation_failures_leak_nothing(void **state)
{
    (void)state;
    ev_synth_data d = {.k = 4, .ai = tpos, .bi = tneg, .ci = cpos, .di = cneg};
    const char *g[] = {"x", "y", "x", "y"};
    ev_synth_term t = {"g", NULL, g};
    ev_synth_options o = opts(EV_MEASURE_RR, EV_METHOD_REML);
    for (size_t n = 1; n < 200; n++) {
        long live = ev_alloc_live();
        ev_alloc_fail_after(n, false);
        ev_escalc *es = NULL;
        ev_synth_design *X = NULL;
        ev_rma *f = NULL;
        ev_error err = EV_ERROR_INIT;
        ev_status st = ev_escalc_compute(&es, &d, &o, &err);
        if (st == EV_OK)
            st = ev_synth_design_new(&X, 4, &t, 1, &err);
        if (st == EV_OK)
            st = ev_rma_fit_escalc(&f, es, X, &o, &err);
        ev_alloc_fail_after(0, false);
        assert_true(st == EV_OK || st == EV_ENOMEM);
        ev_rma_free(f);
        ev_synth_design_free(X);
        ev_escalc_free(es);
        assert_int_equal(ev_alloc_live(), live);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_data_is_rejected),
        cmocka_unit_test(one_study_fits_with_tau2_zero),
        cmocka_unit_test(nonpositive_variance_names_study_and_column),
        cmocka_unit_test(bad_means_name_study_and_column),
        cmocka_unit_test(impossible_counts_are_rejected),
        cmocka_unit_test(missing_column_is_named),
        cmocka_unit_test(infinite_input_is_rejected),
        cmocka_unit_test(missing_values_omit_the_study_with_a_warning),
        cmocka_unit_test(all_studies_dropped_by_zero_rule),
        cmocka_unit_test(nonconvergence_names_the_estimator),
        cmocka_unit_test(redundant_moderator_is_dropped_with_warning),
        cmocka_unit_test(too_many_coefficients_are_rejected),
        cmocka_unit_test(single_level_factor_is_rejected),
        cmocka_unit_test(bad_options_are_usage_errors),
        cmocka_unit_test(allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
