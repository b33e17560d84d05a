/*
 * test_report_pool.c - meta-analysis from charted data: the example
 * review's outcomes (examples/ankle-regen) pooled by ev_report_pool_run
 * against metafor's results (tests/golden/report/pool_expected.txt, made
 * by metafor.R there); left-out studies say why; instruments of opposite
 * direction are refused without harmonisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_report.h"
#include "chart_fixture.h"

#define EX EV_SOURCE_DIR "/examples/ankle-regen/"

typedef chart_fx fx;

static int setup(void **state)
{
    fx *f = chart_fx_open("report-pool");
    if (!f)
        return -1;
    if (ev_chart_import_file(f->c, EX "studies.json", "charter", NULL, NULL) != EV_OK ||
        ev_chart_import_file(f->c, EX "outcomes.json", "charter", NULL, NULL) != EV_OK) {
        chart_fx_close(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    chart_fx_close(*state);
    return 0;
}

/* One line of the golden file: name then key/value pairs. */
static double golden(const char *name, const char *key)
{
    FILE *fp = fopen(EV_SOURCE_DIR "/tests/golden/report/pool_expected.txt", "r");
    assert_non_null(fp);
    char line[1024];
    double v = NAN;
    while (fgets(line, sizeof line, fp)) {
        size_t n = strlen(name);
        if (strncmp(line, name, n) || line[n] != ' ')
            continue;
        char pat[64];
        snprintf(pat, sizeof pat, " %s ", key);
        const char *at = strstr(line, pat);
        assert_non_null(at);
        v = strtod(at + strlen(pat), NULL);
    }
    fclose(fp);
    return v;
}

static void check(const ev_report_pool *p, const char *name)
{
    const double got[] = {p->est, p->se, p->ci_lb, p->ci_ub, p->tau2, p->I2, p->QE, p->QEp};
    static const char *const keys[] = {"estimate", "se", "ci_lb", "ci_ub",
                                       "tau2",     "I2", "QE",    "QEp"};
    for (size_t i = 0; i < 8; i++) {
        double want = golden(name, keys[i]);
        assert_false(isnan(want));
        if (fabs(got[i] - want) > 1e-6)
            fail_msg("%s %s: got %.10f, metafor %.10f", name, keys[i], got[i], want);
    }
}

static ev_report_pool *run(fx *f, const char *inst, const char *measure, const char *method)
{
    ev_report_outcome o = {inst, "final follow-up", "MSC", "BMS", measure, method, false};
    ev_report_pool *p = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_report_pool_run(&p, f->c, f->cat, &o, &err) != EV_OK)
        fail_msg("%s", err.message);
    return p;
}

static void aofas_mean_difference_matches_metafor(void **state)
{
    ev_report_pool *p = run(*state, "AOFAS", NULL, NULL);
    assert_int_equal(p->measure, EV_MEASURE_MD);
    assert_int_equal(p->k, 4);
    assert_false(p->harmonised);
    check(p, "aofas_md");
    /* Kim 2016's arms are "SMO + MSC + BMS" (group 1) and "SMO + BMS" */
    for (size_t i = 0; i < p->nstudies; i++)
        if (!strcmp(p->studies[i].study, "kim2016")) {
            assert_string_equal(p->studies[i].arm1, "SMO + MSC + BMS");
            assert_string_equal(p->studies[i].arm2, "SMO + BMS");
            assert_true(fabs(p->studies[i].yi - (85.2 - 81.2)) < 1e-12);
        }
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_report_pool_forest(p, NULL, &b, NULL), EV_OK);
    assert_non_null(strstr(ev_buf_cstr(&b), "<svg")); /* cairo draws text as glyphs */
    ev_buf_release(&b);
    ev_report_pool_free(p);
}

static void vas_leaves_out_the_study_without_control_data(void **state)
{
    ev_report_pool *p = run(*state, "VAS", NULL, NULL);
    assert_int_equal(p->nstudies, 4);
    assert_int_equal(p->k, 3);
    check(p, "vas_md");
    bool seen = false;
    for (size_t i = 0; i < p->nstudies; i++)
        if (!strcmp(p->studies[i].study, "kim2014a")) {
            assert_string_equal(p->studies[i].left_out,
                                "no value at this time point for the control arm");
            assert_true(isnan(p->studies[i].m2) && isnan(p->studies[i].yi));
            seen = true;
        }
    assert_true(seen);
    ev_report_pool_free(p);
}

static void smd_across_instruments_harmonises_signs(void **state)
{
    ev_report_pool *p = run(*state, "VAS,AOFAS", NULL, NULL);
    assert_int_equal(p->measure, EV_MEASURE_SMD);
    assert_true(p->harmonised);
    assert_true(p->est > 0); /* less pain with MSC: positive favours treatment */
    check(p, "vas_aofas_smd");
    ev_report_pool_free(p);
}

static void smd_with_dersimonian_laird_matches_metafor(void **state)
{
    ev_report_pool *p = run(*state, "AOFAS", "SMD", "DL");
    check(p, "aofas_smd_dl");
    ev_report_pool_free(p);
}

static void opposite_directions_are_refused_without_harmonisation(void **state)
{
    fx *f = *state;
    ev_report_outcome o = {"AOFAS,VAS", "final follow-up", "MSC", "BMS", NULL, NULL, true};
    ev_report_pool *p = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_pool_run(&p, f->c, f->cat, &o, &err), EV_EREFUSED);
    assert_null(p);
    assert_string_equal(err.message, "pool: AOFAS (higher is better) and VAS (lower is better)"
                                     " point in opposite directions; pooling them needs"
                                     " harmonised signs");
    o.no_harmonise = false;
    o.measure = "MD";
    ev_error_clear(&err);
    assert_int_equal(ev_report_pool_run(&p, f->c, f->cat, &o, &err), EV_EREFUSED);
    assert_non_null(strstr(err.message, "a mean difference needs one instrument"));
}

static void missing_sds_are_said_not_invented(void **state)
{
    fx *f = *state;
    /* Paget 2021: AOFAS at 26 weeks for PRP (no SD), only a change for placebo */
    ev_report_outcome o = {"AOFAS", "26 weeks", "PRP", "placebo", NULL, NULL, false};
    ev_report_pool *p = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_pool_run(&p, f->c, f->cat, &o, &err), EV_EINPUT);
    assert_string_equal(err.message, "pool: AOFAS at 26 weeks: PRP vs placebo: 0 of 1 studies have"
                                     " complete data (Paget et al. (2021): no value at this"
                                     " time point for the control arm)");
}

static void unknown_instrument_is_not_found(void **state)
{
    fx *f = *state;
    ev_report_outcome o = {"AOFAZ", "final follow-up", "MSC", "BMS", NULL, NULL, false};
    ev_report_pool *p = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_pool_run(&p, f->c, f->cat, &o, &err), EV_ENOTFOUND);
    assert_string_equal(err.message, "pool: instrument 'AOFAZ' is not in the catalogue");
}

/* fontconfig (under cairo, drawing the figures) keeps its cache for the
 * life of the process: not a leak of ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aofas_mean_difference_matches_metafor),
        cmocka_unit_test(vas_leaves_out_the_study_without_control_data),
        cmocka_unit_test(smd_across_instruments_harmonises_signs),
        cmocka_unit_test(smd_with_dersimonian_laird_matches_metafor),
        cmocka_unit_test(opposite_directions_are_refused_without_harmonisation),
        cmocka_unit_test(missing_sds_are_said_not_invented),
        cmocka_unit_test(unknown_instrument_is_not_found),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
