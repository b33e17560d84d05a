/*
 * curve.c - the recall curve of screening simulations (as in ASReview's
 * and the SYNERGY benchmark's plots): proportion of records screened
 * against proportion of relevant records found, one line per model, the
 * random-screening diagonal, and where each line first reaches a recall
 * target (95% by default: the work saved over sampling at 95%, WSS@95,
 * Cohen et al. 2006, J Am Med Inform Assoc 13:206, is 0.95 minus that x).
 */
#include "plot_int.h"

#define C_FONT 9.0
#define C_SMALL 8.0
#define C_W 320.0
#define C_H 240.0
#define C_MARGIN 12.0

/* Okabe-Ito: blue, vermillion, green, reddish purple, orange, sky blue */
static const double line_rgb[6][3] = {{0.000, 0.447, 0.698}, {0.835, 0.369, 0.000},
                                      {0.000, 0.620, 0.451}, {0.800, 0.475, 0.655},
                                      {0.902, 0.624, 0.000}, {0.337, 0.706, 0.914}};

void ev_curve_init(ev_curve *c)
{
    memset(c, 0, sizeof *c);
    c->diagonal = true;
    c->recall_mark = 0.95;
}

double ev__curve_reach(const ev_curve_series *s, double level)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->y[i] < level)
            continue;
        if (i == 0 || s->y[i] == s->y[i - 1])
            return s->x[i];
        double t = (level - s->y[i - 1]) / (s->y[i] - s->y[i - 1]);
        return s->x[i - 1] + t * (s->x[i] - s->x[i - 1]);
    }
    return NAN;
}

static ev_status validate(const ev_curve *c, ev_error *err)
{
    if (!c->nseries || !c->series)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "recall curve: no series");
    for (size_t k = 0; k < c->nseries; k++) {
        const ev_curve_series *s = &c->series[k];
        const char *name = s->name ? s->name : "";
        if (!s->n || !s->x || !s->y)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "recall curve: series %zu '%s' is empty", k + 1, name);
        for (size_t i = 0; i < s->n; i++) {
            bool in = s->x[i] >= 0 && s->x[i] <= 1 && s->y[i] >= 0 && s->y[i] <= 1;
            if (!in || (i && s->x[i] < s->x[i - 1]))
                return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                    "recall curve: series %zu '%s', point %zu (%g, %g): "
                                    "proportions must lie in [0, 1] with x increasing",
                                    k + 1, name, i + 1, s->x[i], s->y[i]);
        }
    }
    return EV_OK;
}

typedef struct curve_layout {
    const ev_curve *c;
    double width, height, l, r, t, b;
} curve_layout;

static double cx(const curve_layout *L, double x)
{
    return L->l + x * (L->r - L->l);
}

static double cy(const curve_layout *L, double y)
{
    return L->b - y * (L->b - L->t);
}

static void draw_axes(cairo_t *cr, const curve_layout *L)
{
    const ev_curve *c = L->c;
    char buf[32];
    cairo_set_line_width(cr, 0.4);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    for (int i = 1; i < 5; i++) { /* light grid every 20% */
        cairo_move_to(cr, cx(L, i / 5.0), L->t);
        cairo_line_to(cr, cx(L, i / 5.0), L->b);
        cairo_move_to(cr, L->l, cy(L, i / 5.0));
        cairo_line_to(cr, L->r, cy(L, i / 5.0));
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, L->l, L->t, L->r - L->l, L->b - L->t);
    cairo_stroke(cr);
    ev__plot_font(cr, C_SMALL, false);
    for (int i = 0; i <= 5; i++) {
        snprintf(buf, sizeof buf, "%d%%", i * 20);
        cairo_move_to(cr, cx(L, i / 5.0), L->b);
        cairo_line_to(cr, cx(L, i / 5.0), L->b + 3.5);
        cairo_move_to(cr, L->l, cy(L, i / 5.0));
        cairo_line_to(cr, L->l - 3.5, cy(L, i / 5.0));
        cairo_stroke(cr);
        ev__plot_text(cr, cx(L, i / 5.0), L->b + 12, buf, 0.5);
        ev__plot_text(cr, L->l - 5, cy(L, i / 5.0) + 3, buf, 1);
    }
    ev__plot_font(cr, C_FONT, false);
    ev__plot_text(cr, (L->l + L->r) / 2, L->b + 28,
                  c->xlabel ? c->xlabel : "Proportion of records screened", 0.5);
    ev__plot_text_up(cr, C_MARGIN + 5, (L->t + L->b) / 2,
                     c->ylabel ? c->ylabel : "Proportion of relevant records found");
    ev__plot_font(cr, C_FONT + 1, true);
    ev__plot_text(cr, (L->l + L->r) / 2, C_MARGIN + 10, c->title ? c->title : "Recall curve", 0.5);
}

static void set_series_colour(cairo_t *cr, size_t k)
{
    cairo_set_source_rgb(cr, line_rgb[k % 6][0], line_rgb[k % 6][1], line_rgb[k % 6][2]);
}

static void draw_lines(cairo_t *cr, const curve_layout *L)
{
    const ev_curve *c = L->c;
    static const double dash[] = {4, 3}, dot[] = {1, 2};
    if (c->diagonal) {
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 0.9);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, cx(L, 0), cy(L, 0));
        cairo_line_to(cr, cx(L, 1), cy(L, 1));
        cairo_stroke(cr);
    }
    if (isfinite(c->recall_mark)) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.6);
        cairo_set_dash(cr, dot, 2, 0);
        cairo_move_to(cr, L->l, cy(L, c->recall_mark));
        cairo_line_to(cr, L->r, cy(L, c->recall_mark));
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.6);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t k = 0; k < c->nseries; k++) {
        const ev_curve_series *s = &c->series[k];
        set_series_colour(cr, k);
        cairo_move_to(cr, cx(L, s->x[0]), cy(L, s->y[0]));
        for (size_t i = 1; i < s->n; i++)
            cairo_line_to(cr, cx(L, s->x[i]), cy(L, s->y[i]));
        cairo_stroke(cr);
    }
}

/* Where each line reaches the target: a point, a drop line to the x axis
 * and the proportion screened, stacked so labels do not collide. */
static void draw_marks(cairo_t *cr, const curve_layout *L)
{
    const ev_curve *c = L->c;
    static const double dot[] = {1, 2};
    if (!isfinite(c->recall_mark))
        return;
    ev__plot_font(cr, C_SMALL, true);
    for (size_t k = 0; k < c->nseries; k++) {
        double x = ev__curve_reach(&c->series[k], c->recall_mark);
        if (isnan(x))
            continue;
        char buf[32];
        snprintf(buf, sizeof buf, "%.0f%%", x * 100);
        set_series_colour(cr, k);
        cairo_set_line_width(cr, 0.7);
        cairo_set_dash(cr, dot, 2, 0);
        cairo_move_to(cr, cx(L, x), cy(L, c->recall_mark));
        cairo_line_to(cr, cx(L, x), L->b);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_new_sub_path(cr);
        cairo_arc(cr, cx(L, x), cy(L, c->recall_mark), 3, 0, 2 * M_PI);
        cairo_fill(cr);
        ev__plot_text(cr, cx(L, x) + 3, L->b - 5 - 10 * (double)k, buf, 0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw_legend(cairo_t *cr, const curve_layout *L)
{
    const ev_curve *c = L->c;
    double x = L->r + 14, y = L->t + 8;
    char name[64], target[64];
    ev__plot_font(cr, C_SMALL, false);
    for (size_t k = 0; k <= c->nseries; k++) {
        bool diag = k == c->nseries;
        if (diag && !c->diagonal)
            break;
        static const double dash[] = {4, 3};
        if (diag)
            cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        else
            set_series_colour(cr, k);
        cairo_set_line_width(cr, diag ? 0.9 : 1.6);
        cairo_set_dash(cr, dash, diag ? 2 : 0, 0);
        cairo_move_to(cr, x, y - 3);
        cairo_line_to(cr, x + 18, y - 3);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        snprintf(name, sizeof name, "Model %zu", k + 1);
        ev__plot_text(cr, x + 24, y,
                      diag                ? "Random screening"
                      : c->series[k].name ? c->series[k].name
                                          : name,
                      0);
        y += 14;
    }
    if (isfinite(c->recall_mark)) {
        snprintf(target, sizeof target, "\xc2\xb7\xc2\xb7\xc2\xb7 %.0f%% recall",
                 c->recall_mark * 100);
        ev__plot_text(cr, x + 2, y, target, 0);
    }
}

static void draw_curve(cairo_t *cr, const void *vctx)
{
    const curve_layout *L = vctx;
    draw_axes(cr, L);
    draw_lines(cr, L);
    draw_marks(cr, L);
    draw_legend(cr, L);
}

static ev_status curve_emit(const char *path, ev_buf *svg, const ev_curve *c, ev_error *err)
{
    if (!c)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "recall curve: no data");
    ev_status st = validate(c, err);
    if (st != EV_OK)
        return st;
    cairo_t *m = ev__plot_measure_new();
    if (!m)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "recall curve: out of memory");
    double lw = 0;
    ev__plot_font(m, C_SMALL, false);
    for (size_t k = 0; k < c->nseries; k++)
        lw = fmax(lw, ev__plot_text_w(m, c->series[k].name));
    lw = fmax(lw, ev__plot_text_w(m, "Random screening"));
    ev__plot_measure_free(m);
    curve_layout L = {.c = c, .l = C_MARGIN + 18 + 30, .t = C_MARGIN + 22};
    L.r = L.l + C_W;
    L.b = L.t + C_H;
    L.width = L.r + 14 + 24 + lw + C_MARGIN;
    L.height = L.b + 36 + C_MARGIN;
    return ev__plot_emit(path, svg, L.width, L.height, draw_curve, &L, err);
}

ev_status ev_plot_curve(const ev_curve *c, const char *path, ev_error *err)
{
    return curve_emit(path, NULL, c, err);
}

ev_status ev_plot_curve_svg(ev_buf *out, const ev_curve *c, ev_error *err)
{
    if (!out)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "recall curve: no output buffer");
    return curve_emit(NULL, out, c, err);
}
