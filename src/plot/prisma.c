/*
 * prisma.c - the PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71,
 * the template for new reviews searching databases and registers only) and
 * its PRISMA-ScR wording (Tricco et al. 2018, Ann Intern Med 169:467).
 *
 * The counts are checked before anything is drawn: a flow whose numbers do
 * not add up is a bug upstream (or in the paper), and a figure that looks
 * right while the arithmetic is wrong is worse than no figure.
 */
#include "plot_int.h"

#define P_FONT 8.5
#define P_LINE 11.0
#define P_PAD 6.0
#define P_COL_W 200.0
#define P_COL_W_OTHER 170.0
#define P_COL_GAP 40.0
#define P_ROW_GAP 20.0
#define P_BAR_W 22.0
#define P_MARGIN 10.0
#define P_HEAD_H 26.0
#define P_MAX_COUNT 1000000000000L

void ev_prisma_init(ev_prisma *p)
{
    memset(p, 0, sizeof *p);
    p->registers = p->duplicates = p->automation_removed = p->other_removed = -1;
    p->screened = p->excluded_people = p->excluded_automation = -1;
    p->sought = p->not_retrieved = p->assessed = -1;
    p->studies_included = p->reports_included = -1;
    p->other_sought = p->other_not_retrieved = p->other_assessed = -1;
}

/* ---- arithmetic ----------------------------------------------------------------- */

static long opt0(long n)
{
    return n < 0 ? 0 : n; /* an unreported removal removed nothing */
}

static long identified(const ev_prisma *p)
{
    if (!p->ndatabases && p->registers < 0)
        return -1;
    long n = opt0(p->registers);
    for (size_t i = 0; i < p->ndatabases; i++)
        n += p->databases[i].n;
    return n;
}

static long sum_counts(const ev_prisma_count *c, size_t n)
{
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += c[i].n;
    return sum;
}

static ev_status bad_eq(ev_error *err, const char *what, long got, const char *name, long want)
{
    return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: %s = %ld, but %s is %ld", what, got,
                        name, want);
}

static ev_status check_lists(const ev_prisma *p, ev_error *err)
{
    const struct {
        const ev_prisma_count *c;
        size_t n;
        const char *what;
    } lists[] = {{p->databases, p->ndatabases, "database"},
                 {p->reasons, p->nreasons, "exclusion reason"},
                 {p->other_sources, p->nother_sources, "other source"},
                 {p->other_reasons, p->nother_reasons, "exclusion reason"}};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        if (lists[l].n && !lists[l].c)
            return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "prisma: missing %s list",
                                lists[l].what);
        if (lists[l].n > 100000)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: too many %ss (%zu)",
                                lists[l].what, lists[l].n);
        for (size_t i = 0; i < lists[l].n; i++) {
            const ev_prisma_count *c = &lists[l].c[i];
            if (c->n < 0 || c->n > P_MAX_COUNT)
                return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                    "prisma: %s '%s' has an impossible count (%ld)", lists[l].what,
                                    c->label ? c->label : "", c->n);
        }
    }
    return EV_OK;
}

static ev_status check_signs(const ev_prisma *p, ev_error *err)
{
    const long v[] = {p->registers,
                      p->duplicates,
                      p->automation_removed,
                      p->other_removed,
                      p->screened,
                      p->excluded_people,
                      p->excluded_automation,
                      p->sought,
                      p->not_retrieved,
                      p->assessed,
                      p->studies_included,
                      p->reports_included,
                      p->other_sought,
                      p->other_not_retrieved,
                      p->other_assessed};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] < -1)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: count %ld is negative", v[i]);
    /* no review has a trillion records; the bound keeps the sums exact */
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] > P_MAX_COUNT)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: count %ld is too large", v[i]);
    return check_lists(p, err);
}

/* Identification and title/abstract screening. */
static ev_status check_screening(const ev_prisma *p, ev_error *err)
{
    long id = identified(p);
    char what[256];
    if (id >= 0 && p->screened >= 0) {
        long got = id - opt0(p->duplicates) - opt0(p->automation_removed) - opt0(p->other_removed);
        snprintf(what, sizeof what,
                 "records identified (%ld) - duplicates (%ld) - removed by automation (%ld) - "
                 "removed for other reasons (%ld)",
                 id, opt0(p->duplicates), opt0(p->automation_removed), opt0(p->other_removed));
        if (got != p->screened)
            return bad_eq(err, what, got, "records screened", p->screened);
    }
    if (p->screened < 0 || p->excluded_people < 0)
        return EV_OK;
    long excl = p->excluded_people + opt0(p->excluded_automation);
    long got = p->screened - excl;
    if (p->sought >= 0) {
        snprintf(what, sizeof what, "records screened (%ld) - records excluded (%ld)", p->screened,
                 excl);
        if (got != p->sought)
            return bad_eq(err, what, got, "reports sought for retrieval", p->sought);
    } else if (p->assessed >= 0) { /* no "sought" box: straight to assessed */
        snprintf(what, sizeof what,
                 "records screened (%ld) - records excluded (%ld) - reports not retrieved (%ld)",
                 p->screened, excl, opt0(p->not_retrieved));
        if (got - opt0(p->not_retrieved) != p->assessed)
            return bad_eq(err, what, got - opt0(p->not_retrieved),
                          "reports assessed for eligibility", p->assessed);
    }
    return EV_OK;
}

/* sought − not retrieved = assessed, for one column of the template. */
static ev_status check_retrieval(long sought, long not_retrieved, long assessed, const char *via,
                                 ev_error *err)
{
    if (sought < 0 || assessed < 0 || sought - opt0(not_retrieved) == assessed)
        return EV_OK;
    char what[256], name[96];
    snprintf(what, sizeof what, "reports sought%s (%ld) - reports not retrieved (%ld)", via, sought,
             opt0(not_retrieved));
    snprintf(name, sizeof name, "reports assessed for eligibility%s", via);
    return bad_eq(err, what, sought - opt0(not_retrieved), name, assessed);
}

/* Reports assessed minus those excluded (in both columns) are included. */
static ev_status check_inclusion(const ev_prisma *p, ev_error *err)
{
    long incl = p->reports_included >= 0 ? p->reports_included : p->studies_included;
    const char *name =
        p->reports_included >= 0 ? "reports of included studies" : "studies included";
    if (p->assessed < 0 || incl < 0)
        return EV_OK;
    char what[256];
    long ex = sum_counts(p->reasons, p->nreasons), got = p->assessed - ex;
    int len = snprintf(what, sizeof what, "reports assessed (%ld) - reports excluded (%ld)",
                       p->assessed, ex);
    if (p->nother_sources && p->other_assessed >= 0) {
        long oex = sum_counts(p->other_reasons, p->nother_reasons);
        got += p->other_assessed - oex;
        snprintf(what + len, sizeof what - (size_t)len,
                 " + reports assessed via other methods (%ld) - excluded (%ld)", p->other_assessed,
                 oex);
    }
    return got == incl ? EV_OK : bad_eq(err, what, got, name, incl);
}

static ev_status check_eligibility(const ev_prisma *p, ev_error *err)
{
    ev_status st = check_retrieval(p->sought, p->not_retrieved, p->assessed, "", err);
    if (st == EV_OK && p->nother_sources)
        st = check_retrieval(p->other_sought, p->other_not_retrieved, p->other_assessed,
                             " via other methods", err);
    if (st == EV_OK)
        st = check_inclusion(p, err);
    if (st == EV_OK && p->studies_included >= 0 && p->reports_included >= 0 &&
        p->studies_included > p->reports_included)
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                          "prisma: studies included (%ld) exceed their reports (%ld)",
                          p->studies_included, p->reports_included);
    return st;
}

ev_status ev_prisma_check(const ev_prisma *p, ev_error *err)
{
    if (!p)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "prisma: no counts");
    ev_status st = check_signs(p, err);
    if (st == EV_OK)
        st = check_screening(p, err);
    if (st == EV_OK)
        st = check_eligibility(p, err);
    return st;
}

/* ---- box texts ------------------------------------------------------------------ */

/* "(n = 18)" is joined by no-break spaces (U+00A0): the wrap never strands
 * a count on its own. */
#define NBSP "\xc2\xa0"

static ev_status count_line(ev_buf *b, const char *label, long n)
{
    if (n < 0)
        return ev_buf_printf(b, "%s%s (n" NBSP "=" NBSP "not" NBSP "reported)", b->len ? "\n" : "",
                             label);
    return ev_buf_printf(b, "%s%s (n" NBSP "=" NBSP "%ld)", b->len ? "\n" : "", label, n);
}

static ev_status text_identified(ev_buf *b, const ev_prisma *p)
{
    ev_status st = ev_buf_puts(b, "Records identified from:");
    long db = sum_counts(p->databases, p->ndatabases);
    if (st == EV_OK && p->ndatabases == 1) {
        char label[300];
        snprintf(label, sizeof label, "Database: %s",
                 p->databases[0].label ? p->databases[0].label : "");
        st = count_line(b, label, db);
    } else if (st == EV_OK && p->ndatabases) {
        st = count_line(b, "Databases", db);
    }
    for (size_t i = 0; st == EV_OK && p->ndatabases > 1 && i < p->ndatabases; i++) {
        char label[300];
        snprintf(label, sizeof label, "\xe2\x80\x93 %s",
                 p->databases[i].label ? p->databases[i].label : "");
        st = count_line(b, label, p->databases[i].n);
    }
    if (st == EV_OK && p->registers >= 0)
        st = count_line(b, "Registers", p->registers);
    return st;
}

static ev_status text_removed(ev_buf *b, const ev_prisma *p)
{
    ev_status st = ev_buf_puts(b, "Records removed before screening:");
    if (st == EV_OK)
        st = count_line(b, "Duplicate records removed", opt0(p->duplicates));
    if (st == EV_OK && p->automation_removed >= 0)
        st = count_line(b, "Records marked as ineligible by automation tools",
                        p->automation_removed);
    if (st == EV_OK && p->other_removed >= 0)
        st = count_line(b, "Records removed for other reasons", p->other_removed);
    return st;
}

static ev_status text_excluded(ev_buf *b, const ev_prisma *p)
{
    if (p->excluded_automation < 0)
        return count_line(b, "Records excluded", p->excluded_people);
    ev_status st = ev_buf_puts(b, "Records excluded:");
    if (st == EV_OK)
        st = count_line(b, "by reviewers", p->excluded_people);
    if (st == EV_OK)
        st = count_line(b, "by automation tools", p->excluded_automation);
    return st;
}

static ev_status text_reasons(ev_buf *b, const ev_prisma *p, const ev_prisma_count *r, size_t n)
{
    const char *head = p->scoping ? "Sources of evidence excluded:" : "Reports excluded:";
    ev_status st = n ? ev_buf_puts(b, head) : count_line(b, head, 0);
    for (size_t i = 0; st == EV_OK && i < n; i++)
        st = count_line(b, r[i].label ? r[i].label : "", r[i].n);
    return st;
}

static ev_status text_sources(ev_buf *b, const ev_prisma *p)
{
    ev_status st = ev_buf_puts(b, "Records identified from:");
    for (size_t i = 0; st == EV_OK && i < p->nother_sources; i++)
        st = count_line(b, p->other_sources[i].label ? p->other_sources[i].label : "",
                        p->other_sources[i].n);
    return st;
}

/* The sought / not retrieved / assessed boxes of either column. */
static ev_status text_retrieval(ev_buf *b, const ev_prisma *p, int which, long n)
{
    static const char *const label[2][3] = {
        {"Reports sought for retrieval", "Reports not retrieved",
         "Reports assessed for eligibility"},
        {"Sources of evidence sought for retrieval", "Sources of evidence not retrieved",
         "Sources of evidence assessed for eligibility"}};
    return count_line(b, label[p->scoping][which], which == 1 ? opt0(n) : n);
}

static ev_status text_included(ev_buf *b, const ev_prisma *p)
{
    ev_status st = count_line(
        b, p->scoping ? "Sources of evidence included in review" : "Studies included in review",
        p->studies_included);
    if (st == EV_OK && p->reports_included >= 0)
        st = count_line(b,
                        p->scoping ? "Reports of included sources" : "Reports of included studies",
                        p->reports_included);
    return st;
}

static ev_status box_text(ev_buf *b, const ev_prisma *p, ev__prisma_box_id id)
{
    switch (id) {
    case EV__PB_IDENTIFIED:
        return text_identified(b, p);
    case EV__PB_REMOVED:
        return text_removed(b, p);
    case EV__PB_SCREENED:
        return count_line(b, "Records screened", p->screened);
    case EV__PB_EXCLUDED:
        return text_excluded(b, p);
    case EV__PB_SOUGHT:
        return text_retrieval(b, p, 0, p->sought);
    case EV__PB_NOT_RETRIEVED:
        return text_retrieval(b, p, 1, p->not_retrieved);
    case EV__PB_ASSESSED:
        return text_retrieval(b, p, 2, p->assessed);
    case EV__PB_REASONS:
        return text_reasons(b, p, p->reasons, p->nreasons);
    case EV__PB_INCLUDED:
        return text_included(b, p);
    case EV__PB_O_IDENTIFIED:
        return text_sources(b, p);
    case EV__PB_O_SOUGHT:
        return text_retrieval(b, p, 0, p->other_sought);
    case EV__PB_O_NOT_RETRIEVED:
        return text_retrieval(b, p, 1, p->other_not_retrieved);
    case EV__PB_O_ASSESSED:
        return text_retrieval(b, p, 2, p->other_assessed);
    case EV__PB_O_REASONS:
        return text_reasons(b, p, p->other_reasons, p->nother_reasons);
    case EV__PB_COUNT:
        break;
    }
    return EV_OK;
}

/* ---- layout ----------------------------------------------------------------------- */

#define NONE EV__PB_COUNT
/* Rows of the template: databases/registers main and side column, other
 * methods main and side column (NONE: no box). */
static const ev__prisma_box_id row_box[5][4] = {
    {EV__PB_IDENTIFIED, EV__PB_REMOVED, EV__PB_O_IDENTIFIED, NONE},
    {EV__PB_SCREENED, EV__PB_EXCLUDED, NONE, NONE},
    {EV__PB_SOUGHT, EV__PB_NOT_RETRIEVED, EV__PB_O_SOUGHT, EV__PB_O_NOT_RETRIEVED},
    {EV__PB_ASSESSED, EV__PB_REASONS, EV__PB_O_ASSESSED, EV__PB_O_REASONS},
    {EV__PB_INCLUDED, NONE, NONE, NONE}};
/* Rows spanned by each phase bar: identification, screening, included. */
static const int phase_rows[3][2] = {{0, 0}, {1, 3}, {4, 4}};

static ev_status make_box(ev__prisma_layout *L, cairo_t *cr, const ev_prisma *p,
                          ev__prisma_box_id id, double x)
{
    ev_buf raw, wrapped;
    ev_buf_init(&raw, EV_BUF_DEFAULT_MAX);
    ev_buf_init(&wrapped, EV_BUF_DEFAULT_MAX);
    ev__prisma_box *b = &L->box[id];
    ev_status st = box_text(&raw, p, id);
    if (st == EV_OK)
        st = ev__plot_wrap(cr, ev_buf_cstr(&raw), L->col_w - 2 * P_PAD, &wrapped, &b->nlines);
    if (st == EV_OK && !(b->text = ev_buf_detach(&wrapped)))
        st = EV_ENOMEM;
    b->x = x;
    b->w = L->col_w;
    b->h = (double)b->nlines * P_LINE + 2 * P_PAD;
    ev_buf_release(&raw);
    ev_buf_release(&wrapped);
    return st;
}

static double phase_min_h(cairo_t *cr, const char *name)
{
    ev__plot_font(cr, P_FONT, true);
    double w = ev__plot_text_w(cr, name) + 16;
    ev__plot_font(cr, P_FONT, false);
    return w;
}

static void layout_names(ev__prisma_layout *L, const ev_prisma *p)
{
    L->font = P_FONT;
    L->line_h = P_LINE;
    L->bar_x = P_MARGIN;
    L->bar_w = P_BAR_W;
    L->other = p->nother_sources > 0;
    L->col_w = L->other ? P_COL_W_OTHER : P_COL_W;
    L->phase_name[0] = "Identification";
    L->phase_name[1] = "Screening";
    L->phase_name[2] = "Included";
    L->header = p->scoping ? "Identification of sources of evidence via databases and registers"
                           : "Identification of studies via databases and registers";
    L->other_header = p->scoping ? "Identification of sources of evidence via other methods"
                                 : "Identification of studies via other methods";
}

/* Lay out row r at height y; returns the row's height. */
static ev_status layout_row(ev__prisma_layout *L, cairo_t *cr, const ev_prisma *p, int r, double y,
                            double *h)
{
    double x0 = L->bar_x + L->bar_w + 12;
    double colx[4] = {x0, x0 + L->col_w + P_COL_GAP, 0, 0};
    colx[2] = colx[1] + L->col_w + P_COL_GAP * 0.75;
    colx[3] = colx[2] + L->col_w + P_COL_GAP;
    /* a one-row phase must be tall enough for its rotated name */
    *h = r == 0 || r == 4 ? phase_min_h(cr, L->phase_name[r ? 2 : 0]) : 0;
    int ncols = L->other ? 4 : 2;
    for (int c = 0; c < ncols; c++) {
        ev__prisma_box_id id = row_box[r][c];
        if (id == NONE)
            continue;
        if (make_box(L, cr, p, id, colx[c]) != EV_OK)
            return EV_ENOMEM;
        *h = fmax(*h, L->box[id].h);
    }
    for (int c = 0; c < ncols; c++)
        if (row_box[r][c] != NONE) {
            L->box[row_box[r][c]].y = y;
            L->box[row_box[r][c]].h = *h; /* a row's boxes share a height */
        }
    L->width = colx[ncols - 1] + L->col_w + P_MARGIN;
    return EV_OK;
}

ev_status ev__prisma_layout_make(ev__prisma_layout *L, cairo_t *cr, const ev_prisma *p,
                                 ev_error *err)
{
    memset(L, 0, sizeof *L);
    layout_names(L, p);
    ev__plot_font(cr, P_FONT, false);
    double y = P_MARGIN + P_HEAD_H + 14, h;
    L->phase_y[3] = P_MARGIN;
    L->phase_h[3] = P_HEAD_H;
    for (int r = 0; r < 5; r++) {
        if (layout_row(L, cr, p, r, y, &h) != EV_OK) {
            ev__prisma_layout_release(L);
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "prisma: out of memory");
        }
        y += h + P_ROW_GAP;
    }
    for (int ph = 0; ph < 3; ph++) {
        const ev__prisma_box *top = &L->box[row_box[phase_rows[ph][0]][0]];
        const ev__prisma_box *bot = &L->box[row_box[phase_rows[ph][1]][0]];
        L->phase_y[ph] = top->y;
        L->phase_h[ph] = bot->y + bot->h - top->y;
    }
    L->height = y - P_ROW_GAP + P_MARGIN;
    return EV_OK;
}

void ev__prisma_layout_release(ev__prisma_layout *L)
{
    for (int i = 0; i < EV__PB_COUNT; i++) {
        ev_free(L->box[i].text);
        L->box[i].text = NULL;
    }
}

/* ---- drawing ---------------------------------------------------------------------- */

static void rounded(cairo_t *cr, double x, double y, double w, double h, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

static void arrow(cairo_t *cr, double x1, double y1, double x2, double y2)
{
    double a = atan2(y2 - y1, x2 - x1), hl = 6, hw = 3;
    cairo_set_line_width(cr, 0.9);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2 - hl * cos(a), y2 - hl * sin(a));
    cairo_stroke(cr);
    cairo_move_to(cr, x2, y2);
    cairo_line_to(cr, x2 - hl * cos(a) + hw * sin(a), y2 - hl * sin(a) - hw * cos(a));
    cairo_line_to(cr, x2 - hl * cos(a) - hw * sin(a), y2 - hl * sin(a) + hw * cos(a));
    cairo_close_path(cr);
    cairo_fill(cr);
}

static void draw_box(cairo_t *cr, const ev__prisma_layout *L, ev__prisma_box_id id)
{
    const ev__prisma_box *b = &L->box[id];
    cairo_set_line_width(cr, 0.9);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_stroke(cr);
    /* single counts are centred as in the template; lists (identification
     * sources, removals, reasons) read better left-aligned */
    bool left = b->nlines > 2 || id == EV__PB_IDENTIFIED || id == EV__PB_O_IDENTIFIED ||
                id == EV__PB_REMOVED || id == EV__PB_REASONS || id == EV__PB_O_REASONS;
    double ty = b->y + (b->h - (double)b->nlines * P_LINE) / 2 + P_LINE * 0.78;
    ev__plot_font(cr, P_FONT, false);
    ev__plot_lines(cr, left ? b->x + P_PAD : b->x + b->w / 2, ty, P_LINE, b->text, left ? 0 : 0.5);
}

static void header_box(cairo_t *cr, const ev__prisma_layout *L, const ev__prisma_box *a,
                       const ev__prisma_box *b, const char *text, double grey)
{
    if (grey > 0)
        cairo_set_source_rgb(cr, grey, grey, grey);
    else
        cairo_set_source_rgb(cr, 1.0, 0.85, 0.40); /* the template's amber */
    rounded(cr, a->x, L->phase_y[3], b->x + b->w - a->x, L->phase_h[3], 5);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ev__plot_font(cr, P_FONT + 1, true);
    ev__plot_text(cr, (a->x + b->x + b->w) / 2, L->phase_y[3] + L->phase_h[3] / 2 + 3.5, text, 0.5);
}

static void draw_phases(cairo_t *cr, const ev__prisma_layout *L)
{
    header_box(cr, L, &L->box[EV__PB_IDENTIFIED], &L->box[EV__PB_REMOVED], L->header, 0);
    if (L->other) /* grey, as the template's other-methods header */
        header_box(cr, L, &L->box[EV__PB_O_IDENTIFIED], &L->box[EV__PB_O_REASONS], L->other_header,
                   0.85);
    for (int ph = 0; ph < 3; ph++) {
        cairo_set_source_rgb(cr, 0.66, 0.80, 0.93); /* pale blue phase bars */
        rounded(cr, L->bar_x, L->phase_y[ph], L->bar_w, L->phase_h[ph], 5);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ev__plot_font(cr, P_FONT, true);
        ev__plot_text_up(cr, L->bar_x + L->bar_w / 2, L->phase_y[ph] + L->phase_h[ph] / 2,
                         L->phase_name[ph]);
    }
}

static void down(cairo_t *cr, const ev__prisma_box *a, const ev__prisma_box *b)
{
    arrow(cr, a->x + a->w / 2, a->y + a->h, b->x + b->w / 2, b->y);
}

static void across(cairo_t *cr, const ev__prisma_box *a, const ev__prisma_box *b)
{
    arrow(cr, a->x + a->w, a->y + a->h / 2, b->x, a->y + a->h / 2);
}

/* The other-methods column: down its boxes, then into "included". */
static void draw_other(cairo_t *cr, const ev__prisma_layout *L)
{
    const ev__prisma_box *id = &L->box[EV__PB_O_IDENTIFIED], *so = &L->box[EV__PB_O_SOUGHT];
    const ev__prisma_box *as = &L->box[EV__PB_O_ASSESSED], *in = &L->box[EV__PB_INCLUDED];
    for (int i = EV__PB_O_IDENTIFIED; i <= EV__PB_O_REASONS; i++)
        draw_box(cr, L, (ev__prisma_box_id)i);
    down(cr, id, so);
    down(cr, so, as);
    across(cr, so, &L->box[EV__PB_O_NOT_RETRIEVED]);
    across(cr, as, &L->box[EV__PB_O_REASONS]);
    double x = as->x + as->w / 2, y = in->y + in->h / 2;
    cairo_set_line_width(cr, 0.9);
    cairo_move_to(cr, x, as->y + as->h);
    cairo_line_to(cr, x, y);
    cairo_stroke(cr);
    arrow(cr, x, y, in->x + in->w, y);
}

static void draw_prisma(cairo_t *cr, const void *vctx)
{
    const ev__prisma_layout *L = vctx;
    draw_phases(cr, L);
    for (int r = 0; r < 5; r++) {
        const ev__prisma_box *a = &L->box[row_box[r][0]];
        draw_box(cr, L, row_box[r][0]);
        if (row_box[r][1] != NONE) {
            draw_box(cr, L, row_box[r][1]);
            across(cr, a, &L->box[row_box[r][1]]);
        }
        if (r < 4)
            down(cr, a, &L->box[row_box[r + 1][0]]);
    }
    if (L->other)
        draw_other(cr, L);
}

static ev_status prisma_emit(const char *path, ev_buf *svg, const ev_prisma *p, ev_error *err)
{
    ev_status st = ev_prisma_check(p, err);
    if (st != EV_OK)
        return st;
    cairo_t *m = ev__plot_measure_new();
    if (!m)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "prisma: out of memory");
    ev__prisma_layout L;
    st = ev__prisma_layout_make(&L, m, p, err);
    ev__plot_measure_free(m);
    if (st != EV_OK)
        return st;
    st = ev__plot_emit(path, svg, L.width, L.height, draw_prisma, &L, err);
    ev__prisma_layout_release(&L);
    return st;
}

ev_status ev_plot_prisma(const ev_prisma *p, const char *path, ev_error *err)
{
    return prisma_emit(path, NULL, p, err);
}

ev_status ev_plot_prisma_svg(ev_buf *out, const ev_prisma *p, ev_error *err)
{
    if (!out)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "prisma: no output buffer");
    return prisma_emit(NULL, out, p, err);
}
