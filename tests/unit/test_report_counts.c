/*
 * test_report_counts.c - the PRISMA counts of a scripted review (two hand-
 * made exports imported, deduplicated, screened through the screen API)
 * against the flow computed by hand in tests/fixtures/report/README.md; the
 * refusals (screening not finished, counts that do not add up); published
 * flow files; the HTML report of that review.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_dedup.h"
#include "evident/ev_report.h"
#include "evident/ev_screen.h"
#include "test_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/report/"

typedef struct fx {
    char dir[256], path[300];
    ev_store *s;
    ev_id soil, wetland, retina, forest, dental;
} fx;

static ev_id kept(ev_store *s, ev_id id)
{
    ev_id k = 0;
    assert_int_equal(ev_dedup_review_kept(s, id, &k, NULL), EV_OK);
    return k;
}

static void import(fx *f, const char *file, const char *source)
{
    ev_import_info info = {.source = source};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_import_file(f->s, file, &info, NULL, NULL, NULL, NULL, NULL, &err),
                     EV_OK);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!test_temp_review(f->dir, sizeof f->dir, f->path, sizeof f->path, "report-test"))
        return -1;
    if (ev_store_create(&f->s, f->path, "report test", NULL) != EV_OK)
        return -1;
    import(f, FIX "tiny_pubmed.nbib", "PubMed");
    import(f, FIX "tiny_scopus.ris", "Scopus");
    ev_dedup_summary d;
    memset(&d, 0, sizeof d);
    if (ev_dedup_review_run(f->s, NULL, false, NULL, NULL, &d, NULL) != EV_OK)
        return -1;
    ev_dedup_summary_release(&d);
    /* record ids in import order: 1-3 PubMed, 4-7 Scopus (4, 5 = 1, 2) */
    f->soil = kept(f->s, 1), f->wetland = kept(f->s, 2), f->retina = 3;
    f->forest = 6, f->dental = 7;
    ev_screen_setup_info in = EV_SCREEN_SETUP_INFO_INIT;
    in.reviewers = "ana,ben";
    in.owner = "ana";
    in.rule = 1;
    in.reasons = "wrong outcome,wrong population";
    if (ev_screen_setup(f->s, &in, "ana", NULL) != EV_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ev_store_free(f->s);
    test_remove_review(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void decide(fx *f, ev_id id, const char *stage, ev_screen_decision d, const char *why)
{
    ev_screen_decide_item it = {.record = id, .stage = stage, .decision = d, .reason = why};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_decide(f->s, "ana", &it, 1, NULL, &err), EV_OK);
}

static void screen_all(fx *f)
{
    decide(f, f->soil, "ta", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->wetland, "ta", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->forest, "ta", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->retina, "ta", EV_SCREEN_EXCLUDE, NULL);
    decide(f, f->dental, "ta", EV_SCREEN_EXCLUDE, NULL);
    decide(f, f->soil, "ft", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->wetland, "ft", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->forest, "ft", EV_SCREEN_EXCLUDE, "wrong outcome");
}

static void counts_match_the_hand_computed_flow(void **state)
{
    fx *f = *state;
    screen_all(f);
    ev_report_counts c;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_counts_get(&c, f->s, &err), EV_OK);
    assert_int_equal(c.nsources, 2);
    assert_string_equal(c.sources[0].label, "PubMed");
    assert_int_equal(c.sources[0].n, 3);
    assert_string_equal(c.sources[1].label, "Scopus");
    assert_int_equal(c.sources[1].n, 4);
    assert_int_equal(c.identified, 7);
    assert_int_equal(c.duplicates, 2);
    assert_true(c.screening);
    assert_int_equal(c.screened, 5);
    assert_int_equal(c.excluded_people, 2);
    assert_int_equal(c.excluded_automation, 0);
    assert_int_equal(c.sought, 3);
    assert_int_equal(c.not_retrieved, -1);
    assert_int_equal(c.assessed, 3);
    assert_int_equal(c.nreasons, 1);
    assert_string_equal(c.reasons[0].label, "wrong outcome");
    assert_int_equal(c.reasons[0].n, 1);
    assert_int_equal(c.reports_included, 2);
    assert_int_equal(c.studies_included, -1); /* nothing charted */
    ev_prisma p;
    assert_int_equal(ev_report_counts_prisma(&p, &c, false, &err), EV_OK);
    assert_int_equal(p.studies_included, 2);
    assert_int_equal(ev_prisma_check(&p, &err), EV_OK);
    ev_report_counts_release(&c);
}

static void unfinished_screening_is_refused_naming_what_waits(void **state)
{
    fx *f = *state;
    decide(f, f->soil, "ta", EV_SCREEN_INCLUDE, NULL);
    ev_report_counts c;
    ev_prisma p;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_counts_get(&c, f->s, &err), EV_OK);
    assert_int_equal(c.pending_screen, 4);
    assert_int_equal(ev_report_counts_prisma(&p, &c, false, &err), EV_EREFUSED);
    assert_non_null(strstr(err.message, "4 records wait at title/abstract"));
    ev_report_counts_release(&c);
}

/* Screening stopped on the stopping rule: the records nobody screened are
 * excluded by automation, counted apart (PRISMA 2020 "excluded by
 * automation tools"), and the flow adds up. */
static void stopping_rule_exclusions_are_counted_apart(void **state)
{
    fx *f = *state;
    decide(f, f->soil, "ta", EV_SCREEN_INCLUDE, NULL);
    decide(f, f->retina, "ta", EV_SCREEN_EXCLUDE, NULL);
    uint64_t stopped = 0;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_screen_stop(f->s, "ta", "ana", 0.95, 0.95, true, NULL, &stopped, &err),
                     EV_OK);
    assert_int_equal(stopped, 3);
    decide(f, f->soil, "ft", EV_SCREEN_INCLUDE, NULL);
    ev_report_counts c;
    ev_prisma p;
    assert_int_equal(ev_report_counts_get(&c, f->s, &err), EV_OK);
    assert_int_equal(c.screened, 5);
    assert_int_equal(c.excluded_people, 1);
    assert_int_equal(c.excluded_automation, 3);
    assert_int_equal(c.sought, 1);
    assert_int_equal(c.reports_included, 1);
    assert_int_equal(ev_report_counts_prisma(&p, &c, false, &err), EV_OK);
    assert_int_equal(ev_prisma_check(&p, &err), EV_OK);
    ev_report_counts_release(&c);
}

static void review_without_imports_is_refused(void **state)
{
    (void)state;
    ev_report_counts c = {0};
    ev_prisma p;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_counts_prisma(&p, &c, true, &err), EV_EREFUSED);
    assert_string_equal(err.message, "prisma: no search results are imported in this review");
}

static void counts_that_do_not_add_up_name_the_equation(void **state)
{
    fx *f = *state;
    screen_all(f);
    ev_report_counts c;
    ev_prisma p;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_counts_get(&c, f->s, &err), EV_OK);
    assert_int_equal(ev_report_counts_prisma(&p, &c, false, &err), EV_OK);
    p.duplicates = 3; /* as if an upstream count were wrong */
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_string_equal(err.message, "prisma: records identified (7) - duplicates (3) - removed"
                                     " by automation (0) - removed for other reasons (0) = 4,"
                                     " but records screened is 5");
    ev_report_counts_release(&c);
}

static void published_flow_of_the_seed_text_fails_its_check(void **state)
{
    (void)state;
    ev_report_flow *fl = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(
        ev_report_flow_load(&fl, EV_SOURCE_DIR "/examples/ankle-regen/prisma_text.txt", &err),
        EV_OK);
    assert_true(fl->prisma.scoping);
    assert_int_equal(fl->prisma.ndatabases, 1);
    assert_int_equal(fl->prisma.databases[0].n, 308);
    assert_int_equal(fl->prisma.nreasons, 2);
    assert_int_equal(ev_prisma_check(&fl->prisma, &err), EV_EINPUT);
    assert_string_equal(err.message, "prisma: reports assessed (111) - reports excluded (77) "
                                     "= 34, but studies included is 77");
    ev_report_flow_free(fl);
}

static void flow_file_errors_name_line_and_column(void **state)
{
    (void)state;
    static const char bad_key[] = "title x\nscreened 10\nsreened 5\n";
    static const char bad_num[] = "# c\ndatabase PubMed = many\n";
    ev_report_flow *fl = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_flow_parse(&fl, bad_key, sizeof bad_key - 1, "f.txt", &err),
                     EV_EINPUT);
    assert_null(fl);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.message, "unknown key: 'sreened'");
    ev_error_clear(&err);
    assert_int_equal(ev_report_flow_parse(&fl, bad_num, sizeof bad_num - 1, "f.txt", &err),
                     EV_EINPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 19);
}

static void html_report_draws_the_checked_diagram(void **state)
{
    fx *f = *state;
    screen_all(f);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_report_html(&b, f->s, NULL, &err), EV_OK);
    const char *h = ev_buf_cstr(&b);
    assert_non_null(strstr(h, "<!DOCTYPE html>"));
    assert_non_null(strstr(h, "arithmetic check passes"));
    assert_non_null(strstr(h, "<svg"));
    assert_non_null(strstr(h, "No studies are charted in this review."));
    assert_non_null(strstr(h, "No screening decisions are recorded in this review"));
    assert_null(strstr(h, "<script"));
    /* no external resources (SVG's xmlns is a name, not a fetch) */
    assert_null(strstr(h, "src=\"http"));
    assert_null(strstr(h, "href=\"http"));
    assert_null(strstr(h, "url(http"));
    assert_null(strstr(h, "@import"));
    ev_buf_release(&b);
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
        cmocka_unit_test_setup_teardown(counts_match_the_hand_computed_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(unfinished_screening_is_refused_naming_what_waits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stopping_rule_exclusions_are_counted_apart, setup,
                                        teardown),
        cmocka_unit_test(review_without_imports_is_refused),
        cmocka_unit_test_setup_teardown(counts_that_do_not_add_up_name_the_equation, setup,
                                        teardown),
        cmocka_unit_test(published_flow_of_the_seed_text_fails_its_check),
        cmocka_unit_test(flow_file_errors_name_line_and_column),
        cmocka_unit_test_setup_teardown(html_report_draws_the_checked_diagram, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
