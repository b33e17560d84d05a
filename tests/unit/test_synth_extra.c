/*
 * test_synth_extra.c - the synthextra parts of the synth module beyond the
 * golden cases: rank correlation test, regression test on an EE model,
 * permutation tests (R's random stream replayed, the exact sign-flip test,
 * reproducibility), trim and fill edge cases, the data table reader and
 * the error paths of Mantel-Haenszel, Peto, leave1out and subgroups.
 *
 * Reference numbers were computed with R 4.2.2 / metafor 3.8-1; the R call
 * that produced them is in the comment above each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_synth.h"

#define CLOSE(a, b) assert_true(fabs((a) - (b)) <= 1e-6 * fabs(b) + 1e-10)

/* dat.bcg (metadat), as in tests/fixtures/synth/bcg.csv */
static const double bcg_ai[] = {4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27};
static const double bcg_bi[] = {119, 300, 228, 13536, 5036, 1361, 2537,
                                87886, 7470, 1699, 50448, 2493, 16886};
static const double bcg_ci[] = {11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29};
static const double bcg_di[] = {128, 274, 209, 12619, 5761, 1079, 619,
                                87892, 7232, 1600, 27197, 2338, 17825};
static const double bcg_ablat[] = {44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33};

static ev_rma *bcg_fit(size_t k, ev_synth_test test, const ev_synth_design *X)
{
    ev_synth_data d = {.k = k, .ai = bcg_ai, .bi = bcg_bi, .ci = bcg_ci, .di = bcg_di};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.measure = EV_MEASURE_RR;
    opt.test = test;
    ev_escalc *es = NULL;
    ev_rma *fit = NULL;
    assert_int_equal(ev_escalc_compute(&es, &d, &opt, NULL), EV_OK);
    assert_int_equal(ev_rma_fit_escalc(&fit, es, X, &opt, NULL), EV_OK);
    ev_escalc_free(es);
    return fit;
}

static ev_synth_design *ablat_design(void)
{
    ev_synth_term t = {.name = "ablat", .num = bcg_ablat};
    ev_synth_design *X = NULL;
    assert_int_equal(ev_synth_design_new(&X, 13, &t, 1, NULL), EV_OK);
    return X;
}

/* R: ranktest(rma(yi, vi, data = escalc("RR", ..., dat.bcg))) */
static void ranktest_matches_metafor_exact_p(void **state)
{
    (void)state;
    ev_rma *fit = bcg_fit(13, EV_TEST_Z, NULL);
    ev_ranktest r;
    assert_int_equal(ev_ranktest_compute(&r, fit, NULL), EV_OK);
    assert_true(r.exact);
    CLOSE(r.tau, 0.02564102564102564);
    CLOSE(r.pval, 0.95236190796086628);
    ev_rma_free(fit);
}

/* R: t <- data.frame(yi = c(.1,.3,-.2,.5,.05,.4,.2,.15),
 *                    vi = c(.01,.02,.02,.05,.01,.05,.03,.02))
 *    ranktest(rma(yi, vi, data = t))   # ties in vi: normal approximation */
static void ranktest_with_ties_uses_normal_approximation(void **state)
{
    (void)state;
    double yi[] = {0.1, 0.3, -0.2, 0.5, 0.05, 0.4, 0.2, 0.15};
    double vi[] = {0.01, 0.02, 0.02, 0.05, 0.01, 0.05, 0.03, 0.02};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    ev_rma *fit = NULL;
    assert_int_equal(ev_rma_fit(&fit, yi, vi, 8, NULL, &opt, NULL), EV_OK);
    ev_ranktest r;
    assert_int_equal(ev_ranktest_compute(&r, fit, NULL), EV_OK);
    assert_false(r.exact);
    CLOSE(r.tau, 0.5910828046793255);
    CLOSE(r.pval, 0.052150014561058368);
    ev_rma_free(fit);
}

/* R: regtest(rma(yi, vi, data = dat.hackshaw1998, method = "EE")), first
 * 3 numbers of hackshaw.csv are enough to identify the data; we refit all. */
static void regtest_on_equal_effects_model_matches_metafor(void **state)
{
    (void)state;
    ev_synth_table *t = NULL;
    ev_synth_data d;
    assert_int_equal(ev_synth_table_read(&t, EV_SOURCE_DIR "/tests/fixtures/synth/hackshaw.csv",
                                         NULL), EV_OK);
    assert_int_equal(ev_synth_table_data(&d, t, EV_MEASURE_GEN, NULL), EV_OK);
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.method = EV_METHOD_EE;
    ev_rma *fit = NULL;
    assert_int_equal(ev_rma_fit(&fit, d.yi, d.vi, d.k, NULL, &opt, NULL), EV_OK);
    ev_regtest r;
    assert_int_equal(ev_regtest_compute(&r, fit, EV_REGTEST_RMA, NULL), EV_OK);
    CLOSE(r.stat, 2.5744599784705198);
    CLOSE(r.pval, 0.010039670085117917);
    CLOSE(r.est, 0.0050373230754629881);
    CLOSE(r.ci_lb, -0.15076867803360752);
    CLOSE(r.ci_ub, 0.16084332418453348);
    ev_ranktest rk; /* R: ranktest(same fit) */
    assert_int_equal(ev_ranktest_compute(&rk, fit, NULL), EV_OK);
    CLOSE(rk.tau, 0.14414414414414414);
    CLOSE(rk.pval, 0.21568812466960985);
    ev_rma_free(fit);
    ev_synth_table_free(t);
}

/* R: res <- rma(yi, vi, mods = ~ ablat, data = dat)
 *    permutest(res, iter = 1000, seed = 1)   -> pval 0.692, 0.003; QMp 0.003 */
static void permtest_replays_r_random_stream(void **state)
{
    (void)state;
    ev_synth_design *X = ablat_design();
    ev_rma *fit = bcg_fit(13, EV_TEST_Z, X);
    ev_permtest *pt = NULL;
    assert_int_equal(ev_permtest_run(&pt, fit, 1000, 1, EV_PERM_RNG_R, NULL, NULL, NULL), EV_OK);
    assert_int_equal(pt->iter, 1000);
    CLOSE(pt->pval[0], 0.692);
    CLOSE(pt->pval[1], 0.003);
    CLOSE(pt->QMp, 0.003);
    ev_permtest_free(pt);
    ev_rma_free(fit);
    ev_synth_design_free(X);
}

static void permtest_same_seed_same_result(void **state)
{
    (void)state;
    ev_synth_design *X = ablat_design();
    ev_rma *fit = bcg_fit(13, EV_TEST_KNHA, X);
    ev_permtest *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(ev_permtest_run(&a, fit, 400, 99, EV_PERM_RNG_XOSHIRO, NULL, NULL, NULL),
                     EV_OK);
    assert_int_equal(ev_permtest_run(&b, fit, 400, 99, EV_PERM_RNG_XOSHIRO, NULL, NULL, NULL),
                     EV_OK);
    assert_int_equal(ev_permtest_run(&c, fit, 400, 100, EV_PERM_RNG_XOSHIRO, NULL, NULL, NULL),
                     EV_OK);
    assert_true(a->pval[1] == b->pval[1] && a->QMp == b->QMp);
    assert_true(a->pval[1] > 0 && a->pval[1] < 0.05); /* ablat is a real moderator */
    assert_true(a->pval[0] != c->pval[0] || a->pval[1] != c->pval[1] || a->QMp != c->QMp);
    ev_permtest_free(a);
    ev_permtest_free(b);
    ev_permtest_free(c);
    ev_rma_free(fit);
    ev_synth_design_free(X);
}

/* R: permutest(rma(yi, vi, data = dat[1:5, ]), iter = 100)  -> exact, 2^5
 * sign flips, pval 0.0625 */
static void permtest_intercept_only_is_exact_when_feasible(void **state)
{
    (void)state;
    ev_rma *fit = bcg_fit(5, EV_TEST_Z, NULL);
    ev_permtest *pt = NULL;
    assert_int_equal(ev_permtest_run(&pt, fit, 100, 1, EV_PERM_RNG_XOSHIRO, NULL, NULL, NULL),
                     EV_OK);
    assert_int_equal(pt->iter, 32);
    CLOSE(pt->pval[0], 0.0625);
    assert_true(isnan(pt->QMp));
    ev_permtest_free(pt);
    ev_rma_free(fit);
}

static bool cancel_at_once(uint64_t done, uint64_t total, void *payload)
{
    (void)done, (void)total;
    ++*(int *)payload;
    return false;
}

static void permtest_progress_can_cancel(void **state)
{
    (void)state;
    ev_synth_design *X = ablat_design();
    ev_rma *fit = bcg_fit(13, EV_TEST_Z, X);
    ev_permtest *pt = NULL;
    ev_error err = EV_ERROR_INIT;
    int calls = 0;
    assert_int_equal(ev_permtest_run(&pt, fit, 2000, 1, EV_PERM_RNG_XOSHIRO, cancel_at_once,
                                     &calls, &err), EV_ECANCEL);
    assert_null(pt);
    assert_int_equal(calls, 1);
    assert_int_equal(ev_permtest_run(&pt, fit, 1, 1, EV_PERM_RNG_XOSHIRO, NULL, NULL, NULL),
                     EV_EUSAGE);
    ev_rma_free(fit);
    ev_synth_design_free(X);
}

/* R: trimfill(res, side = "left") -> k0 = 0, se.k0 = 2.166658537010389, and
 * the model is the original one; trimfill(rma(..., test = "knha")) refits
 * the augmented data with a z-test: beta -0.65708280076036463,
 * se 0.17852846695558042, zval -3.6805491693593777. */
static void trimfill_k0_zero_keeps_the_model_and_refits_use_z(void **state)
{
    (void)state;
    ev_rma *fit = bcg_fit(13, EV_TEST_Z, NULL);
    ev_trimfill *tf = NULL;
    assert_int_equal(ev_trimfill_run(&tf, fit, EV_TRIMFILL_L0, EV_SIDE_LEFT, NULL), EV_OK);
    assert_int_equal(tf->k0, 0);
    CLOSE(tf->se_k0, 2.166658537010389);
    CLOSE(tf->fit->beta[0], fit->beta[0]);
    assert_int_equal(tf->fit->k_all, 13);
    ev_trimfill_free(tf);
    ev_rma_free(fit);

    fit = bcg_fit(13, EV_TEST_KNHA, NULL);
    assert_int_equal(ev_trimfill_run(&tf, fit, EV_TRIMFILL_L0, EV_SIDE_AUTO, NULL), EV_OK);
    assert_int_equal(tf->k0, 1);
    assert_int_equal(tf->side, EV_SIDE_RIGHT);
    assert_false(tf->fit->stat_is_t);
    CLOSE(tf->fit->beta[0], -0.65708280076036463);
    CLOSE(tf->fit->se[0], 0.17852846695558042);
    CLOSE(tf->fit->stat[0], -3.6805491693593777);
    assert_true(tf->fill[13] && !tf->fill[12]);
    ev_trimfill_free(tf);
    ev_rma_free(fit);
}

static void bias_and_sensitivity_refuse_moderator_models(void **state)
{
    (void)state;
    ev_synth_design *X = ablat_design();
    ev_rma *fit = bcg_fit(13, EV_TEST_Z, X);
    ev_regtest r;
    ev_trimfill *tf = NULL;
    ev_sens *s = NULL;
    assert_int_equal(ev_regtest_compute(&r, fit, EV_REGTEST_LM, NULL), EV_EUSAGE);
    assert_int_equal(ev_trimfill_run(&tf, fit, EV_TRIMFILL_L0, EV_SIDE_AUTO, NULL), EV_EUSAGE);
    assert_int_equal(ev_leave1out_run(&s, fit, NULL), EV_EUSAGE);
    assert_int_equal(ev_cumul_run(&s, fit, NULL, NULL), EV_EUSAGE);
    ev_rma_free(fit);
    ev_synth_design_free(X);
}

static void leave1out_marks_unused_studies_and_needs_two(void **state)
{
    (void)state;
    double yi[] = {0.1, NAN, 0.3, 0.2}, vi[] = {0.01, 0.02, 0.02, 0.03};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.method = EV_METHOD_EE;
    ev_rma *fit = NULL;
    ev_sens *s = NULL;
    assert_int_equal(ev_rma_fit(&fit, yi, vi, 4, NULL, &opt, NULL), EV_OK);
    assert_int_equal(ev_leave1out_run(&s, fit, NULL), EV_OK);
    assert_true(s->rows[0].ok && !s->rows[1].ok && s->rows[2].ok);
    assert_true(isnan(s->rows[1].estimate));
    /* without study 1 (0.1, w 100) the EE mean of 0.3 (w 50) and 0.2 (w 33.3) */
    CLOSE(s->rows[0].estimate, (0.3 * 50 + 0.2 * 100.0 / 3) / (50 + 100.0 / 3));
    ev_sens_free(s);
    ev_rma_free(fit);
    assert_int_equal(ev_rma_fit(&fit, yi, vi, 2, NULL, &opt, NULL), EV_OK);
    assert_int_equal(ev_leave1out_run(&s, fit, NULL), EV_EINPUT);
    ev_rma_free(fit);
}

static void subgroup_needs_two_levels(void **state)
{
    (void)state;
    double yi[] = {0.1, 0.2, 0.3}, vi[] = {0.01, 0.02, 0.02};
    const char *g[] = {"a", "a", NULL};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    ev_subgroup *sg = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_subgroup_run(&sg, yi, vi, 3, g, "arm", &opt, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "'arm'"));
    assert_null(sg);
}

static void mh_rejects_other_measures_and_undefined_estimates(void **state)
{
    (void)state;
    double a[] = {0, 0, 0}, b[] = {10, 20, 5}, c[] = {1, 2, 0}, d[] = {9, 18, 6};
    ev_synth_data data = {.k = 3, .ai = a, .bi = b, .ci = c, .di = d};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.drop00 = true;
    ev_rma_mh *fit = NULL;
    ev_error err = EV_ERROR_INIT;
    opt.measure = EV_MEASURE_SMD;
    assert_int_equal(ev_rma_mh_fit(&fit, &data, &opt, true, &err), EV_EUSAGE);
    opt.measure = EV_MEASURE_OR; /* no events in group 1 anywhere: R = 0 */
    ev_error_clear(&err);
    assert_int_equal(ev_rma_mh_fit(&fit, &data, &opt, true, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "not defined"));
    assert_null(fit);
    opt.measure = EV_MEASURE_RD; /* the RD is defined: 0 - 3/50 over the tables */
    assert_int_equal(ev_rma_mh_fit(&fit, &data, &opt, true, NULL), EV_OK);
    assert_true(fit->beta < 0 && isfinite(fit->se));
    ev_rma_mh_free(fit);
}

static void peto_rejects_tables_without_variance(void **state)
{
    (void)state;
    double a[] = {0, 0}, b[] = {10, 20}, c[] = {0, 0}, d[] = {9, 18};
    ev_synth_data data = {.k = 2, .ai = a, .bi = b, .ci = c, .di = d};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.drop00 = true;
    ev_rma_mh *fit = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_peto_fit(&fit, &data, &opt, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "peto"));
}

static void mh_omits_tables_with_missing_cells_with_warning(void **state)
{
    (void)state;
    double a[] = {4, 6, NAN}, b[] = {119, 300, 228}, c[] = {11, 29, 11}, d[] = {128, 274, 209};
    ev_synth_data data = {.k = 3, .ai = a, .bi = b, .ci = c, .di = d};
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.measure = EV_MEASURE_OR;
    opt.drop00 = true;
    ev_rma_mh *fit = NULL;
    assert_int_equal(ev_rma_mh_fit(&fit, &data, &opt, true, NULL), EV_OK);
    assert_int_equal(fit->k, 2);
    assert_int_equal(fit->k_yi, 2);
    assert_int_equal(fit->n_warnings, 2);
    assert_true(isnan(fit->yi[2]));
    ev_rma_mh_free(fit);
}

/* ---- the data table ---------------------------------------------------------- */

static ev_synth_table *parse_ok(const char *text)
{
    ev_synth_table *t = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_synth_table_parse(&t, text, strlen(text), "t.csv", &err);
    if (st != EV_OK)
        print_message("unexpected error: %s\n", err.message);
    assert_int_equal(st, EV_OK);
    return t;
}

static void parse_err(const char *text, size_t line, size_t col, const char *what)
{
    ev_synth_table *t = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_table_parse(&t, text, strlen(text), "t.csv", &err), EV_EINPUT);
    assert_null(t);
    assert_string_equal(err.input, "t.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, col);
    if (strstr(err.message, what) == NULL)
        print_message("message: %s\n", err.message);
    assert_non_null(strstr(err.message, what));
}

static void table_reads_quotes_separators_and_missing_cells(void **state)
{
    (void)state;
    ev_synth_table *t =
        parse_ok("\xEF\xBB\xBFstudy;yi;vi\r\n\"Smith; \"\"J\"\"\";0.5;0.01\r\n\r\nLee;NA;0.02\r\n"
                 "Kim;-1e-1;\n");
    size_t c;
    assert_int_equal(ev_synth_table_rows(t), 3);
    assert_int_equal(ev_synth_table_cols(t), 3);
    assert_true(ev_synth_table_find(t, "study", &c) && c == 0);
    assert_false(ev_synth_table_is_numeric(t, 0));
    assert_string_equal(ev_synth_table_text(t, 0)[0], "Smith; \"J\"");
    assert_true(ev_synth_table_is_numeric(t, 1));
    assert_true(isnan(ev_synth_table_num(t, 1)[1]));
    CLOSE(ev_synth_table_num(t, 1)[2], -0.1);
    assert_null(ev_synth_table_text(t, 2)[2]);
    assert_int_equal(ev_synth_table_line(t, 1), 4);
    ev_synth_table_free(t);
}

static void table_errors_name_line_and_field(void **state)
{
    (void)state;
    parse_err("a,b\n1,\"2\n", 2, 2, "unterminated quoted field");
    parse_err("a,a\n1,2\n", 1, 2, "duplicate column name 'a'");
    parse_err("a,,c\n1,2,3\n", 1, 2, "empty column name");
    parse_err("a,b\n1,2\n3,4,5\n", 3, 3, "more fields than the 2 columns");
    parse_err("a,b\n1,2\n3\n", 3, 1, "1 fields, but the header has 2 columns");
    parse_err("a,b\n1,x\"y\n", 2, 2, "stray quote");
    parse_err("a,b\n1,\xff\n", 2, 3, "invalid UTF-8");
    parse_err("a,b\n\n\n", 0, 0, "no data rows");
}

static void table_data_checks_cells_for_the_measure(void **state)
{
    (void)state;
    ev_synth_table *t = parse_ok("ai,n1i,ci,n2i\n1,10,2,10\n12,10,2,10\n");
    ev_synth_data d;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_table_data(&d, t, EV_MEASURE_OR, &err), EV_EINPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "ai = 12 is larger than n1i = 10"));
    ev_synth_table_free(t);

    t = parse_ok("ri,ni\n0.5,20\n1.5,30\n");
    ev_error_clear(&err);
    assert_int_equal(ev_synth_table_data(&d, t, EV_MEASURE_ZCOR, &err), EV_EINPUT);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "correlation"));
    ev_synth_table_free(t);

    t = parse_ok("yi,sei\n0.5,0.1\n0.2,0.2\n");
    assert_int_equal(ev_synth_table_data(&d, t, EV_MEASURE_GEN, NULL), EV_OK);
    assert_non_null(d.sei);
    assert_null(d.vi);
    ev_error_clear(&err);
    assert_int_equal(ev_synth_table_data(&d, t, EV_MEASURE_SMD, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "missing column 'm1i' (measure SMD needs m1i sd1i n1i "
                                        "m2i sd2i n2i)"));
    ev_synth_table_free(t);
}

static void table_read_reports_missing_file(void **state)
{
    (void)state;
    ev_synth_table *t = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_table_read(&t, EV_SOURCE_DIR "/tests/fixtures/synth/none.csv", &err),
                     EV_EIO);
    assert_null(t);
    assert_non_null(strstr(err.message, "cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranktest_matches_metafor_exact_p),
        cmocka_unit_test(ranktest_with_ties_uses_normal_approximation),
        cmocka_unit_test(regtest_on_equal_effects_model_matches_metafor),
        cmocka_unit_test(permtest_replays_r_random_stream),
        cmocka_unit_test(permtest_same_seed_same_result),
        cmocka_unit_test(permtest_intercept_only_is_exact_when_feasible),
        cmocka_unit_test(permtest_progress_can_cancel),
        cmocka_unit_test(trimfill_k0_zero_keeps_the_model_and_refits_use_z),
        cmocka_unit_test(bias_and_sensitivity_refuse_moderator_models),
        cmocka_unit_test(leave1out_marks_unused_studies_and_needs_two),
        cmocka_unit_test(subgroup_needs_two_levels),
        cmocka_unit_test(mh_rejects_other_measures_and_undefined_estimates),
        cmocka_unit_test(peto_rejects_tables_without_variance),
        cmocka_unit_test(mh_omits_tables_with_missing_cells_with_warning),
        cmocka_unit_test(table_reads_quotes_separators_and_missing_cells),
        cmocka_unit_test(table_errors_name_line_and_field),
        cmocka_unit_test(table_data_checks_cells_for_the_measure),
        cmocka_unit_test(table_read_reports_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
