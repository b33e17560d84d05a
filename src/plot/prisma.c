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

static long sum_reasons(const ev_prisma *p)
{
    long n = 0;
    for (size_t i = 0; i < p->nreasons; i++)
        n += p->reasons[i].n;
    return n;
}

static ev_status bad_eq(ev_error *err, const char *what, long got, const char *name, long want)
{
    return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: %s = %ld, but %s is %ld", what, got,
                        name, want);
}

static ev_status check_signs(const ev_prisma *p, ev_error *err)
{
    const long v[] = {
        p->registers,     p->duplicates,      p->automation_removed,  p->other_removed,
        p->screened,      p->excluded_people, p->excluded_automation, p->sought,
        p->not_retrieved, p->assessed,        p->studies_included,    p->reports_included};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] < -1)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: count %ld is negative", v[i]);
    /* no review has a trillion records; the bound keeps the sums exact */
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i] > P_MAX_COUNT)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: count %ld is too large", v[i]);
    for (size_t i = 0; i < p->ndatabases + p->nreasons; i++) {
        long n = i < p->ndatabases ? p->databases[i].n : p->reasons[i - p->ndatabases].n;
        if (n > P_MAX_COUNT)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: count %ld is too large", n);
    }
    if (p->ndatabases > 100000 || p->nreasons > 100000)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "prisma: too many databases or reasons");
    for (size_t i = 0; i < p->ndatabases; i++)
        if (p->databases[i].n < 0)
            return ev_error_set(
                err, EV_EINPUT, NULL, 0, 0, "prisma: database '%s' has a negative count (%ld)",
                p->databases[i].label ? p->databases[i].label : "", p->databases[i].n);
    for (size_t i = 0; i < p->nreasons; i++)
        if (p->reasons[i].n < 0)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "prisma: exclusion reason '%s' has a negative count (%ld)",
                                p->reasons[i].label ? p->reasons[i].label : "", p->reasons[i].n);
    return EV_OK;
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

/* Retrieval, eligibility and inclusion. */
static ev_status check_eligibility(const ev_prisma *p, ev_error *err)
{
    char what[256];
    if (p->sought >= 0 && p->assessed >= 0 && p->sought - opt0(p->not_retrieved) != p->assessed) {
        snprintf(what, sizeof what, "reports sought (%ld) - reports not retrieved (%ld)", p->sought,
                 opt0(p->not_retrieved));
        return bad_eq(err, what, p->sought - opt0(p->not_retrieved),
                      "reports assessed for eligibility", p->assessed);
    }
    long incl = p->reports_included >= 0 ? p->reports_included : p->studies_included;
    const char *name =
        p->reports_included >= 0 ? "reports of included studies" : "studies included";
    if (p->assessed >= 0 && incl >= 0) {
        long ex = sum_reasons(p);
        snprintf(what, sizeof what, "reports assessed (%ld) - reports excluded (%ld)", p->assessed,
                 ex);
        if (p->assessed - ex != incl)
            return bad_eq(err, what, p->assessed - ex, name, incl);
    }
    if (p->studies_included >= 0 && p->reports_included >= 0 &&
        p->studies_included > p->reports_included)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "prisma: studies included (%ld) exceed their reports (%ld)",
                            p->studies_included, p->reports_included);
    return EV_OK;
}

ev_status ev_prisma_check(const ev_prisma *p, ev_error *err)
{
    if (!p)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "prisma: no counts");
    if ((p->ndatabases && !p->databases) || (p->nreasons && !p->reasons))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "prisma: missing database or reason list");
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
    long db = 0;
    for (size_t i = 0; i < p->ndatabases; i++)
        db += p->databases[i].n;
    if (st == EV_OK && p->ndatabases)
        st = count_line(b, p->ndatabases > 1 ? "Databases" : "Database", db);
    for (size_t i = 0; st == EV_OK && p->ndatabases > 1 && i < p->ndatabases; i++) {
        char label[300];
        snprintf(label, sizeof label, "\xe2\x80\x93 %s",
                 p->databases[i].label ? p->databases[i].label : "");
        st = count_line(b, label, p->databases[i].n);
    }
    if (st == EV_OK && p->ndatabases == 1)
        st = ev_buf_printf(b, " [%s]", p->databases[0].label ? p->databases[0].label : "");
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

static ev_status text_reasons(ev_buf *b, const ev_prisma *p)
{
    const char *head = p->scoping ? "Sources of evidence excluded:" : "Reports excluded:";
    ev_status st = p->nreasons ? ev_buf_puts(b, head) : count_line(b, head, 0);
    for (size_t i = 0; st == EV_OK && i < p->nreasons; i++)
        st = count_line(b, p->reasons[i].label ? p->reasons[i].label : "", p->reasons[i].n);
    return st;
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
    bool sc = p->scoping;
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
        return count_line(
            b, sc ? "Sources of evidence sought for retrieval" : "Reports sought for retrieval",
            p->sought);
    case EV__PB_NOT_RETRIEVED:
        return count_line(b, sc ? "Sources of evidence not retrieved" : "Reports not retrieved",
                          opt0(p->not_retrieved));
    case EV__PB_ASSESSED:
        return count_line(b,
                          sc ? "Sources of evidence assessed for eligibility"
                             : "Reports assessed for eligibility",
                          p->assessed);
    case EV__PB_REASONS:
        return text_reasons(b, p);
    case EV__PB_INCLUDED:
        return text_included(b, p);
    case EV__PB_COUNT:
        break;
    }
    return EV_OK;
}

/* ---- layout ----------------------------------------------------------------------- */

/* Rows of the template: (left box, right box or COUNT for none). */
static const ev__prisma_box_id row_box[5][2] = {{EV__PB_IDENTIFIED, EV__PB_REMOVED},
                                                {EV__PB_SCREENED, EV__PB_EXCLUDED},
                                                {EV__PB_SOUGHT, EV__PB_NOT_RETRIEVED},
                                                {EV__PB_ASSESSED, EV__PB_REASONS},
                                                {EV__PB_INCLUDED, EV__PB_COUNT}};
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
        st = ev__plot_wrap(cr, ev_buf_cstr(&raw), P_COL_W - 2 * P_PAD, &wrapped, &b->nlines);
    if (st == EV_OK && !(b->text = ev_buf_detach(&wrapped)))
        st = EV_ENOMEM;
    b->x = x;
    b->w = P_COL_W;
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

ev_status ev__prisma_layout_make(ev__prisma_layout *L, cairo_t *cr, const ev_prisma *p,
                                 ev_error *err)
{
    memset(L, 0, sizeof *L);
    L->font = P_FONT;
    L->line_h = P_LINE;
    L->bar_x = P_MARGIN;
    L->bar_w = P_BAR_W;
    L->phase_name[0] = "Identification";
    L->phase_name[1] = "Screening";
    L->phase_name[2] = "Included";
    L->header = p->scoping ? "Identification of sources of evidence via databases and registers"
                           : "Identification of studies via databases and registers";
    double xl = L->bar_x + L->bar_w + 12, xr = xl + P_COL_W + P_COL_GAP;
    ev__plot_font(cr, P_FONT, false);
    double y = P_MARGIN + P_HEAD_H + 14;
    L->phase_y[3] = P_MARGIN;
    L->phase_h[3] = P_HEAD_H;
    for (int r = 0; r < 5; r++) {
        /* a one-row phase must be tall enough for its rotated name */
        double h = r == 0 || r == 4 ? phase_min_h(cr, L->phase_name[r ? 2 : 0]) : 0;
        for (int c = 0; c < 2; c++) {
            ev__prisma_box_id id = row_box[r][c];
            if (id == EV__PB_COUNT)
                continue;
            if (make_box(L, cr, p, id, c ? xr : xl) != EV_OK) {
                ev__prisma_layout_release(L);
                return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "prisma: out of memory");
            }
            h = fmax(h, L->box[id].h);
        }
        for (int c = 0; c < 2; c++)
            if (row_box[r][c] != EV__PB_COUNT) {
                L->box[row_box[r][c]].y = y;
                L->box[row_box[r][c]].h = h; /* a row's boxes share a height */
            }
        y += h + P_ROW_GAP;
    }
    for (int ph = 0; ph < 3; ph++) {
        const ev__prisma_box *top = &L->box[row_box[phase_rows[ph][0]][0]];
        const ev__prisma_box *bot = &L->box[row_box[phase_rows[ph][1]][0]];
        L->phase_y[ph] = top->y;
        L->phase_h[ph] = bot->y + bot->h - top->y;
    }
    L->width = xr + P_COL_W + P_MARGIN;
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
    /* counts in the main column are centred as in the template; lists in
     * the side column read better left-aligned */
    bool left = b->x > L->box[EV__PB_IDENTIFIED].x || id == EV__PB_IDENTIFIED;
    double ty = b->y + (b->h - (double)b->nlines * P_LINE) / 2 + P_LINE * 0.78;
    ev__plot_font(cr, P_FONT, false);
    ev__plot_lines(cr, left ? b->x + P_PAD : b->x + b->w / 2, ty, P_LINE, b->text, left ? 0 : 0.5);
}

static void draw_phases(cairo_t *cr, const ev__prisma_layout *L)
{
    const ev__prisma_box *id = &L->box[EV__PB_IDENTIFIED];
    const ev__prisma_box *rm = &L->box[EV__PB_REMOVED];
    /* template colours: amber header, pale blue phase bars */
    cairo_set_source_rgb(cr, 1.0, 0.85, 0.40);
    rounded(cr, id->x, L->phase_y[3], rm->x + rm->w - id->x, L->phase_h[3], 5);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ev__plot_font(cr, P_FONT + 1, true);
    ev__plot_text(cr, (id->x + rm->x + rm->w) / 2, L->phase_y[3] + L->phase_h[3] / 2 + 3.5,
                  L->header, 0.5);
    for (int ph = 0; ph < 3; ph++) {
        cairo_set_source_rgb(cr, 0.66, 0.80, 0.93);
        rounded(cr, L->bar_x, L->phase_y[ph], L->bar_w, L->phase_h[ph], 5);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ev__plot_font(cr, P_FONT, true);
        ev__plot_text_up(cr, L->bar_x + L->bar_w / 2, L->phase_y[ph] + L->phase_h[ph] / 2,
                         L->phase_name[ph]);
    }
}

static void draw_prisma(cairo_t *cr, const void *vctx)
{
    const ev__prisma_layout *L = vctx;
    draw_phases(cr, L);
    for (int r = 0; r < 5; r++) {
        const ev__prisma_box *a = &L->box[row_box[r][0]];
        draw_box(cr, L, row_box[r][0]);
        if (row_box[r][1] != EV__PB_COUNT) {
            const ev__prisma_box *b = &L->box[row_box[r][1]];
            draw_box(cr, L, row_box[r][1]);
            arrow(cr, a->x + a->w, a->y + a->h / 2, b->x, a->y + a->h / 2);
        }
        if (r < 4) {
            const ev__prisma_box *n = &L->box[row_box[r + 1][0]];
            arrow(cr, a->x + a->w / 2, a->y + a->h, n->x + n->w / 2, n->y);
        }
    }
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
