/*
 * plot_int.h - internals shared by the plot module's files: the cairo canvas
 * (surface by file extension, text, number formatting) and the layout
 * functions each plot exposes so tests can check positions directly.
 */
#ifndef EV_PLOT_INT_H
#define EV_PLOT_INT_H

#include <cairo.h>

#include "evident/ev_plot.h"

#define EV__PLOT_FONT "DejaVu Sans"
#define EV__PLOT_PNG_SCALE 2.0        /* 144 dpi */
#define EV__PLOT_MINUS "\xe2\x88\x92" /* U+2212 */

/* ---- canvas.c ---------------------------------------------------------------- */

/* A context on a 1x1 image surface, for measuring text before layout.
 * NULL on ENOMEM. Free with ev__plot_measure_free. */
cairo_t *ev__plot_measure_new(void);
void ev__plot_measure_free(cairo_t *cr);
/* Select DejaVu Sans at `size` points, regular or bold, with unhinted
 * metrics so every surface measures text the same. */
void ev__plot_font(cairo_t *cr, double size, bool bold);
/* Advance width of UTF-8 `s` in the current font. */
double ev__plot_text_w(cairo_t *cr, const char *s);
/* Draw `s` with its baseline at y; align 0 = left edge at x, 0.5 = centred,
 * 1 = right edge at x. */
void ev__plot_text(cairo_t *cr, double x, double y, const char *s, double align);
/* Draw `s` rotated 90° anticlockwise, centred on (x, y). */
void ev__plot_text_up(cairo_t *cr, double x, double y, const char *s);
/* `v` with `digits` decimals and a U+2212 minus; "NA" for NAN. */
void ev__plot_fmt(char *out, size_t n, double v, int digits);
/* "p < 0.001" or "p = 0.034" (three decimals), "p = NA" for NAN. */
void ev__plot_fmt_p(char *out, size_t n, double p);
/* Greedy word wrap of `s` (explicit '\n' kept) to lines no wider than
 * `maxw`; lines are appended to `out` separated by '\n'. A single word wider
 * than maxw gets a line of its own. Sets *nlines. */
ev_status ev__plot_wrap(cairo_t *cr, const char *s, double maxw, ev_buf *out,
                        size_t *nlines) EV_WARN_UNUSED;
/* Draw '\n'-separated lines from baseline y downwards, line_h apart. */
void ev__plot_lines(cairo_t *cr, double x, double y, double line_h, const char *lines,
                    double align);
/* Nice axis ticks (1-2-5 steps) covering [lo, hi]: fills up to max ticks
 * into t, sets *n, widens *lo / *hi to the outer ticks. */
void ev__plot_ticks(double *lo, double *hi, double *t, size_t max, size_t *n);
/* The same aiming at about `intervals` intervals (5 above). */
void ev__plot_ticks_n(double *lo, double *hi, double intervals, double *t, size_t max, size_t *n);
/* Log-axis ticks (analysis scale) at the 1-2-5 series 0.001 ... 1000 that
 * encloses [lo, hi] (widened to them unless `fixed`), thinned to powers of
 * ten and 0.5, 2 when more than 9. */
void ev__plot_log_ticks(double *lo, double *hi, bool fixed, double t[16], size_t *n);
/* Draw tick labels centred at xs[], skipping any that would overlap one
 * already drawn, working outward from index `keep`. */
void ev__plot_tick_labels(cairo_t *cr, const double *xs, const char *const *labels, size_t n,
                          double y, size_t keep);
/* Number of decimals needed to print tick step `step` exactly. */
int ev__plot_tick_digits(double step);

typedef void (*ev__plot_draw_fn)(cairo_t *cr, const void *ctx);
/* Render a w x h point drawing: to `path` (format by extension) when svg is
 * NULL, else as an SVG document appended to `svg`. White background. Files
 * go through "<path>.tmp" and a rename. Checks cairo's sticky status once. */
ev_status ev__plot_emit(const char *path, ev_buf *svg, double w, double h, ev__plot_draw_fn draw,
                        const void *ctx, ev_error *err) EV_WARN_UNUSED;

/* ---- forest.c ------------------------------------------------------------------ */

typedef enum ev__forest_row_kind {
    EV__FR_HEADER, /* column titles */
    EV__FR_GROUP,  /* subgroup title */
    EV__FR_STUDY,
    EV__FR_POOLED, /* diamond */
    EV__FR_PI,     /* prediction interval bar */
    EV__FR_TEXT,   /* heterogeneity / overall effect line */
    EV__FR_BLANK
} ev__forest_row_kind;

typedef struct ev__forest_row {
    ev__forest_row_kind kind;
    double y;                       /* baseline / centre line of the row */
    const ev_forest_study *study;   /* EV__FR_STUDY */
    const ev_forest_pooled *pooled; /* EV__FR_POOLED, EV__FR_PI, EV__FR_TEXT */
    const char *title;              /* EV__FR_GROUP */
    int text_which;                 /* EV__FR_TEXT: 0 heterogeneity, 1 test */
    double square;                  /* EV__FR_STUDY: side of the square */
} ev__forest_row;

typedef struct ev__forest_layout {
    ev__forest_row *rows;
    size_t nrows;
    double width, height;
    double row_h, font;
    double x_label, *x_cols;       /* left edges / right edges of columns */
    double plot_l, plot_r;         /* the effect axis, points */
    double x_est, x_ci, x_ub, x_w; /* right edges: estimate, "[lb,", "ub]", weight */
    double text_w;                 /* widest heterogeneity / test line */
    double axis_y;
    double lo, hi;    /* axis range, analysis scale */
    double ticks[16]; /* analysis scale */
    size_t nticks;
    int tick_digits;
    double max_square;
} ev__forest_layout;

/* Lay the plot out (rows, columns, axis, squares) using `cr` to measure.
 * Free with ev__forest_layout_release. */
ev_status ev__forest_layout_make(ev__forest_layout *L, cairo_t *cr, const ev_forest *f,
                                 ev_error *err) EV_WARN_UNUSED;
void ev__forest_layout_release(ev__forest_layout *L);
/* The effect text of a row, "0.41 [0.13, 1.26]" (back-transformed on a log
 * axis, f->digits decimals, U+2212 minus). */
void ev__forest_effect_text(char *out, size_t n, const ev_forest *f, double est, double lb,
                            double ub);
/* Map an analysis-scale value to x on the axis. */
double ev__forest_x(const ev__forest_layout *L, double v);

/* ---- funnel.c ------------------------------------------------------------------- */

typedef struct ev__funnel_layout {
    double width, height;
    double plot_l, plot_r, plot_t, plot_b; /* the plotting region, points */
    double xlo, xhi, semax;                /* data ranges (analysis scale) */
    double xt[16], yt[16];                 /* ticks */
    size_t nxt, nyt;
    int xdigits, ydigits;
    double legend_x; /* contour legend, 0 = none */
} ev__funnel_layout;

ev_status ev__funnel_layout_make(ev__funnel_layout *L, cairo_t *cr, const ev_funnel *f,
                                 ev_error *err) EV_WARN_UNUSED;
/* Point of (effect, standard error): se 0 at the top of the region. */
void ev__funnel_xy(const ev__funnel_layout *L, double yi, double se, double *x, double *y);

/* ---- prisma.c ------------------------------------------------------------------- */

typedef enum ev__prisma_box_id {
    EV__PB_IDENTIFIED,
    EV__PB_REMOVED,
    EV__PB_SCREENED,
    EV__PB_EXCLUDED,
    EV__PB_SOUGHT,
    EV__PB_NOT_RETRIEVED,
    EV__PB_ASSESSED,
    EV__PB_REASONS,
    EV__PB_INCLUDED,
    EV__PB_O_IDENTIFIED, /* the "other methods" column */
    EV__PB_O_SOUGHT,
    EV__PB_O_NOT_RETRIEVED,
    EV__PB_O_ASSESSED,
    EV__PB_O_REASONS,
    EV__PB_COUNT
} ev__prisma_box_id;

typedef struct ev__prisma_box {
    double x, y, w, h;
    char *text; /* wrapped lines, '\n'-separated; owned */
    size_t nlines;
} ev__prisma_box;

typedef struct ev__prisma_layout {
    ev__prisma_box box[EV__PB_COUNT];
    double phase_y[4], phase_h[4]; /* identification, screening, included, header */
    double width, height, line_h, font;
    double bar_x, bar_w;
    const char *phase_name[3];
    const char *header, *other_header;
    bool other;   /* the other-methods column is drawn */
    double col_w; /* width of every box */
} ev__prisma_layout;

ev_status ev__prisma_layout_make(ev__prisma_layout *L, cairo_t *cr, const ev_prisma *p,
                                 ev_error *err) EV_WARN_UNUSED;
void ev__prisma_layout_release(ev__prisma_layout *L);

/* ---- evmap.c --------------------------------------------------------------------- */

/* Radius of a bubble holding n studies when nmax fills radius rmax: area is
 * proportional to n. */
double ev__evmap_radius(long n, long nmax, double rmax);

/* ---- curve.c ---------------------------------------------------------------------- */

/* Proportion screened at which series s first reaches recall `level`,
 * interpolated linearly between its points; NAN when it never does. */
double ev__curve_reach(const ev_curve_series *s, double level);

#endif /* EV_PLOT_INT_H */
