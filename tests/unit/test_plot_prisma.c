/*
 * test_plot_prisma.c - the PRISMA 2020 flow diagram: the arithmetic check
 * refuses the seed review's inconsistent counts (its text and its Figure 1
 * disagree), box layout, wrapping, the PRISMA-ScR wording and the outputs.
 *
 * Seed: /work/shared/seeds/003_55a30b6bcce25925.txt (a scoping review of
 * regenerative medicine in foot and ankle disease), section 3, and the
 * description of its Figure 1:
 *   text:   308 records, 265 after duplicates removed, 154 excluded at
 *           title/abstract, 111 full texts assessed, 43 + 34 excluded,
 *           77 included            -> 111 - 77 = 34, not 77
 *   figure: 308 records, 43 removed, 265 screened, 34 excluded, 231 full
 *           texts assessed, 151 excluded, 77 included -> 231 - 151 = 80
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "evident/ev_plot.h"
#include "plot_int.h"
#include "test_plot_util.h"

static const ev_prisma_count pubmed[] = {{"PubMed", 308}};
static const ev_prisma_count text_reasons[] = {{"Not a regenerative medicine intervention", 43},
                                               {"Full text unavailable or not peer reviewed", 34}};
static const ev_prisma_count figure_reasons[] = {{"Not about Foot & Ankle", 151}};

/* The counts as the seed's text reports them. */
static void seed_text(ev_prisma *p)
{
    ev_prisma_init(p);
    p->scoping = true;
    p->databases = pubmed;
    p->ndatabases = 1;
    p->duplicates = 43;
    p->screened = 265;
    p->excluded_people = 154;
    p->assessed = 111;
    p->reasons = text_reasons;
    p->nreasons = 2;
    p->studies_included = 77;
}

static void seed_text_counts_are_refused_naming_the_equation(void **state)
{
    (void)state;
    ev_prisma p;
    seed_text(&p);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_string_equal(err.message, "prisma: reports assessed (111) - reports excluded (77) "
                                     "= 34, but studies included is 77");
    /* and nothing is drawn */
    char path[512];
    plot_path(path, sizeof path, "seed_text.svg");
    ev_error_clear(&err);
    assert_int_equal(ev_plot_prisma(&p, path, &err), EV_EINPUT);
    assert_false(plot_exists(path));
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_prisma_svg(&b, &p, NULL), EV_EINPUT);
    assert_int_equal(b.len, 0);
    ev_buf_release(&b);
}

static void seed_figure_counts_are_refused(void **state)
{
    (void)state;
    ev_prisma p;
    seed_text(&p);
    p.excluded_people = 34;
    p.assessed = 231;
    p.reasons = figure_reasons;
    p.nreasons = 1;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_string_equal(err.message, "prisma: reports assessed (231) - reports excluded (151) "
                                     "= 80, but studies included is 77");
}

/* The text's screening numbers against the figure's 231 full texts */
static void text_and_figure_mixed_fail_at_screening(void **state)
{
    (void)state;
    ev_prisma p;
    seed_text(&p);
    p.assessed = 231;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "records screened (265) - records excluded (154)"));
    assert_non_null(strstr(err.message, "= 111, but reports assessed for eligibility is 231"));
}

static void identification_equation_is_checked(void **state)
{
    (void)state;
    ev_prisma p;
    seed_text(&p);
    p.duplicates = 42;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "records identified (308) - duplicates (42)"));
    assert_non_null(strstr(err.message, "= 266, but records screened is 265"));
}

static void negative_counts_and_more_studies_than_reports_are_refused(void **state)
{
    (void)state;
    ev_prisma p;
    ev_prisma_init(&p);
    p.screened = -5;
    assert_int_equal(ev_prisma_check(&p, NULL), EV_EINPUT);
    ev_prisma_init(&p);
    p.studies_included = 10;
    p.reports_included = 8;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "studies included (10) exceed their reports (8)"));
    assert_int_equal(ev_prisma_check(NULL, NULL), EV_EUSAGE);
}

/* An illustrative consistent flow (made-up counts that add up). */
static const ev_prisma_count dbs[] = {{"PubMed", 308}, {"Embase", 201}, {"CINAHL", 57}};
static const ev_prisma_count reasons[] = {{"Not a regenerative medicine intervention", 18},
                                          {"Not a foot or ankle condition", 9},
                                          {"Conference abstract or editorial", 3}};

static void consistent(ev_prisma *p)
{
    ev_prisma_init(p);
    p->databases = dbs;
    p->ndatabases = 3;
    p->registers = 12;
    p->duplicates = 188;
    p->automation_removed = 0;
    p->other_removed = 2;
    p->screened = 388;
    p->excluded_people = 277;
    p->sought = 111;
    p->not_retrieved = 4;
    p->assessed = 107;
    p->reasons = reasons;
    p->nreasons = 3;
    p->studies_included = 71;
    p->reports_included = 77;
}

static void consistent_flow_lays_out_the_template(void **state)
{
    (void)state;
    ev_prisma p;
    consistent(&p);
    assert_int_equal(ev_prisma_check(&p, NULL), EV_OK);
    cairo_t *cr = ev__plot_measure_new();
    ev__prisma_layout L;
    assert_int_equal(ev__prisma_layout_make(&L, cr, &p, NULL), EV_OK);
    /* main column top to bottom, side boxes to the right on the same row */
    const ev__prisma_box_id col[] = {EV__PB_IDENTIFIED, EV__PB_SCREENED, EV__PB_SOUGHT,
                                     EV__PB_ASSESSED, EV__PB_INCLUDED};
    for (int i = 1; i < 5; i++) {
        assert_true(L.box[col[i]].y > L.box[col[i - 1]].y + L.box[col[i - 1]].h);
        assert_true(L.box[col[i]].x == L.box[col[0]].x);
    }
    assert_true(L.box[EV__PB_REASONS].x > L.box[EV__PB_ASSESSED].x + L.box[EV__PB_ASSESSED].w);
    assert_true(L.box[EV__PB_REASONS].y == L.box[EV__PB_ASSESSED].y);
    /* every line fits inside its box */
    for (int i = 0; i < EV__PB_COUNT; i++) {
        const ev__prisma_box *b = &L.box[i];
        assert_true((double)b->nlines * L.line_h <= b->h);
        ev__plot_font(cr, L.font, false);
        char *s = ev_strdup(b->text);
        for (char *line = s, *nl; line; line = nl) {
            nl = strchr(line, '\n');
            if (nl)
                *nl++ = '\0';
            assert_true(ev__plot_text_w(cr, line) <= b->w - 2 * 6.0 + 1e-9);
        }
        ev_free(s);
    }
    /* per-database lines and the reasons with their counts */
    assert_non_null(strstr(L.box[EV__PB_IDENTIFIED].text, "Databases (n\xc2\xa0=\xc2\xa0"
                                                          "566)"));
    assert_non_null(strstr(L.box[EV__PB_IDENTIFIED].text, "Embase (n\xc2\xa0=\xc2\xa0"
                                                          "201)"));
    assert_non_null(strstr(L.box[EV__PB_IDENTIFIED].text, "Registers (n\xc2\xa0=\xc2\xa0"
                                                          "12)"));
    assert_non_null(strstr(L.box[EV__PB_REASONS].text, "(n\xc2\xa0=\xc2\xa0"
                                                       "9)"));
    assert_non_null(strstr(L.box[EV__PB_INCLUDED].text, "Reports of included studies"));
    /* phase bars: screening spans screened .. assessed */
    assert_true(L.phase_y[1] == L.box[EV__PB_SCREENED].y);
    assert_true(fabs(L.phase_y[1] + L.phase_h[1] -
                     (L.box[EV__PB_ASSESSED].y + L.box[EV__PB_ASSESSED].h)) < 1e-9);
    ev__prisma_layout_release(&L);
    ev__plot_measure_free(cr);
}

static void long_reason_wraps_inside_its_box(void **state)
{
    (void)state;
    ev_prisma p;
    consistent(&p);
    ev_prisma_count r[3] = {reasons[0], reasons[1], reasons[2]};
    r[0].label = "Population, intervention, comparator and outcomes all outside the scope "
                 "agreed in the registered protocol";
    p.reasons = r;
    cairo_t *cr = ev__plot_measure_new();
    ev__prisma_layout L;
    assert_int_equal(ev__prisma_layout_make(&L, cr, &p, NULL), EV_OK);
    assert_true(L.box[EV__PB_REASONS].nlines >= 6);
    ev__prisma_layout_release(&L);
    ev__plot_measure_free(cr);
}

static void scoping_variant_and_outputs(void **state)
{
    (void)state;
    ev_prisma p;
    consistent(&p);
    char path[512];
    plot_path(path, sizeof path, "prisma.png");
    assert_int_equal(ev_plot_prisma(&p, path, NULL), EV_OK);
    plot_assert_magic(path, "\x89PNG\r\n\x1a\n", 8);
    plot_path(path, sizeof path, "prisma.pdf");
    assert_int_equal(ev_plot_prisma(&p, path, NULL), EV_OK);
    plot_assert_magic(path, "%PDF-", 5);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/prisma.png", plot_out_dir());
        assert_int_equal(ev_plot_prisma(&p, path, NULL), EV_OK);
    }
    p.scoping = true;
    cairo_t *cr = ev__plot_measure_new();
    ev__prisma_layout L;
    assert_int_equal(ev__prisma_layout_make(&L, cr, &p, NULL), EV_OK);
    assert_non_null(strstr(L.box[EV__PB_INCLUDED].text, "Sources of evidence included"));
    assert_non_null(strstr(L.header, "sources of evidence"));
    ev__prisma_layout_release(&L);
    ev__plot_measure_free(cr);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    assert_int_equal(ev_plot_prisma_svg(&b, &p, NULL), EV_OK);
    plot_assert_svg(ev_buf_cstr(&b));
    /* 9 boxes + 4 phase shapes + 8 arrows (line + head) */
    assert_true(plot_count(ev_buf_cstr(&b), "<path") >= 9 + 4 + 16);
    ev_buf_release(&b);
}

/* The template's other-methods column, illustrative counts that add up:
 * 17 sought, 1 not retrieved, 16 assessed, 10 excluded: 6 more reports. */
static const ev_prisma_count other_src[] = {{"Citation searching", 14}, {"Websites", 3}};
static const ev_prisma_count other_why[] = {{"Not a foot or ankle condition", 10}};

static void with_other_methods(ev_prisma *p)
{
    consistent(p);
    p->other_sources = other_src;
    p->nother_sources = 2;
    p->other_sought = 17;
    p->other_not_retrieved = 1;
    p->other_assessed = 16;
    p->other_reasons = other_why;
    p->nother_reasons = 1;
    p->reports_included = 83;
    p->studies_included = 77;
}

static void other_methods_join_the_inclusion_equation(void **state)
{
    (void)state;
    ev_prisma p;
    with_other_methods(&p);
    assert_int_equal(ev_prisma_check(&p, NULL), EV_OK);
    p.reports_included = 77; /* forgot the other column */
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_string_equal(err.message,
                        "prisma: reports assessed (107) - reports excluded (30) + reports "
                        "assessed via other methods (16) - excluded (10) = 83, but reports of "
                        "included studies is 77");
    with_other_methods(&p);
    p.other_assessed = 15;
    ev_error_clear(&err);
    assert_int_equal(ev_prisma_check(&p, &err), EV_EINPUT);
    assert_non_null(strstr(err.message, "reports sought via other methods (17) - reports not "
                                        "retrieved (1) = 16, but reports assessed for "
                                        "eligibility via other methods is 15"));
}

static void other_methods_column_is_laid_out_right(void **state)
{
    (void)state;
    ev_prisma p;
    with_other_methods(&p);
    cairo_t *cr = ev__plot_measure_new();
    ev__prisma_layout L;
    assert_int_equal(ev__prisma_layout_make(&L, cr, &p, NULL), EV_OK);
    assert_true(L.other);
    const ev__prisma_box *rm = &L.box[EV__PB_REMOVED], *oi = &L.box[EV__PB_O_IDENTIFIED];
    assert_true(oi->x > rm->x + rm->w && oi->y == rm->y);
    assert_true(L.box[EV__PB_O_SOUGHT].y == L.box[EV__PB_SOUGHT].y);
    assert_true(L.box[EV__PB_O_REASONS].x > L.box[EV__PB_O_ASSESSED].x);
    assert_non_null(strstr(oi->text, "Citation searching"));
    assert_true(L.width > L.box[EV__PB_O_REASONS].x + L.box[EV__PB_O_REASONS].w);
    ev__prisma_layout_release(&L);
    ev__plot_measure_free(cr);
    char path[512];
    plot_path(path, sizeof path, "prisma_other.svg");
    assert_int_equal(ev_plot_prisma(&p, path, NULL), EV_OK);
    if (plot_out_dir()) {
        snprintf(path, sizeof path, "%s/prisma_other.png", plot_out_dir());
        assert_int_equal(ev_plot_prisma(&p, path, NULL), EV_OK);
    }
}

/* Render into a buffer of its own, checked and released. */
static ev_status svg_fresh(const ev_prisma *d)
{
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    return plot_svg_checked(&b, ev_plot_prisma_svg(&b, d, NULL));
}

static void out_of_memory_fails_cleanly(void **state)
{
    (void)state;
    ev_prisma p;
    consistent(&p);
    size_t nfail;
    char path[512];
    plot_path(path, sizeof path, "oom.svg");
    PLOT_OOM_LOOP(ev_plot_prisma(&p, path, NULL), path, nfail);
    assert_true(nfail > 5); /* every box text and wrap allocates */
    assert_true(plot_exists(path));
    PLOT_OOM_LOOP(svg_fresh(&p), (const char *)NULL, nfail);
    assert_true(nfail >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_text_counts_are_refused_naming_the_equation),
        cmocka_unit_test(seed_figure_counts_are_refused),
        cmocka_unit_test(text_and_figure_mixed_fail_at_screening),
        cmocka_unit_test(identification_equation_is_checked),
        cmocka_unit_test(negative_counts_and_more_studies_than_reports_are_refused),
        cmocka_unit_test(consistent_flow_lays_out_the_template),
        cmocka_unit_test(long_reason_wraps_inside_its_box),
        cmocka_unit_test(scoping_variant_and_outputs),
        cmocka_unit_test(other_methods_join_the_inclusion_equation),
        cmocka_unit_test(other_methods_column_is_laid_out_right),
        cmocka_unit_test(out_of_memory_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, plot_setup, plot_teardown);
}
