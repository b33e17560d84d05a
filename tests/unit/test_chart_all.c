/* test_chart_all.c - charting: form schemas and validation of every type and
 * rule, the instruments catalogue against the seed's Table 4, sign
 * harmonisation, pooled proportions with zero events, the example review's
 * frequency tables against counts taken by hand from the seed, dual-charting
 * differences, and bad input leaving the review unchanged. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_chart.h"
#include "test_util.h"

#define SRC EV_SOURCE_DIR

static ev_chart_catalogue *catalogue(void)
{
    ev_chart_catalogue *c = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_catalogue_load(&c, SRC "/data/instruments.json", &err), EV_OK);
    return c;
}

static const char form_json[] =
    "{\"name\":\"t\",\"version\":1,\"fields\":["
    "{\"name\":\"title\",\"type\":\"text\"},"
    "{\"name\":\"sample_size\",\"type\":\"integer\",\"min\":1},"
    "{\"name\":\"dose\",\"type\":\"number\",\"unit\":\"mL\",\"min\":0,\"max\":10},"
    "{\"name\":\"published\",\"type\":\"date\"},"
    "{\"name\":\"design\",\"type\":\"choice\",\"choices\":[\"RCT\",\"cohort\"]},"
    "{\"name\":\"tech\",\"type\":\"multi_choice\",\"choices\":[\"PRP\",\"HA\"]},"
    "{\"name\":\"age\",\"type\":\"mean_sd\",\"min\":0,\"max\":120},"
    "{\"name\":\"los\",\"type\":\"median_iqr\"},"
    "{\"name\":\"revision\",\"type\":\"events\"},"
    "{\"name\":\"aofas\",\"type\":\"instrument_score\",\"instrument\":\"AOFAS\"},"
    "{\"name\":\"outcomes\",\"type\":\"group\",\"fields\":["
    "  {\"name\":\"score\",\"type\":\"instrument_score\"}]}]}";

static ev_chart_form *form(void)
{
    ev_chart_form *f = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_form_parse(&f, form_json, strlen(form_json), "t.json", &err), EV_OK);
    return f;
}

/* Validate and return the status; the message lands in msg. */
static ev_status check(const char *path, const char *value, char *msg)
{
    ev_chart_form *f = form();
    ev_chart_catalogue *c = catalogue();
    ev_error err = EV_ERROR_INIT;
    char *norm = NULL;
    ev_status st = ev_chart_validate(&norm, f, c, path, value, &err);
    snprintf(msg, EV_ERROR_MSG_MAX, "%s", st == EV_OK ? norm : err.message);
    ev_free(norm);
    ev_chart_form_free(f);
    ev_chart_catalogue_free(c);
    return st;
}

static void validation_accepts_every_type(void **state)
{
    (void)state;
    char m[EV_ERROR_MSG_MAX];
    assert_int_equal(check("title", "Kim", m), EV_OK);
    assert_string_equal(m, "\"Kim\"");
    assert_int_equal(check("sample_size", "64", m), EV_OK);
    assert_int_equal(check("dose", "2.5", m), EV_OK);
    assert_int_equal(check("published", "2016-02-29", m), EV_OK);
    assert_int_equal(check("design", "RCT", m), EV_OK);
    assert_int_equal(check("tech", "PRP; HA", m), EV_OK);
    assert_string_equal(m, "[\"PRP\",\"HA\"]");
    assert_int_equal(check("age", "{\"mean\":52.1,\"sd\":null,\"n\":30}", m), EV_OK);
    assert_int_equal(check("los", "{\"median\":3,\"q1\":2,\"q3\":5}", m), EV_OK);
    assert_int_equal(check("revision", "{\"events\":15,\"total\":52}", m), EV_OK);
    assert_int_equal(check("aofas", "{\"mean\":62.3,\"sd\":6.1,\"n\":33}", m), EV_OK);
    assert_int_equal(check("outcomes.2.score", "{\"instrument\":\"vas\",\"mean\":4.9}", m), EV_OK);
}

static void validation_names_field_and_rule(void **state)
{
    (void)state;
    char m[EV_ERROR_MSG_MAX];
    assert_int_equal(check("sample_size", "-3", m), EV_EINPUT);
    assert_string_equal(m, "sample_size: must be an integer \u2265 1, got -3");
    assert_int_equal(check("sample_size", "6.5", m), EV_EINPUT);
    assert_int_equal(check("dose", "11", m), EV_EINPUT);
    assert_non_null(strstr(m, "dose: must be a number between 0 and 10 mL, got 11"));
    assert_int_equal(check("published", "2015-02-29", m), EV_EINPUT); /* not a leap year */
    assert_int_equal(check("published", "May 2015", m), EV_EINPUT);
    assert_int_equal(check("design", "RTC", m), EV_EINPUT);
    assert_int_equal(check("tech", "PRP;PRP", m), EV_EINPUT);
    assert_int_equal(check("tech", "PRP;stem cells", m), EV_EINPUT);
    assert_int_equal(check("age", "{\"mean\":130}", m), EV_EINPUT);
    assert_int_equal(check("age", "{\"mean\":50,\"sd\":-1}", m), EV_EINPUT);
    assert_int_equal(check("age", "{\"sd\":1}", m), EV_EINPUT);
    assert_int_equal(check("age", "{\"mean\":50,\"sdev\":1}", m), EV_EINPUT);
    assert_int_equal(check("los", "{\"median\":3,\"q1\":4}", m), EV_EINPUT);
    assert_int_equal(check("revision", "{\"events\":53,\"total\":52}", m), EV_EINPUT);
    assert_int_equal(check("revision", "{\"events\":1,\"total\":0}", m), EV_EINPUT);
    assert_int_equal(check("aofas", "{\"mean\":130}", m), EV_EINPUT);
    assert_string_equal(m, "aofas.mean: 130 is outside AOFAS's range 0\u2013100");
    assert_int_equal(check("aofas", "{\"instrument\":\"VAS\",\"mean\":3}", m), EV_EINPUT);
    assert_int_equal(check("outcomes.1.score", "{\"instrument\":\"VAS\",\"mean\":11}", m),
                     EV_EINPUT);
    assert_string_equal(m, "outcomes.1.score.mean: 11 is outside VAS's range 0\u201310");
    assert_int_equal(check("outcomes.1.score", "{\"instrument\":\"XYZ\",\"mean\":1}", m),
                     EV_EINPUT);
    assert_int_equal(check("outcomes.score", "{\"instrument\":\"VAS\",\"mean\":1}", m),
                     EV_ENOTFOUND);
    assert_int_equal(check("nope", "1", m), EV_ENOTFOUND);
}

static ev_status parse_form(const char *json, char *msg)
{
    ev_chart_form *f = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_chart_form_parse(&f, json, strlen(json), "f.json", &err);
    snprintf(msg, EV_ERROR_MSG_MAX, "%s", err.message);
    ev_chart_form_free(f);
    return st;
}

static void schema_errors_name_the_field(void **state)
{
    (void)state;
    char m[EV_ERROR_MSG_MAX];
    assert_int_equal(parse_form("{\"fields\":[{\"name\":\"a\",\"type\":\"colour\"}]}", m),
                     EV_EINPUT);
    assert_string_equal(m, "field 'a': unknown type 'colour'");
    assert_int_equal(parse_form("{\"fields\":[{\"name\":\"a\",\"type\":\"text\"},"
                                "{\"name\":\"a\",\"type\":\"integer\"}]}",
                                m),
                     EV_EINPUT);
    assert_string_equal(m, "field 'a': duplicate name");
    assert_int_equal(
        parse_form("{\"fields\":[{\"name\":\"g\",\"type\":\"group\",\"fields\":["
                   "{\"name\":\"x\",\"type\":\"text\"},{\"name\":\"x\",\"type\":\"text\"}]}]}",
                   m),
        EV_EINPUT);
    assert_string_equal(m, "field 'g.x': duplicate name");
    assert_int_equal(parse_form("{\"fields\":[{\"name\":\"c\",\"type\":\"choice\"}]}", m),
                     EV_EINPUT);
    assert_int_equal(
        parse_form("{\"fields\":[{\"name\":\"n\",\"type\":\"integer\",\"min\":5,\"max\":1}]}", m),
        EV_EINPUT);
    assert_int_equal(parse_form("{\"fields\":[]}", m), EV_EINPUT);
    assert_int_equal(parse_form("{\"fields\":[{\"name\":\"a\"", m), EV_EINPUT);
    /* the bundled default form parses */
    FILE *fp = fopen(SRC "/data/forms/default.json", "rb");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    assert_int_equal(parse_form(buf, m), EV_OK);
}

/* Table 4 of the seed: every tool with its printed range ("0–100") or
 * "Variable" (no fixed range in the catalogue). */
static void catalogue_matches_seed_table4(void **state)
{
    (void)state;
    ev_chart_catalogue *c = catalogue();
    FILE *fp = fopen(SRC "/tests/fixtures/chart/table4_ranges.tsv", "r");
    assert_non_null(fp);
    char line[256];
    size_t rows = 0;
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char *range = tab + 1;
        range[strcspn(range, "\r\n")] = '\0';
        const ev_chart_instrument *ins = ev_chart_catalogue_find(c, line);
        assert_non_null(ins);
        if (strcmp(range, "Variable") == 0) {
            assert_false(ins->has_min || ins->has_max);
        } else {
            char want[64];
            snprintf(want, sizeof want, "%g\u2013%g", ins->min, ins->max);
            assert_string_equal(want, range);
        }
        rows++;
    }
    fclose(fp);
    assert_int_equal(rows, 11);
    /* outcome measures of the other seeds are there too */
    static const char *const more[] = {"LVEF", "6MWD",  "NT-proBNP", "UPDRS-III", "ASIA",
                                       "MELD", "HbA1c", "WOMAC",     "BCVA"};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        assert_non_null(ev_chart_catalogue_find(c, more[i]));
    ev_chart_catalogue_free(c);
}

static void harmonised_sign_follows_direction(void **state)
{
    (void)state;
    ev_chart_catalogue *c = catalogue();
    double h = 0;
    /* Kim et al. (2016), seed Table 5, final follow-up MSC+BMS minus BMS:
       VAS 3.7 - 4.9 = -1.2 (lower is better) and AOFAS 85.2 - 81.2 = 4.0 */
    assert_int_equal(ev_chart_harmonise_sign(&h, c, "VAS", 3.7 - 4.9, NULL), EV_OK);
    assert_true(h > 1.19 && h < 1.21);
    assert_int_equal(ev_chart_harmonise_sign(&h, c, "aofas", 4.0, NULL), EV_OK);
    assert_true(h == 4.0);
    assert_int_equal(ev_chart_harmonise_sign(&h, c, "MOXFQ", 5.0, NULL), EV_OK);
    assert_true(h == -5.0);
    assert_int_equal(ev_chart_harmonise_sign(&h, c, "nope", 1, NULL), EV_ENOTFOUND);
    ev_chart_catalogue_free(c);
}

static void pooling_handles_zero_events(void **state)
{
    (void)state;
    ev_chart_pooled p;
    /* seed Table 7: Kumai 2014 (0 of 16) and Kumai 2018 (0 of 168) */
    double x0[] = {0, 0}, n0[] = {16, 168};
    assert_int_equal(ev_chart_pool_proportions(&p, x0, n0, 2, NULL), EV_OK);
    assert_false(isnan(p.est) || isnan(p.ci_lb) || isnan(p.ci_ub));
    /* metafor 4: 0, 0, 0.002288485 */
    assert_true(p.est == 0 && p.ci_lb == 0 && fabs(p.ci_ub - 0.002288485) < 1e-8);
    double x1[] = {0}, n1[] = {16};
    assert_int_equal(ev_chart_pool_proportions(&p, x1, n1, 1, NULL), EV_OK);
    assert_false(isnan(p.est));
    /* mixed: metafor rma(measure="PFT", xi=c(0,3,5), ni=c(20,30,40)),
       predict(transf=transf.ipft.hm, targs=list(ni=ni)) */
    double x2[] = {0, 3, 5}, n2[] = {20, 30, 40};
    assert_int_equal(ev_chart_pool_proportions(&p, x2, n2, 3, NULL), EV_OK);
    /* R: 0.067958918 [0.006495337, 0.170058669] */
    assert_true(fabs(p.est - 0.067958918) < 1e-6);
    assert_true(fabs(p.ci_lb - 0.006495337) < 1e-6 && fabs(p.ci_ub - 0.170058669) < 1e-6);
    double xb[] = {5}, nb[] = {4};
    assert_int_equal(ev_chart_pool_proportions(&p, xb, nb, 1, NULL), EV_EINPUT);
    assert_int_equal(ev_chart_pool_proportions(&p, xb, nb, 0, NULL), EV_EINPUT);
}

/* ---- a review ------------------------------------------------------------ */

static char review_path[256];

static ev_chart *open_example(ev_store **s, ev_chart_catalogue **cat, bool with_data)
{
    snprintf(review_path, sizeof review_path, "/tmp/test_chart_%d.evident", (int)getpid());
    test_remove_review(review_path);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(s, review_path, "t", &err), EV_OK);
    *cat = catalogue();
    ev_chart *c = NULL;
    assert_int_equal(ev_chart_open(&c, *s, *cat, &err), EV_OK);
    FILE *fp = fopen(SRC "/data/forms/default.json", "rb");
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    assert_int_equal(ev_chart_form_set(c, buf, n, "default.json", "t", NULL, &err), EV_OK);
    if (with_data) {
        assert_int_equal(
            ev_chart_import_file(c, SRC "/examples/ankle-regen/studies.json", "ana", NULL, &err),
            EV_OK);
        assert_int_equal(
            ev_chart_import_file(c, SRC "/examples/ankle-regen/outcomes.json", "ana", NULL, &err),
            EV_OK);
    }
    return c;
}

static void close_example(ev_store *s, ev_chart_catalogue *cat, ev_chart *c)
{
    ev_chart_free(c);
    ev_store_free(s);
    ev_chart_catalogue_free(cat);
    unlink(review_path);
}

static const char *cell(const ev_chart_table *t, const char *row, size_t col)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->cells[r * t->ncols], row) == 0)
            return t->cells[r * t->ncols + col];
    return NULL;
}

static void example_frequencies_match_seed(void **state)
{
    (void)state;
    ev_store *s;
    ev_chart_catalogue *cat;
    ev_chart *c = open_example(&s, &cat, true);
    ev_chart_table *t = NULL;
    ev_error err = EV_ERROR_INIT;
    size_t n = 0;
    assert_int_equal(ev_chart_study_count(c, &n, &err), EV_OK);
    assert_int_equal(n, 44); /* rows of Tables 5 (17), 6 (9) and 7 (18), counted by hand */
    assert_int_equal(ev_chart_freq(c, "condition", NULL, &t, &err), EV_OK);
    assert_string_equal(cell(t, "talus cartilage injury", 1), "17"); /* Table 5 rows */
    assert_string_equal(cell(t, "ankle osteoarthritis", 1), "9");    /* Table 6 rows */
    assert_string_equal(cell(t, "plantar fasciitis", 1), "18");      /* Table 7 rows */
    ev_chart_table_free(t);
    assert_int_equal(ev_chart_freq(c, "technology", "condition", &t, &err), EV_OK);
    /* PRP in Table 5: Mei-Dan 2012, Guney 2015, Gormeli 2015 (Method column) */
    assert_string_equal(cell(t, "PRP", 1), "3");
    /* PRP in Table 6: Paget 2021, Paget 2023 */
    assert_string_equal(cell(t, "PRP", 2), "2");
    /* HA in Table 6: Karatosun, DeGroot, Mei-Dan 2010, Salk 2005/2006, Sun 2006/2011 */
    assert_string_equal(cell(t, "HA", 2), "7");
    /* placental tissue in Table 7: Sun 2018, Werber, Zelen, Hanselman, Nakagawa */
    assert_string_equal(cell(t, "placental tissue", 4), "5");
    ev_chart_table_free(t);
    /* instruments: AOFAS in Table 6 - Paget x2, Karatosun, DeGroot, Sun 2006, Sun 2011 */
    assert_int_equal(ev_chart_freq(c, "instruments", "condition", &t, &err), EV_OK);
    assert_string_equal(cell(t, "AOFAS", 2), "6");
    ev_chart_table_free(t);
    ev_chart_table **tabs = NULL;
    assert_int_equal(ev_chart_studies(c, "condition", &tabs, &n, &err), EV_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tabs[0]->nrows, 17);
    assert_string_equal(tabs[0]->cells[0], "Mei-Dan et al. (2012)");
    for (size_t i = 0; i < n; i++)
        ev_chart_table_free(tabs[i]);
    ev_free(tabs);
    assert_int_equal(ev_chart_safety(c, &t, &err), EV_OK);
    assert_non_null(strstr(cell(t, "HA", 4), "0/184"));
    ev_chart_table_free(t);
    close_example(s, cat, c);
}

static void dual_charting_lists_differences(void **state)
{
    (void)state;
    ev_store *s;
    ev_chart_catalogue *cat;
    ev_chart *c = open_example(&s, &cat, false);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "64", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "year", "2016", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_verify(c, "kim2016", "ana", &err), EV_EREFUSED);
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "65", "bob", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "year", "2016", "bob", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "first_author", "Kim", "bob", 0, &err), EV_OK);
    ev_chart_diff *d = NULL;
    size_t n = 0;
    assert_int_equal(ev_chart_diff_study(c, "kim2016", &d, &n, &err), EV_OK);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].path, "first_author");
    assert_null(d[0].value_a);
    assert_string_equal(d[1].path, "sample_size");
    assert_string_equal(d[1].value_a, "64");
    assert_string_equal(d[1].value_b, "65");
    ev_chart_diffs_free(d, n);
    assert_int_equal(ev_chart_verify(c, "kim2016", "bob", &err), EV_OK);
    ev_chart_status *stv = NULL;
    assert_int_equal(ev_chart_status_list(c, &stv, &n, &err), EV_OK);
    assert_int_equal(n, 1);
    assert_string_equal(stv[0].charted_by, "ana, bob");
    assert_string_equal(stv[0].verified_by, "bob");
    assert_int_equal(stv[0].values, 5);
    ev_chart_status_free(stv, n);
    /* consensus wins in the tables */
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "64", "consensus", 0, &err), EV_OK);
    assert_int_equal(
        ev_chart_set(c, "kim2016", "condition", "ankle osteoarthritis", "bob", 0, &err), EV_OK);
    assert_int_equal(ev_chart_diff_study(c, "nope", &d, &n, &err), EV_ENOTFOUND);
    /* links need a charted study and a record of the review */
    assert_int_equal(ev_chart_link(c, "nope", 1, &err), EV_ENOTFOUND);
    ev_error e2 = EV_ERROR_INIT;
    assert_int_equal(ev_chart_link(c, "kim2016", 99, &e2), EV_ENOTFOUND);
    /* a field inside a group counts a study once per distinct value */
    assert_int_equal(ev_chart_set(c, "kim2016", "arms.1.label", "BMS", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "arms.2.label", "MSC + BMS", "ana", 0, &err),
                     EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2013", "arms.1.label", "BMS", "ana", 0, &err), EV_OK);
    ev_chart_table *t = NULL;
    assert_int_equal(ev_chart_freq(c, "arms.label", NULL, &t, &err), EV_OK);
    assert_string_equal(cell(t, "BMS", 1), "2");
    assert_string_equal(cell(t, "MSC + BMS", 1), "1");
    ev_chart_table_free(t);
    close_example(s, cat, c);
}

/* Verify mode's view: one reviewer's own values of a study, not the
 * resolved ones, sorted by path; values as stored (compact JSON: a text
 * field is a JSON string). */
static void study_values_are_one_reviewers_own(void **state)
{
    (void)state;
    ev_store *s;
    ev_chart_catalogue *cat;
    ev_chart *c = open_example(&s, &cat, false);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_set(c, "kim2016", "year", "2016", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "64", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "first_author", "Kim", "ana", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "65", "bob", 0, &err), EV_OK);
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "66", "consensus", 0, &err), EV_OK);
    ev_chart_value *v = NULL;
    size_t n = 0;
    assert_int_equal(ev_chart_study_values(c, "kim2016", "ana", &v, &n, &err), EV_OK);
    assert_int_equal(n, 3);
    const char *paths[] = {"first_author", "sample_size", "year"};
    const char *json[] = {"\"Kim\"", "64", "2016"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(v[i].study, "kim2016");
        assert_string_equal(v[i].path, paths[i]);
        assert_string_equal(v[i].json, json[i]);
    }
    ev_chart_values_free(v, n);
    assert_int_equal(ev_chart_study_values(c, "kim2016", "bob", &v, &n, &err), EV_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].json, "65"); /* bob's, not the consensus */
    ev_chart_values_free(v, n);
    assert_int_equal(ev_chart_study_values(c, "kim2016", "carl", &v, &n, &err), EV_OK);
    assert_int_equal(n, 0);
    assert_null(v);
    assert_int_equal(ev_chart_study_values(c, "nope", "ana", &v, &n, &err), EV_ENOTFOUND);
    assert_non_null(strstr(err.message, "nope"));
    close_example(s, cat, c);
}

static int64_t count_values(ev_store *s)
{
    ev_stmt *st = NULL;
    bool row = false;
    assert_int_equal(ev_stmt_prepare(s, &st, "SELECT count(*) FROM chart_values", NULL), EV_OK);
    assert_int_equal(ev_stmt_step(st, &row, NULL), EV_OK);
    int64_t n = ev_stmt_int(st, 0);
    ev_stmt_free(st);
    return n;
}

static void bad_input_leaves_review_unchanged(void **state)
{
    (void)state;
    ev_store *s;
    ev_chart_catalogue *cat;
    ev_chart *c = open_example(&s, &cat, false);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_chart_set(c, "kim2016", "sample_size", "-3", "ana", 0, &err), EV_EINPUT);
    assert_int_equal(count_values(s), 0);
    /* a batch whose last value is out of range writes nothing */
    const char *p = "/tmp/test_chart_bad.csv";
    FILE *fp = fopen(p, "w");
    fputs("study,field,value\nkim2016,sample_size,64\nkim2016,year,2016\n"
          "kim2016,outcomes.1.score,\"{\"\"instrument\"\":\"\"AOFAS\"\",\"\"mean\"\":130}\"\n",
          fp);
    fclose(fp);
    ev_error e2 = EV_ERROR_INIT;
    assert_int_equal(ev_chart_import_file(c, p, "ana", NULL, &e2), EV_EINPUT);
    assert_int_equal(e2.line, 4);
    assert_non_null(strstr(e2.message, "outside AOFAS's range"));
    assert_int_equal(count_values(s), 0);
    /* a JSON batch whose second study has a bad value writes nothing */
    p = "/tmp/test_chart_bad.json";
    fp = fopen(p, "w");
    fputs("{\"form_version\": 1, \"studies\": [{\"id\":\"a\",\"values\":{\"year\":2000}},"
          "{\"id\":\"b\",\"values\":{\"adverse_events\":[{\"grade\":6}]}}]}",
          fp);
    fclose(fp);
    ev_error e4 = EV_ERROR_INIT;
    assert_int_equal(ev_chart_import_file(c, p, "ana", NULL, &e4), EV_EINPUT);
    assert_non_null(strstr(
        e4.message, "study 'b': adverse_events.1.grade: must be an integer between 1 and 5"));
    assert_int_equal(count_values(s), 0);
    unlink(p);
    /* a stale form version is refused */
    p = "/tmp/test_chart_stale.json";
    fp = fopen(p, "w");
    fputs("{\"form_version\": 2, \"studies\": [{\"id\":\"a\",\"values\":{\"year\":2000}}]}", fp);
    fclose(fp);
    ev_error e3 = EV_ERROR_INIT;
    assert_int_equal(ev_chart_import_file(c, p, "ana", NULL, &e3), EV_EREFUSED);
    assert_int_equal(ev_chart_set(c, "a", "year", "2000", "ana", 7, &err), EV_EREFUSED);
    assert_int_equal(count_values(s), 0);
    /* a bad schema leaves the form as it was */
    long v = 0;
    ev_chart_form_current(c, &v);
    assert_int_equal(ev_chart_form_set(c, "{\"fields\":[{\"name\":\"x\",\"type\":\"?\"}]}", 38,
                                       "x.json", "t", NULL, &err),
                     EV_EINPUT);
    long v2 = 0;
    ev_chart_form_current(c, &v2);
    assert_int_equal(v, v2);
    unlink("/tmp/test_chart_bad.csv");
    unlink("/tmp/test_chart_stale.json");
    close_example(s, cat, c);
}

static void tables_render_every_format(void **state)
{
    (void)state;
    static const char *const h[] = {"a|b", "c"};
    ev_chart_table t = {.title = (char *)"T & 100%",
                        .ncols = 2,
                        .nrows = 1,
                        .header = (char **)h,
                        .cells = (char *[]){(char *)"x,\"y\"", (char *)"<z>"}};
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    assert_int_equal(ev_chart_table_render(&t, EV_CHART_MD, &b), EV_OK);
    assert_non_null(strstr(ev_buf_cstr(&b), "| a\\|b | c |"));
    ev_buf_clear(&b);
    assert_int_equal(ev_chart_table_render(&t, EV_CHART_CSV, &b), EV_OK);
    assert_non_null(strstr(ev_buf_cstr(&b), "\"x,\"\"y\"\"\",<z>"));
    ev_buf_clear(&b);
    assert_int_equal(ev_chart_table_render(&t, EV_CHART_HTML, &b), EV_OK);
    assert_non_null(strstr(ev_buf_cstr(&b), "<td>&lt;z&gt;</td>"));
    ev_buf_clear(&b);
    assert_int_equal(ev_chart_table_render(&t, EV_CHART_TEX, &b), EV_OK);
    assert_non_null(strstr(ev_buf_cstr(&b), "\\caption{T \\& 100\\%}"));
    ev_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation_accepts_every_type),
        cmocka_unit_test(validation_names_field_and_rule),
        cmocka_unit_test(schema_errors_name_the_field),
        cmocka_unit_test(catalogue_matches_seed_table4),
        cmocka_unit_test(harmonised_sign_follows_direction),
        cmocka_unit_test(pooling_handles_zero_events),
        cmocka_unit_test(example_frequencies_match_seed),
        cmocka_unit_test(dual_charting_lists_differences),
        cmocka_unit_test(study_values_are_one_reviewers_own),
        cmocka_unit_test(bad_input_leaves_review_unchanged),
        cmocka_unit_test(tables_render_every_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
