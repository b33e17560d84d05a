/*
 * forest.c - the forest plot, laid out as in RevMan / Cochrane reviews:
 * study label, optional data columns, weight, "estimate [lower, upper]" and
 * the plot on the right; squares whose area is proportional to the weight,
 * whiskers with arrows where the axis clips them, diamonds for pooled
 * estimates, a dashed prediction interval bar, heterogeneity and overall
 * effect lines, subgroups with subtotals, axis, label and "favours" texts.
 */
#include "plot_int.h"

#define F_FONT 9.0
#define F_SMALL 8.0
#define F_ROW_H 14.0
#define F_MARGIN 14.0
#define F_GAP 14.0
#define F_PLOT_W 220.0

void ev_forest_init(ev_forest *f)
{
    memset(f, 0, sizeof *f);
    f->xmin = NAN;
    f->xmax = NAN;
    f->digits = 2;
    f->level = 95;
    f->show_weights = true;
}

void ev_forest_pooled_init(ev_forest_pooled *p)
{
    memset(p, 0, sizeof *p);
    p->est = p->ci_lb = p->ci_ub = p->pi_lb = p->pi_ub = NAN;
    p->tau2 = p->i2 = p->q = p->q_df = p->q_p = p->z = p->z_p = NAN;
}

static int digits_of(const ev_forest *f)
{
    return f->digits > 0 && f->digits <= 6 ? f->digits : 2;
}

/* Displayed value: back-transformed on a log axis. */
static double shown(const ev_forest *f, double v)
{
    return f->log_scale ? exp(v) : v;
}

/* "Heterogeneity: τ² = 0.31; I² = 92%; Q = 152.23, df = 12, p < 0.001" or
 * "Test for overall effect: Z = −3.97 (p < 0.001)"; "" when nothing to say. */
static void pooled_text(char *out, size_t n, const ev_forest_pooled *p, int which, int dg)
{
    char a[64], b[64], c[64], d[64];
    out[0] = '\0';
    if (which == 0) {
        size_t len = 0;
        if (!isnan(p->tau2)) {
            ev__plot_fmt(a, sizeof a, p->tau2, dg);
            len += (size_t)snprintf(out + len, n - len, "\xcf\x84\xc2\xb2 = %s", a);
        }
        if (!isnan(p->i2) && len < n)
            len += (size_t)snprintf(out + len, n - len, "%sI\xc2\xb2 = %.0f%%", len ? "; " : "",
                                    p->i2);
        if (!isnan(p->q) && len < n) {
            ev__plot_fmt(b, sizeof b, p->q, dg);
            ev__plot_fmt(c, sizeof c, p->q_df, 0);
            ev__plot_fmt_p(d, sizeof d, p->q_p);
            len += (size_t)snprintf(out + len, n - len, "%sQ = %s, df = %s, %s", len ? "; " : "", b,
                                    c, d);
        }
        if (len) {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "Heterogeneity: %s", out);
            snprintf(out, n, "%s", tmp);
        }
        return;
    }
    if (isnan(p->z))
        return;
    ev__plot_fmt(a, sizeof a, p->z, dg);
    ev__plot_fmt_p(b, sizeof b, p->z_p);
    snprintf(out, n, "Test for overall effect: %s = %s (%s)", p->stat_name ? p->stat_name : "Z", a,
             b);
}

static bool has_text(const ev_forest_pooled *p, int which)
{
    return which == 0 ? !isnan(p->tau2) || !isnan(p->i2) || !isnan(p->q) : !isnan(p->z);
}

/* ---- rows ---------------------------------------------------------------------- */

static size_t count_rows(const ev_forest *f)
{
    size_t n = 2 + 4;
    for (size_t g = 0; g < f->ngroups; g++)
        n += 6 + f->groups[g].nstudies;
    return n;
}

static ev__forest_row *push(ev__forest_layout *L, ev__forest_row_kind kind)
{
    ev__forest_row *r = &L->rows[L->nrows++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    return r;
}

static void push_pooled(ev__forest_layout *L, const ev_forest_pooled *p)
{
    push(L, EV__FR_POOLED)->pooled = p;
    if (!isnan(p->pi_lb) && !isnan(p->pi_ub))
        push(L, EV__FR_PI)->pooled = p;
    for (int w = 0; w < 2; w++)
        if (has_text(p, w)) {
            ev__forest_row *r = push(L, EV__FR_TEXT);
            r->pooled = p;
            r->text_which = w;
        }
}

static void build_rows(ev__forest_layout *L, const ev_forest *f)
{
    push(L, EV__FR_HEADER);
    for (size_t g = 0; g < f->ngroups; g++) {
        const ev_forest_group *G = &f->groups[g];
        if (G->title)
            push(L, EV__FR_GROUP)->title = G->title;
        for (size_t i = 0; i < G->nstudies; i++)
            push(L, EV__FR_STUDY)->study = &G->studies[i];
        if (G->subtotal)
            push_pooled(L, G->subtotal);
        if (g + 1 < f->ngroups || f->overall)
            push(L, EV__FR_BLANK);
    }
    if (f->overall)
        push_pooled(L, f->overall);
    double y = F_MARGIN + F_ROW_H * 0.8;
    for (size_t i = 0; i < L->nrows; i++) {
        L->rows[i].y = y;
        y += L->rows[i].kind == EV__FR_HEADER ? F_ROW_H * 1.4 : F_ROW_H;
    }
    L->axis_y = y - F_ROW_H * 0.3;
}

/* ---- axis ---------------------------------------------------------------------- */

static void widen(double *lo, double *hi, double v)
{
    if (isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

static void pooled_range(const ev_forest_pooled *p, double *lo, double *hi)
{
    if (!p)
        return;
    widen(lo, hi, p->ci_lb);
    widen(lo, hi, p->ci_ub);
    widen(lo, hi, p->pi_lb);
    widen(lo, hi, p->pi_ub);
}

/* The data range on the analysis scale, always including the null. */
static void data_range(const ev_forest *f, double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t g = 0; g < f->ngroups; g++) {
        for (size_t i = 0; i < f->groups[g].nstudies; i++) {
            widen(lo, hi, f->groups[g].studies[i].ci_lb);
            widen(lo, hi, f->groups[g].studies[i].ci_ub);
        }
        pooled_range(f->groups[g].subtotal, lo, hi);
    }
    pooled_range(f->overall, lo, hi);
}

static void axis_setup(ev__forest_layout *L, const ev_forest *f)
{
    double lo, hi;
    data_range(f, &lo, &hi);
    bool fixed = isfinite(f->xmin) && isfinite(f->xmax) && f->xmax > f->xmin &&
                 (!f->log_scale || f->xmin > 0);
    if (fixed) {
        lo = f->log_scale ? log(f->xmin) : f->xmin;
        hi = f->log_scale ? log(f->xmax) : f->xmax;
    }
    if (!(hi > lo)) {
        lo -= 1;
        hi += 1;
    }
    if (f->log_scale) {
        L->lo = lo;
        L->hi = hi;
        ev__plot_log_ticks(&L->lo, &L->hi, fixed, L->ticks, &L->nticks);
        return;
    }
    double a = lo, b = hi;
    ev__plot_ticks(&a, &b, L->ticks, 16, &L->nticks);
    L->lo = fixed ? lo : a;
    L->hi = fixed ? hi : b;
    /* the caller's limits: ticks inside them only, finer when few remain */
    for (double iv = 6; fixed && iv <= 12; iv *= 2) {
        a = lo;
        b = hi;
        ev__plot_ticks_n(&a, &b, iv, L->ticks, 16, &L->nticks);
        size_t k = 0;
        for (size_t i = 0; i < L->nticks; i++)
            if (L->ticks[i] >= lo - 1e-9 && L->ticks[i] <= hi + 1e-9)
                L->ticks[k++] = L->ticks[i];
        L->nticks = k;
        if (k >= 4)
            break;
    }
    L->tick_digits = L->nticks > 1 ? ev__plot_tick_digits(L->ticks[1] - L->ticks[0]) : 0;
}

double ev__forest_x(const ev__forest_layout *L, double v)
{
    return L->plot_l + (v - L->lo) / (L->hi - L->lo) * (L->plot_r - L->plot_l);
}

/* ---- columns ------------------------------------------------------------------- */

typedef struct effect_text {
    char est[64], lb[72], ub[72]; /* "0.41", "[0.13,", "1.26]" */
} effect_text;

static void effect_parts(effect_text *t, const ev_forest *f, double est, double lb, double ub)
{
    int dg = digits_of(f);
    char a[64], b[64];
    t->est[0] = '\0';
    if (isnan(est) && isnan(lb) && isnan(ub)) { /* a study without data */
        snprintf(t->est, sizeof t->est, "NA");
        t->lb[0] = t->ub[0] = '\0';
        return;
    }
    if (!isnan(est))
        ev__plot_fmt(t->est, sizeof t->est, shown(f, est), dg);
    ev__plot_fmt(a, sizeof a, shown(f, lb), dg);
    ev__plot_fmt(b, sizeof b, shown(f, ub), dg);
    snprintf(t->lb, sizeof t->lb, "[%s,", a);
    snprintf(t->ub, sizeof t->ub, "%s]", b);
}

typedef struct widths {
    double label, *cols, weight, est, lb, ub, text, bold_extra;
} widths;

void ev__forest_effect_text(char *out, size_t n, const ev_forest *f, double est, double lb,
                            double ub)
{
    effect_text t;
    effect_parts(&t, f, est, lb, ub);
    snprintf(out, n, "%s%s%s%s%s", t.est, t.est[0] && t.lb[0] ? " " : "", t.lb, t.lb[0] ? " " : "",
             t.ub);
}

static void fit(double *w, cairo_t *cr, const char *s)
{
    *w = fmax(*w, ev__plot_text_w(cr, s));
}

static void measure_row(widths *W, cairo_t *cr, const ev_forest *f, const ev__forest_row *r)
{
    effect_text t;
    char buf[512];
    const ev_forest_pooled *p = r->pooled;
    bool bold = r->kind == EV__FR_POOLED || r->kind == EV__FR_GROUP;
    ev__plot_font(cr, F_FONT, bold);
    if (r->kind == EV__FR_STUDY) {
        const ev_forest_study *s = r->study;
        fit(&W->label, cr, s->label);
        for (size_t j = 0; j < f->ncols && s->cols; j++)
            fit(&W->cols[j], cr, s->cols[j]);
        effect_parts(&t, f, s->yi, s->ci_lb, s->ci_ub);
    } else if (r->kind == EV__FR_POOLED || r->kind == EV__FR_PI) {
        fit(&W->label, cr, r->kind == EV__FR_PI ? "Prediction interval" : p->label);
        effect_parts(&t, f, r->kind == EV__FR_PI ? NAN : p->est,
                     r->kind == EV__FR_PI ? p->pi_lb : p->ci_lb,
                     r->kind == EV__FR_PI ? p->pi_ub : p->ci_ub);
    } else {
        if (r->kind == EV__FR_GROUP)
            fit(&W->label, cr, r->title);
        if (r->kind == EV__FR_TEXT) {
            ev__plot_font(cr, F_SMALL, false);
            pooled_text(buf, sizeof buf, p, r->text_which, digits_of(f));
            fit(&W->text, cr, buf);
        }
        return;
    }
    if (bold) {
        /* bold text is wider: it grows leftwards into the estimate column
         * rather than spreading every regular row's brackets apart */
        double wb = ev__plot_text_w(cr, t.lb) + ev__plot_text_w(cr, t.ub);
        ev__plot_font(cr, F_FONT, false);
        double wr = ev__plot_text_w(cr, t.lb) + ev__plot_text_w(cr, t.ub);
        W->bold_extra = fmax(W->bold_extra, wb - wr);
        ev__plot_font(cr, F_FONT, true);
        fit(&W->est, cr, t.est);
        ev__plot_font(cr, F_FONT, false);
    } else {
        fit(&W->est, cr, t.est);
    }
    fit(&W->lb, cr, t.lb);
    fit(&W->ub, cr, t.ub);
}

/* The caller's title, else "Estimate [95% CI]" with the CI level. */
static const char *effect_title(const ev_forest *f, char *buf, size_t n)
{
    if (f->effect_title)
        return f->effect_title;
    double lv = f->level > 0 && f->level < 100 ? f->level : 95;
    snprintf(buf, n, "Estimate [%g%% CI]", lv);
    return buf;
}

/* Header titles are bold and may widen their columns. */
static void measure_header(widths *W, cairo_t *cr, const ev_forest *f)
{
    ev__plot_font(cr, F_FONT, true);
    fit(&W->label, cr, f->study_title ? f->study_title : "Study");
    for (size_t j = 0; j < f->ncols; j++)
        fit(&W->cols[j], cr, f->col_titles ? f->col_titles[j] : NULL);
    if (f->show_weights)
        fit(&W->weight, cr, "Weight");
    W->est += W->bold_extra;
    double space = ev__plot_text_w(cr, " ");
    char title[64];
    double need = ev__plot_text_w(cr, effect_title(f, title, sizeof title)) -
                  (W->est + W->lb + W->ub + 2 * space);
    if (need > 0)
        W->est += need;
}

static void place_columns(ev__forest_layout *L, const ev_forest *f, const widths *W, double space)
{
    double x = F_MARGIN;
    L->x_label = x;
    x += W->label + F_GAP;
    for (size_t j = 0; j < f->ncols; j++) {
        x += W->cols[j];
        L->x_cols[j] = x;
        x += F_GAP;
    }
    L->x_w = x + W->weight;
    if (f->show_weights)
        x += W->weight + F_GAP;
    L->x_est = x + W->est;
    L->x_ci = L->x_est + space + W->lb;
    L->x_ub = L->x_ci + space + W->ub;
    L->plot_l = L->x_ub + F_GAP * 1.5;
    L->plot_r = L->plot_l + F_PLOT_W;
}

static int has_favours(const ev_forest *f)
{
    return (f->favours_left && *f->favours_left) || (f->favours_right && *f->favours_right);
}

/* ---- layout -------------------------------------------------------------------- */

static ev_status check_interval(const char *what, const char *label, double lb, double ub,
                                ev_error *err)
{
    if (isfinite(lb) && isfinite(ub) && lb > ub)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "forest: %s '%s': lower bound %g above upper bound %g", what,
                            label ? label : "", lb, ub);
    return EV_OK;
}

static ev_status validate(const ev_forest *f, ev_error *err)
{
    size_t k = 0;
    ev_status st = EV_OK;
    for (size_t g = 0; g < f->ngroups && st == EV_OK; g++) {
        const ev_forest_group *G = &f->groups[g];
        if (G->nstudies && !G->studies)
            return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "forest: group %zu has no studies",
                                g + 1);
        for (size_t i = 0; i < G->nstudies && st == EV_OK; i++, k++)
            st = check_interval("study", G->studies[i].label, G->studies[i].ci_lb,
                                G->studies[i].ci_ub, err);
        if (G->subtotal && st == EV_OK)
            st = check_interval("pooled", G->subtotal->label, G->subtotal->ci_lb,
                                G->subtotal->ci_ub, err);
    }
    if (st == EV_OK && f->overall)
        st = check_interval("pooled", f->overall->label, f->overall->ci_lb, f->overall->ci_ub, err);
    if (st == EV_OK && k == 0 && !f->overall)
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "forest: nothing to plot");
    if (st == EV_OK && f->ncols > 32)
        st = ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "forest: too many columns (%zu)", f->ncols);
    return st;
}

static void size_squares(ev__forest_layout *L)
{
    double wmax = 0;
    for (size_t i = 0; i < L->nrows; i++)
        if (L->rows[i].kind == EV__FR_STUDY && isfinite(L->rows[i].study->weight))
            wmax = fmax(wmax, L->rows[i].study->weight);
    L->max_square = F_ROW_H * 0.75;
    for (size_t i = 0; i < L->nrows; i++) {
        ev__forest_row *r = &L->rows[i];
        if (r->kind != EV__FR_STUDY)
            continue;
        double w = r->study->weight;
        /* area proportional to weight: side grows with its square root */
        r->square = wmax > 0 && isfinite(w) && w >= 0 ? L->max_square * sqrt(w / wmax)
                                                      : L->max_square * 0.5;
        r->square = fmax(r->square, 2.5);
    }
}

ev_status ev__forest_layout_make(ev__forest_layout *L, cairo_t *cr, const ev_forest *f,
                                 ev_error *err)
{
    memset(L, 0, sizeof *L);
    ev_status st = validate(f, err);
    if (st != EV_OK)
        return st;
    L->rows = ev_calloc(count_rows(f), sizeof *L->rows);
    L->x_cols = ev_calloc(f->ncols + 1, sizeof *L->x_cols);
    widths W = {.cols = ev_calloc(f->ncols + 1, sizeof(double))};
    if (!L->rows || !L->x_cols || !W.cols) {
        ev_free(W.cols);
        ev__forest_layout_release(L);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "forest: out of memory");
    }
    L->row_h = F_ROW_H;
    L->font = F_FONT;
    build_rows(L, f);
    for (size_t i = 0; i < L->nrows; i++)
        measure_row(&W, cr, f, &L->rows[i]);
    if (f->show_weights) {
        ev__plot_font(cr, F_FONT, false);
        fit(&W.weight, cr, "100.0%");
    }
    measure_header(&W, cr, f);
    double space = ev__plot_text_w(cr, " ");
    place_columns(L, f, &W, space);
    /* heterogeneity lines run under the columns, never into the plot */
    double deficit = F_MARGIN + W.text + F_GAP - L->plot_l;
    if (deficit > 0) {
        W.label += deficit;
        place_columns(L, f, &W, space);
    }
    L->text_w = W.text;
    ev_free(W.cols);
    size_squares(L);
    axis_setup(L, f);
    if (!isfinite(L->lo) || !isfinite(L->hi) || !(L->hi > L->lo) || !isfinite(L->hi - L->lo)) {
        ev__forest_layout_release(L);
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "forest: the effects span a range too wide to draw");
    }
    L->width = L->plot_r + F_MARGIN + 10;
    L->height = L->axis_y + F_ROW_H * (2.4 + has_favours(f) + (f->footer ? 1 : 0)) + F_MARGIN * 0.5;
    return EV_OK;
}

void ev__forest_layout_release(ev__forest_layout *L)
{
    ev_free(L->rows);
    ev_free(L->x_cols);
    L->rows = NULL;
    L->x_cols = NULL;
}

/* ---- drawing ------------------------------------------------------------------- */

typedef struct forest_ctx {
    const ev_forest *f;
    const ev__forest_layout *L;
} forest_ctx;

static void arrow(cairo_t *cr, double x, double y, double dir)
{
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - dir * 5, y - 2.5);
    cairo_line_to(cr, x - dir * 5, y + 2.5);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* A CI whisker; the ends clipped by the axis become arrows. */
static void whisker(cairo_t *cr, const ev__forest_layout *L, double y, double lb, double ub)
{
    if (!isfinite(lb) || !isfinite(ub) || ub < L->lo || lb > L->hi)
        return;
    double x1 = fmax(ev__forest_x(L, lb), L->plot_l);
    double x2 = fmin(ev__forest_x(L, ub), L->plot_r);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x1, y);
    cairo_line_to(cr, x2, y);
    cairo_stroke(cr);
    if (lb < L->lo)
        arrow(cr, L->plot_l, y, -1);
    if (ub > L->hi)
        arrow(cr, L->plot_r, y, 1);
}

static void effect_cols(cairo_t *cr, const forest_ctx *c, double y, double est, double lb,
                        double ub)
{
    effect_text t;
    effect_parts(&t, c->f, est, lb, ub);
    ev__plot_text(cr, c->L->x_est, y, t.est, 1);
    ev__plot_text(cr, c->L->x_ci, y, t.lb, 1);
    ev__plot_text(cr, c->L->x_ub, y, t.ub, 1);
}

static void draw_study(cairo_t *cr, const forest_ctx *c, const ev__forest_row *r)
{
    const ev_forest_study *s = r->study;
    const ev__forest_layout *L = c->L;
    double y = r->y, mid = y - F_FONT * 0.35;
    ev__plot_font(cr, F_FONT, false);
    ev__plot_text(cr, L->x_label, y, s->label, 0);
    for (size_t j = 0; j < c->f->ncols && s->cols; j++)
        ev__plot_text(cr, L->x_cols[j], y, s->cols[j], 1);
    if (c->f->show_weights && isfinite(s->weight)) {
        char w[32];
        snprintf(w, sizeof w, "%.1f%%", s->weight);
        ev__plot_text(cr, L->x_w, y, w, 1);
    }
    effect_cols(cr, c, y, s->yi, s->ci_lb, s->ci_ub);
    whisker(cr, L, mid, s->ci_lb, s->ci_ub);
    if (isfinite(s->yi) && s->yi >= L->lo && s->yi <= L->hi) {
        double h = r->square, x = ev__forest_x(L, s->yi);
        cairo_save(cr);
        cairo_set_source_rgb(cr, 0.16, 0.30, 0.52);
        cairo_rectangle(cr, x - h / 2, mid - h / 2, h, h);
        cairo_fill(cr);
        cairo_restore(cr);
    }
}

static void draw_pooled(cairo_t *cr, const forest_ctx *c, const ev__forest_row *r)
{
    const ev_forest_pooled *p = r->pooled;
    const ev__forest_layout *L = c->L;
    double y = r->y, mid = y - F_FONT * 0.35, h = F_ROW_H * 0.72;
    ev__plot_font(cr, F_FONT, true);
    ev__plot_text(cr, L->x_label, y, p->label, 0);
    char txt[256]; /* one bold string, right-aligned with the column */
    ev__forest_effect_text(txt, sizeof txt, c->f, p->est, p->ci_lb, p->ci_ub);
    ev__plot_text(cr, L->x_ub, y, txt, 1);
    if (!isfinite(p->est) || !isfinite(p->ci_lb) || !isfinite(p->ci_ub))
        return;
    double x1 = fmax(ev__forest_x(L, p->ci_lb), L->plot_l);
    double x2 = fmin(ev__forest_x(L, p->ci_ub), L->plot_r);
    double xm = fmin(fmax(ev__forest_x(L, p->est), L->plot_l), L->plot_r);
    cairo_move_to(cr, x1, mid);
    cairo_line_to(cr, xm, mid - h / 2);
    cairo_line_to(cr, x2, mid);
    cairo_line_to(cr, xm, mid + h / 2);
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* The prediction interval: a dashed bar with end ticks (Riley et al. 2011,
 * BMJ 342:d549, recommend showing it under the diamond). */
static void draw_pi(cairo_t *cr, const forest_ctx *c, const ev__forest_row *r)
{
    const ev_forest_pooled *p = r->pooled;
    const ev__forest_layout *L = c->L;
    double y = r->y, mid = y - F_FONT * 0.35;
    ev__plot_font(cr, F_FONT, false);
    ev__plot_text(cr, L->x_label, y, "Prediction interval", 0);
    effect_cols(cr, c, y, NAN, p->pi_lb, p->pi_ub);
    double x1 = fmax(ev__forest_x(L, p->pi_lb), L->plot_l);
    double x2 = fmin(ev__forest_x(L, p->pi_ub), L->plot_r);
    static const double dash[] = {3, 2};
    cairo_save(cr);
    cairo_set_line_width(cr, 1.2);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, x1, mid);
    cairo_line_to(cr, x2, mid);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int e = 0; e < 2; e++) {
        cairo_move_to(cr, e ? x2 : x1, mid - 3);
        cairo_line_to(cr, e ? x2 : x1, mid + 3);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_header(cairo_t *cr, const forest_ctx *c, double y)
{
    const ev_forest *f = c->f;
    const ev__forest_layout *L = c->L;
    ev__plot_font(cr, F_FONT, true);
    ev__plot_text(cr, L->x_label, y, f->study_title ? f->study_title : "Study", 0);
    for (size_t j = 0; j < f->ncols && f->col_titles; j++)
        ev__plot_text(cr, L->x_cols[j], y, f->col_titles[j], 1);
    if (f->show_weights)
        ev__plot_text(cr, L->x_w, y, "Weight", 1);
    char title[64];
    ev__plot_text(cr, L->x_ub, y, effect_title(f, title, sizeof title), 1);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, L->x_label, y + 5);
    cairo_line_to(cr, L->plot_r, y + 5);
    cairo_stroke(cr);
}

static void tick_label(char *out, size_t n, const forest_ctx *c, double t)
{
    if (!c->f->log_scale) {
        ev__plot_fmt(out, n, t, c->L->tick_digits);
        return;
    }
    double v = exp(t);
    ev__plot_fmt(out, n, v, ev__plot_tick_digits(v));
}

static void draw_axis(cairo_t *cr, const forest_ctx *c)
{
    const ev__forest_layout *L = c->L;
    const ev_forest *f = c->f;
    double y = L->axis_y, x0 = ev__forest_x(L, 0);
    cairo_set_line_width(cr, 0.7);
    cairo_move_to(cr, L->plot_l, y);
    cairo_line_to(cr, L->plot_r, y);
    for (size_t i = 0; i < L->nticks; i++) {
        cairo_move_to(cr, ev__forest_x(L, L->ticks[i]), y);
        cairo_line_to(cr, ev__forest_x(L, L->ticks[i]), y + 3.5);
    }
    cairo_stroke(cr);
    ev__plot_font(cr, F_SMALL, false);
    char labels[16][64];
    const char *lp[16];
    double xs[16];
    size_t keep = 0;
    for (size_t i = 0; i < L->nticks; i++) {
        tick_label(labels[i], sizeof labels[i], c, L->ticks[i]);
        lp[i] = labels[i];
        xs[i] = ev__forest_x(L, L->ticks[i]);
        if (fabs(L->ticks[i]) < fabs(L->ticks[keep]))
            keep = i; /* the tick nearest the null */
    }
    ev__plot_tick_labels(cr, xs, lp, L->nticks, y + 12, keep);
    ev__plot_font(cr, F_FONT, false);
    ev__plot_text(cr, (L->plot_l + L->plot_r) / 2, y + 12 + F_ROW_H, f->xlabel, 0.5);
    ev__plot_font(cr, F_SMALL, false);
    if (0 >= L->lo && 0 <= L->hi) {
        ev__plot_text(cr, x0 - 5, y + 12 + 2 * F_ROW_H, f->favours_left, 1);
        ev__plot_text(cr, x0 + 5, y + 12 + 2 * F_ROW_H, f->favours_right, 0);
    }
    ev__plot_text(cr, L->x_label, y + 12 + (2 + has_favours(f)) * F_ROW_H, f->footer, 0);
}

/* The line of no effect, from under the header to the axis. */
static void draw_null(cairo_t *cr, const ev__forest_layout *L)
{
    if (!(0 >= L->lo && 0 <= L->hi) || L->nrows < 2)
        return;
    double x = ev__forest_x(L, 0);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.7);
    cairo_move_to(cr, x, L->rows[1].y - F_ROW_H * 0.8);
    cairo_line_to(cr, x, L->axis_y);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_forest(cairo_t *cr, const void *vctx)
{
    const forest_ctx *c = vctx;
    const ev__forest_layout *L = c->L;
    char buf[512];
    draw_null(cr, L);
    for (size_t i = 0; i < L->nrows; i++) {
        const ev__forest_row *r = &L->rows[i];
        switch (r->kind) {
        case EV__FR_HEADER:
            draw_header(cr, c, r->y);
            break;
        case EV__FR_GROUP:
            ev__plot_font(cr, F_FONT, true);
            ev__plot_text(cr, L->x_label, r->y, r->title, 0);
            break;
        case EV__FR_STUDY:
            draw_study(cr, c, r);
            break;
        case EV__FR_POOLED:
            draw_pooled(cr, c, r);
            break;
        case EV__FR_PI:
            draw_pi(cr, c, r);
            break;
        case EV__FR_TEXT:
            ev__plot_font(cr, F_SMALL, false);
            pooled_text(buf, sizeof buf, r->pooled, r->text_which, digits_of(c->f));
            ev__plot_text(cr, L->x_label, r->y, buf, 0);
            break;
        case EV__FR_BLANK:
            break;
        }
    }
    draw_axis(cr, c);
}

static ev_status forest_emit(const char *path, ev_buf *svg, const ev_forest *f, ev_error *err)
{
    if (!f)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "forest: no data");
    cairo_t *m = ev__plot_measure_new();
    if (!m)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "forest: out of memory");
    ev__forest_layout L;
    ev_status st = ev__forest_layout_make(&L, m, f, err);
    ev__plot_measure_free(m);
    if (st != EV_OK)
        return st;
    forest_ctx c = {f, &L};
    st = ev__plot_emit(path, svg, L.width, L.height, draw_forest, &c, err);
    ev__forest_layout_release(&L);
    return st;
}

ev_status ev_plot_forest(const ev_forest *f, const char *path, ev_error *err)
{
    return forest_emit(path, NULL, f, err);
}

ev_status ev_plot_forest_svg(ev_buf *out, const ev_forest *f, ev_error *err)
{
    if (!out)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "forest: no output buffer");
    return forest_emit(NULL, out, f, err);
}
