/*
 * funnel.c - the funnel plot as metafor's funnel() draws it: effect on x,
 * standard error on an inverted y axis (0 at the top), the pseudo 95%
 * confidence region as a white triangle on grey, a line at the pooled
 * estimate, filled points for the studies and open points for the studies
 * trim and fill imputed; optionally the contour-enhanced version (Peters et
 * al. 2008, J Clin Epidemiol 61:991) with regions of p at 0.10/0.05/0.01.
 */
#include "plot_int.h"

#define U_FONT 9.0
#define U_SMALL 8.0
#define U_W 300.0
#define U_H 240.0
#define U_MARGIN 12.0

/* Normal quantiles for two-sided 90/95/99% (metafor's level=c(90,95,99)) */
static const double z_of[3] = {1.6448536269514722, 1.959963984540054, 2.5758293035489004};
/* metafor's example shading: white, gray55, gray75; background lightgray */
static const double shade_of[3] = {1.0, 140.0 / 255, 191.0 / 255};
#define U_BACK (211.0 / 255)

void ev_funnel_init(ev_funnel *f)
{
    memset(f, 0, sizeof *f);
    f->estimate = NAN;
}

static ev_status validate(const ev_funnel *f, ev_error *err)
{
    if (!f->yi || !f->sei || (f->kfill && (!f->fill_yi || !f->fill_sei)))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "funnel: missing yi or sei array");
    size_t used = 0;
    for (size_t i = 0; i < f->k + f->kfill; i++) {
        double y = i < f->k ? f->yi[i] : f->fill_yi[i - f->k];
        double s = i < f->k ? f->sei[i] : f->fill_sei[i - f->k];
        if (isnan(y) || isnan(s))
            continue; /* omitted, as metafor omits NA studies */
        if (!isfinite(y) || !isfinite(s) || s < 0)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "funnel: %s %zu: effect %g with standard error %g cannot be drawn",
                                i < f->k ? "study" : "imputed study",
                                i < f->k ? i + 1 : i - f->k + 1, y, s);
        used++;
    }
    if (!used)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "funnel: no study to plot");
    if (isinf(f->estimate) || (f->contours && !isfinite(f->contour_centre)))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "funnel: the pooled estimate or contour centre is not finite");
    return EV_OK;
}

static void ranges(const ev_funnel *f, double *lo, double *hi, double *semax)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    *semax = 0;
    for (size_t i = 0; i < f->k + f->kfill; i++) {
        double y = i < f->k ? f->yi[i] : f->fill_yi[i - f->k];
        double s = i < f->k ? f->sei[i] : f->fill_sei[i - f->k];
        if (isnan(y) || isnan(s))
            continue;
        *lo = fmin(*lo, y);
        *hi = fmax(*hi, y);
        *semax = fmax(*semax, s);
    }
    if (*semax <= 0)
        *semax = 1;
    /* the regions drawn must fit at the bottom of the plot */
    if (isfinite(f->estimate)) {
        *lo = fmin(*lo, f->estimate - z_of[1] * *semax);
        *hi = fmax(*hi, f->estimate + z_of[1] * *semax);
    }
    if (f->contours) {
        *lo = fmin(*lo, f->contour_centre - z_of[2] * *semax);
        *hi = fmax(*hi, f->contour_centre + z_of[2] * *semax);
    }
}

ev_status ev__funnel_layout_make(ev__funnel_layout *L, cairo_t *cr, const ev_funnel *f,
                                 ev_error *err)
{
    memset(L, 0, sizeof *L);
    ev_status st = validate(f, err);
    if (st != EV_OK)
        return st;
    double lo, hi, semax;
    ranges(f, &lo, &hi, &semax);
    if (f->log_scale) {
        ev__plot_log_ticks(&lo, &hi, false, L->xt, &L->nxt);
    } else {
        ev__plot_ticks(&lo, &hi, L->xt, 16, &L->nxt);
        L->xdigits = L->nxt > 1 ? ev__plot_tick_digits(L->xt[1] - L->xt[0]) : 0;
    }
    L->xlo = lo;
    L->xhi = hi;
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || !isfinite(hi - lo) || !isfinite(semax))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "funnel: the effects span a range too wide to draw");
    double slo = 0;
    ev__plot_ticks(&slo, &semax, L->yt, 16, &L->nyt);
    L->ydigits = L->nyt > 1 ? ev__plot_tick_digits(L->yt[1] - L->yt[0]) : 0;
    L->semax = semax;
    ev__plot_font(cr, U_SMALL, false);
    char buf[64];
    double yw = 0;
    for (size_t i = 0; i < L->nyt; i++) {
        ev__plot_fmt(buf, sizeof buf, L->yt[i], L->ydigits);
        yw = fmax(yw, ev__plot_text_w(cr, buf));
    }
    L->plot_l = U_MARGIN + 16 + yw + 6;
    L->plot_r = L->plot_l + U_W;
    L->plot_t = U_MARGIN + (f->title ? 18 : 4);
    L->plot_b = L->plot_t + U_H;
    L->width = L->plot_r + U_MARGIN + 8;
    if (f->contours) {
        L->legend_x = L->plot_r + 14;
        L->width = L->legend_x + 24 + ev__plot_text_w(cr, "0.05 < p \xe2\x89\xa4 0.10") + U_MARGIN;
    }
    L->height = L->plot_b + 40 + U_MARGIN;
    return EV_OK;
}

void ev__funnel_xy(const ev__funnel_layout *L, double yi, double se, double *x, double *y)
{
    *x = L->plot_l + (yi - L->xlo) / (L->xhi - L->xlo) * (L->plot_r - L->plot_l);
    *y = L->plot_t + se / L->semax * (L->plot_b - L->plot_t);
}

typedef struct funnel_ctx {
    const ev_funnel *f;
    const ev__funnel_layout *L;
} funnel_ctx;

/* The region centre ± z·se for se in [0, semax]: a triangle, apex on top. */
static void triangle(cairo_t *cr, const ev__funnel_layout *L, double centre, double z)
{
    double x, y;
    ev__funnel_xy(L, centre, 0, &x, &y);
    cairo_move_to(cr, x, y);
    ev__funnel_xy(L, centre - z * L->semax, L->semax, &x, &y);
    cairo_line_to(cr, x, y);
    ev__funnel_xy(L, centre + z * L->semax, L->semax, &x, &y);
    cairo_line_to(cr, x, y);
    cairo_close_path(cr);
}

static void regions(cairo_t *cr, const funnel_ctx *c)
{
    const ev__funnel_layout *L = c->L;
    const ev_funnel *f = c->f;
    cairo_set_source_rgb(cr, U_BACK, U_BACK, U_BACK);
    cairo_rectangle(cr, L->plot_l, L->plot_t, L->plot_r - L->plot_l, L->plot_b - L->plot_t);
    cairo_fill(cr);
    if (f->contours) {
        for (int i = 2; i >= 0; i--) { /* widest first */
            cairo_set_source_rgb(cr, shade_of[i], shade_of[i], shade_of[i]);
            triangle(cr, L, f->contour_centre, z_of[i]);
            cairo_fill(cr);
        }
    } else if (isfinite(f->estimate)) {
        static const double dot[] = {1.5, 2};
        cairo_set_source_rgb(cr, 1, 1, 1);
        triangle(cr, L, f->estimate, z_of[1]);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.7);
        cairo_set_dash(cr, dot, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (isfinite(f->estimate)) {
        double x, y0, y1;
        ev__funnel_xy(L, f->estimate, 0, &x, &y0);
        ev__funnel_xy(L, f->estimate, L->semax, &x, &y1);
        cairo_set_line_width(cr, 0.8);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
        cairo_stroke(cr);
    }
}

static void points(cairo_t *cr, const funnel_ctx *c)
{
    const ev_funnel *f = c->f;
    cairo_set_line_width(cr, 0.8);
    for (size_t i = 0; i < f->k + f->kfill; i++) {
        bool filled = i < f->k;
        double yi = filled ? f->yi[i] : f->fill_yi[i - f->k];
        double se = filled ? f->sei[i] : f->fill_sei[i - f->k];
        if (isnan(yi) || isnan(se))
            continue;
        double x, y;
        ev__funnel_xy(c->L, yi, se, &x, &y);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, 2.8, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, filled ? 0 : 1, filled ? 0 : 1, filled ? 0 : 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_stroke(cr);
    }
}

static void axes(cairo_t *cr, const funnel_ctx *c)
{
    const ev__funnel_layout *L = c->L;
    const ev_funnel *f = c->f;
    char buf[64];
    double x, y;
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, L->plot_l, L->plot_t, L->plot_r - L->plot_l, L->plot_b - L->plot_t);
    cairo_stroke(cr);
    ev__plot_font(cr, U_SMALL, false);
    char labels[16][64];
    const char *lp[16];
    double xs[16];
    size_t keep = 0;
    for (size_t i = 0; i < L->nxt; i++) {
        ev__funnel_xy(L, L->xt[i], L->semax, &x, &y);
        cairo_move_to(cr, x, L->plot_b);
        cairo_line_to(cr, x, L->plot_b + 3.5);
        cairo_stroke(cr);
        double v = f->log_scale ? exp(L->xt[i]) : L->xt[i];
        ev__plot_fmt(labels[i], sizeof labels[i], v,
                     f->log_scale ? ev__plot_tick_digits(v) : L->xdigits);
        lp[i] = labels[i];
        xs[i] = x;
        if (fabs(L->xt[i]) < fabs(L->xt[keep]))
            keep = i;
    }
    ev__plot_tick_labels(cr, xs, lp, L->nxt, L->plot_b + 12, keep);
    for (size_t i = 0; i < L->nyt; i++) {
        ev__funnel_xy(L, L->xlo, L->yt[i], &x, &y);
        cairo_move_to(cr, L->plot_l, y);
        cairo_line_to(cr, L->plot_l - 3.5, y);
        cairo_stroke(cr);
        ev__plot_fmt(buf, sizeof buf, L->yt[i], L->ydigits);
        ev__plot_text(cr, L->plot_l - 5, y + 3, buf, 1);
    }
    ev__plot_font(cr, U_FONT, false);
    ev__plot_text(cr, (L->plot_l + L->plot_r) / 2, L->plot_b + 28,
                  f->xlabel ? f->xlabel : "Effect size", 0.5);
    ev__plot_text_up(cr, U_MARGIN + 5, (L->plot_t + L->plot_b) / 2, "Standard Error");
    if (f->title) {
        ev__plot_font(cr, U_FONT + 1, true);
        ev__plot_text(cr, (L->plot_l + L->plot_r) / 2, U_MARGIN + 8, f->title, 0.5);
    }
}

static void legend(cairo_t *cr, const ev__funnel_layout *L)
{
    static const char *const label[4] = {"0.10 < p \xe2\x89\xa4 1.00", "0.05 < p \xe2\x89\xa4 0.10",
                                         "0.01 < p \xe2\x89\xa4 0.05",
                                         "0.00 < p \xe2\x89\xa4 0.01"};
    double shade[4] = {shade_of[0], shade_of[1], shade_of[2], U_BACK};
    ev__plot_font(cr, U_SMALL, false);
    for (int i = 0; i < 4; i++) {
        double y = L->plot_t + 6 + i * 15;
        cairo_rectangle(cr, L->legend_x, y, 14, 10);
        cairo_set_source_rgb(cr, shade[i], shade[i], shade[i]);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        ev__plot_text(cr, L->legend_x + 20, y + 8.5, label[i], 0);
    }
}

static void draw_funnel(cairo_t *cr, const void *vctx)
{
    const funnel_ctx *c = vctx;
    const ev__funnel_layout *L = c->L;
    cairo_save(cr);
    cairo_rectangle(cr, L->plot_l, L->plot_t, L->plot_r - L->plot_l, L->plot_b - L->plot_t);
    cairo_clip(cr);
    regions(cr, c);
    cairo_restore(cr);
    points(cr, c); /* unclipped: a point on the frame stays whole */
    axes(cr, c);
    if (L->legend_x > 0)
        legend(cr, L);
}

static ev_status funnel_emit(const char *path, ev_buf *svg, const ev_funnel *f, ev_error *err)
{
    if (!f)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "funnel: no data");
    cairo_t *m = ev__plot_measure_new();
    if (!m)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "funnel: out of memory");
    ev__funnel_layout L;
    ev_status st = ev__funnel_layout_make(&L, m, f, err);
    ev__plot_measure_free(m);
    if (st != EV_OK)
        return st;
    funnel_ctx c = {f, &L};
    return ev__plot_emit(path, svg, L.width, L.height, draw_funnel, &c, err);
}

ev_status ev_plot_funnel(const ev_funnel *f, const char *path, ev_error *err)
{
    return funnel_emit(path, NULL, f, err);
}

ev_status ev_plot_funnel_svg(ev_buf *out, const ev_funnel *f, ev_error *err)
{
    if (!out)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "funnel: no output buffer");
    return funnel_emit(NULL, out, f, err);
}
