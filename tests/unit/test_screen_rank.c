/* test_screen_rank.c - the TF-IDF + Naive Bayes ranker against
 * scikit-learn on a toy corpus, the logistic-regression ranker's ordering,
 * and simulations on the Antihistamines set (Cohen et al. 2006) with a
 * fixed seed: reproducible, sane metrics, bad labelled files refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>

/* cmocka compares floats in single precision: compare doubles here */
#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (double)(tol))
#include <string.h>

#include "evident/ev_screen.h"

static const char *const toy[] = {
    "aspirin trial heart attack randomised",
    "aspirin heart prevention randomised trial",
    "mouse model liver enzyme",
    "liver enzyme in rats",
    "cost survey of hospital budgets",
    "randomised aspirin trial in stroke",
    "rats liver model",
    "hospital heart survey",
};
static const bool toy_label[] = {true, true, false, false, false};

static ev_screen_ranker *toy_ranker(ev_screen_model_kind kind, ev_screen_corpus **c)
{
    ev_screen_corpus_options co = {1, 1, false, false};
    assert_int_equal(ev_screen_corpus_new(c, toy, 8, &co, NULL), EV_OK);
    assert_int_equal(ev_screen_corpus_features(*c), 18); /* sklearn: 18 terms */
    ev_screen_model_options mo = EV_SCREEN_MODEL_OPTIONS_INIT;
    mo.kind = kind;
    mo.nb_alpha = 1.0;
    mo.double_balance = false;
    ev_screen_ranker *r = NULL;
    assert_int_equal(ev_screen_ranker_new(&r, *c, &mo, NULL), EV_OK);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ev_screen_ranker_label(r, i, toy_label[i], NULL), EV_OK);
    return r;
}

static void naive_bayes_log_odds_match_scikit_learn(void **state)
{
    (void)state;
    ev_screen_corpus *c = NULL;
    ev_screen_ranker *r = toy_ranker(EV_SCREEN_MODEL_NB, &c);
    double sc[8];
    assert_int_equal(ev_screen_ranker_scores(r, sc, NULL), EV_OK);
    /* MultinomialNB(alpha=1) on TfidfVectorizer, weights n/(2 n_class) */
    assert_near(sc[5], 0.64826631, 1e-4);
    assert_near(sc[6], -0.7329496, 1e-4);
    assert_near(sc[7], -0.00499663, 1e-4);
    for (size_t i = 0; i < 5; i++)
        assert_true(isinf(sc[i]) && sc[i] < 0); /* labelled rows are not ranked */
    ev_screen_ranker_free(r);
    ev_screen_corpus_free(c);
}

/* Rows longer than a vector of eight: the scoring loop's wide path and its
 * tail against scikit-learn (TfidfVectorizer defaults, MultinomialNB
 * alpha 1, sample weights n / (2 n_class); joint log-likelihood
 * difference, computed with scikit-learn 1.2). */
static const char *const long_docs[] = {
    "randomised controlled trial of aspirin for secondary prevention of heart attack in older "
    "adults with diabetes and hypertension followed for five years",
    "aspirin versus placebo in randomised trial for prevention of stroke and heart attack among "
    "adults with high blood pressure and raised cholesterol",
    "liver enzyme activity in mouse models of fatty liver disease after high fat diet with "
    "measurements of insulin glucose and body weight",
    "survey of hospital budgets and staffing costs across regional health services with interviews "
    "of managers nurses and finance officers",
    "cohort study of rats fed high fat diet measuring liver enzyme levels insulin resistance and "
    "body weight over twelve weeks",
    "randomised trial of low dose aspirin in adults with diabetes for prevention of heart attack "
    "stroke and death with five years of follow up",
    "national survey of hospital managers about budgets costs staffing and the finance of regional "
    "health services in rural areas",
    "mouse study of liver enzyme changes with diet and insulin including measurements of glucose "
    "weight and fat in the liver",
};

static void naive_bayes_on_long_rows_matches_scikit_learn(void **state)
{
    (void)state;
    ev_screen_corpus *c = NULL;
    ev_screen_corpus_options co = {1, 1, false, false};
    assert_int_equal(ev_screen_corpus_new(&c, long_docs, 8, &co, NULL), EV_OK);
    assert_int_equal(ev_screen_corpus_features(c), 80); /* sklearn: 80 terms */
    ev_screen_model_options mo = EV_SCREEN_MODEL_OPTIONS_INIT;
    mo.nb_alpha = 1.0;
    mo.double_balance = false;
    ev_screen_ranker *r = NULL;
    assert_int_equal(ev_screen_ranker_new(&r, c, &mo, NULL), EV_OK);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ev_screen_ranker_label(r, i, i < 2, NULL), EV_OK);
    double sc[8];
    assert_int_equal(ev_screen_ranker_scores(r, sc, NULL), EV_OK);
    assert_near(sc[5], 0.85667003, 1e-4);
    assert_near(sc[6], -0.41670574, 1e-4);
    assert_near(sc[7], -0.59319413, 1e-4);
    ev_screen_ranker_free(r);
    ev_screen_corpus_free(c);
}

static void logistic_regression_ranks_the_aspirin_trial_first(void **state)
{
    (void)state;
    ev_screen_corpus *c = NULL;
    ev_screen_ranker *r = toy_ranker(EV_SCREEN_MODEL_LR, &c);
    double sc[8];
    assert_int_equal(ev_screen_ranker_scores(r, sc, NULL), EV_OK);
    assert_true(sc[5] > sc[7]);
    assert_true(sc[5] > sc[6]);
    /* relabelling moves a row between classes */
    assert_int_equal(ev_screen_ranker_label(r, 4, true, NULL), EV_OK);
    assert_int_equal(ev_screen_ranker_scores(r, sc, NULL), EV_OK);
    assert_true(sc[7] > sc[6]);
    assert_int_equal(ev_screen_ranker_label(r, 99, true, NULL), EV_EUSAGE);
    ev_screen_ranker_free(r);
    ev_screen_corpus_free(c);
}

static void an_untrained_ranker_scores_every_open_row_zero(void **state)
{
    (void)state;
    ev_screen_corpus *c = NULL;
    assert_int_equal(ev_screen_corpus_new(&c, toy, 8, NULL, NULL), EV_OK);
    ev_screen_ranker *r = NULL;
    assert_int_equal(ev_screen_ranker_new(&r, c, NULL, NULL), EV_OK);
    assert_int_equal(ev_screen_ranker_label(r, 0, true, NULL), EV_OK);
    double sc[8];
    assert_int_equal(ev_screen_ranker_scores(r, sc, NULL), EV_OK);
    assert_near(sc[3], 0.0, 0);
    ev_screen_ranker_free(r);
    ev_screen_corpus_free(c);
}

#define FIXTURE EV_SOURCE_DIR "/tests/fixtures/screen/"

static void simulation_is_reproducible_with_a_seed(void **state)
{
    (void)state;
    ev_screen_sim_options o = EV_SCREEN_SIM_OPTIONS_INIT;
    o.seed = 7;
    o.runs = 2;
    ev_screen_sim_result *a = NULL, *b = NULL;
    assert_int_equal(
        ev_screen_simulate_file(&a, FIXTURE "antihistamines.csv", &o, NULL, NULL, NULL), EV_OK);
    assert_int_equal(
        ev_screen_simulate_file(&b, FIXTURE "antihistamines.csv", &o, NULL, NULL, NULL), EV_OK);
    assert_int_equal(a->records, 310);
    assert_int_equal(a->relevant, 16); /* README: 16 included */
    for (size_t r = 0; r < 2; r++) {
        assert_int_equal(a->runs[r].n, 308);
        assert_int_equal(a->runs[r].relevant, 15);
        assert_int_equal(a->runs[r].n95, b->runs[r].n95);
        assert_int_equal(a->runs[r].n_found, b->runs[r].n_found);
        assert_memory_equal(a->runs[r].found, b->runs[r].found,
                            a->runs[r].n_found * sizeof(uint32_t));
        /* ceil(0.95 * 15) = 15: n95 is n100 here */
        assert_int_equal(a->runs[r].n95, a->runs[r].n100);
        assert_near(a->runs[r].wss95, 0.95 - (double)a->runs[r].n95 / 308, 1e-12);
        assert_int_equal(a->runs[r].found[a->runs[r].n_found - 1], 15);
    }
    ev_screen_sim_result_free(a);
    ev_screen_sim_result_free(b);
}

static void screening_to_the_end_finds_everything_and_keeps_metrics(void **state)
{
    (void)state;
    ev_screen_sim_options o = EV_SCREEN_SIM_OPTIONS_INIT;
    ev_screen_sim_result *a = NULL, *b = NULL;
    assert_int_equal(
        ev_screen_simulate_file(&a, FIXTURE "antihistamines.csv", &o, NULL, NULL, NULL), EV_OK);
    o.stop_when_complete = false;
    assert_int_equal(
        ev_screen_simulate_file(&b, FIXTURE "antihistamines.csv", &o, NULL, NULL, NULL), EV_OK);
    assert_int_equal(b->runs[0].n_found, 308);
    assert_int_equal(a->runs[0].n95, b->runs[0].n95);
    assert_near(a->runs[0].recall10, b->runs[0].recall10, 1e-12);
    assert_near(a->runs[0].atd, b->runs[0].atd, 1e-12);
    ev_screen_sim_result_free(a);
    ev_screen_sim_result_free(b);
}

static void a_labelled_file_without_positives_is_bad_input(void **state)
{
    (void)state;
    ev_screen_sim_result *a = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        ev_screen_simulate_file(&a, FIXTURE "no_positives.csv", NULL, NULL, NULL, &err), EV_EINPUT);
    assert_null(a);
    assert_non_null(strstr(err.message, "no included record"));
    assert_non_null(strstr(err.input, "no_positives.csv"));
}

static void a_label_that_is_not_0_or_1_names_the_line(void **state)
{
    (void)state;
    ev_screen_sim_result *a = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_simulate_file(&a, FIXTURE "bad_label.csv", NULL, NULL, NULL, &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "'yes'"));
}

static void a_missing_file_fails_cleanly(void **state)
{
    (void)state;
    ev_screen_sim_result *a = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_not_equal(ev_screen_simulate_file(&a, FIXTURE "nope.csv", NULL, NULL, NULL, &err),
                         EV_OK);
    assert_null(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(naive_bayes_log_odds_match_scikit_learn),
        cmocka_unit_test(naive_bayes_on_long_rows_matches_scikit_learn),
        cmocka_unit_test(logistic_regression_ranks_the_aspirin_trial_first),
        cmocka_unit_test(an_untrained_ranker_scores_every_open_row_zero),
        cmocka_unit_test(simulation_is_reproducible_with_a_seed),
        cmocka_unit_test(screening_to_the_end_finds_everything_and_keeps_metrics),
        cmocka_unit_test(a_labelled_file_without_positives_is_bad_input),
        cmocka_unit_test(a_label_that_is_not_0_or_1_names_the_line),
        cmocka_unit_test(a_missing_file_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
