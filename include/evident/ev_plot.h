/*
 * ev_plot.h - publication figures: forest and funnel plots, the PRISMA 2020
 * (and PRISMA-ScR) flow diagram, the evidence map and the screening recall
 * curve, drawn with cairo as SVG, PDF or PNG.
 *
 * Every plot takes a plain struct of numbers and strings (no synth or store
 * types), so synth, chart, screen and report can all feed it. Each plot has
 * two entry points:
 *   ev_plot_<name>(data, path, err)      writes a file; the extension of
 *                                        `path` (.svg, .pdf, .png, any case)
 *                                        picks the format;
 *   ev_plot_<name>_svg(out, data, err)   appends an SVG document to `out`
 *                                        (for the HTML report).
 * Files are written to "<path>.tmp" and renamed on success, so a failed call
 * leaves nothing half-written (and never a partial file at `path`).
 *
 * Conventions:
 * - Sizes are in points (1/72 inch); PNGs are rendered at 144 dpi.
 * - A missing number is NAN; a missing count is -1.
 * - Strings are UTF-8 and borrowed for the duration of the call.
 * - Numbers are printed with a true minus sign (U+2212).
 * - Text is DejaVu Sans through cairo's toy font API (fontconfig).
 *
 * Statuses returned by every function here:
 *   EV_OK; EV_EUSAGE (NULL data, unknown file extension, bad option);
 *   EV_EINPUT (data that cannot be drawn: inconsistent PRISMA counts, a
 *   lower CI bound above the upper, an empty plot); EV_EIO (the file cannot
 *   be written); EV_ENOMEM; EV_EINTERNAL (cairo reported an error).
 *
 * Thread safety: every function may be called from several threads at once
 * (cairo contexts are per call; nothing global is kept).
 */
#ifndef EV_PLOT_H
#define EV_PLOT_H

#include "evident/ev_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- forest plot ----------------------------------------------------------- */

/* One study row. Effects and CI bounds are on the analysis scale (log scale
 * for ratio measures when ev_forest.log_scale is set). */
typedef struct ev_forest_study {
    const char *label;       /* "Aronson (1948)" */
    double yi, ci_lb, ci_ub; /* all three NAN: printed "NA", nothing drawn */
    double weight;           /* percent (0-100); NAN: no square weight */
    const char *const *cols; /* ev_forest.ncols cells (NULL = all empty) */
} ev_forest_study;

/* A pooled estimate: diamond, optional prediction interval and the
 * heterogeneity / overall-effect lines. Any NAN number is left out. */
typedef struct ev_forest_pooled {
    const char *label;             /* "Random-effects model", "Subtotal" */
    double est, ci_lb, ci_ub;      /* analysis scale */
    double pi_lb, pi_ub;           /* prediction interval; NAN = none */
    double tau2, i2, q, q_df, q_p; /* heterogeneity (I2 in percent) */
    double z, z_p;                 /* test for overall effect (z or t) */
    const char *stat_name;         /* "Z" (default) or "t" */
} ev_forest_pooled;

/* A subgroup: header row, its studies, an optional subtotal. */
typedef struct ev_forest_group {
    const char *title; /* NULL: no header row */
    const ev_forest_study *studies;
    size_t nstudies;
    const ev_forest_pooled *subtotal; /* NULL: none */
} ev_forest_group;

typedef struct ev_forest {
    const ev_forest_group *groups;
    size_t ngroups;
    const ev_forest_pooled *overall; /* NULL: none */
    const char *const *col_titles;   /* ncols extra column headings */
    size_t ncols;
    const char *study_title;                  /* default "Study" */
    const char *effect_title;                 /* default "Estimate [<level>% CI]" */
    const char *xlabel;                       /* "Risk Ratio (log scale)" */
    const char *favours_left, *favours_right; /* NULL: not drawn */
    const char *footer;                       /* extra line under the plot, or NULL */
    bool log_scale;                           /* effects are logs: axis and text back-transformed */
    bool show_weights;
    double xmin, xmax; /* axis limits on the displayed scale; NAN = auto */
    int digits;        /* decimals of effect text; 0 = 2 */
    double level;      /* CI level (percent) named by the default effect title */
} ev_forest;

/* Set the defaults (zeroes, NAN limits, digits 2, level 95, weights shown). */
EV_EXTERN void ev_forest_init(ev_forest *f);
/* A pooled struct with every number NAN and no label. */
EV_EXTERN void ev_forest_pooled_init(ev_forest_pooled *p);
EV_EXTERN ev_status ev_plot_forest(const ev_forest *f, const char *path,
                                   ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_plot_forest_svg(ev_buf *out, const ev_forest *f,
                                       ev_error *err) EV_WARN_UNUSED;

/* ---- funnel plot ----------------------------------------------------------- */

typedef struct ev_funnel {
    const double *yi, *sei; /* k observed studies */
    size_t k;
    const double *fill_yi, *fill_sei; /* kfill trim-and-fill imputed studies */
    size_t kfill;
    double estimate;       /* pooled estimate: vertical line, triangle centre */
    bool contours;         /* contour-enhanced shading (90/95/99%), metafor's
                            * funnel(level = c(90, 95, 99), shade = ...) */
    double contour_centre; /* centre of the contours, usually 0 */
    bool log_scale;        /* label the x axis back-transformed */
    const char *xlabel;    /* default "Effect size" */
    const char *title;     /* NULL: none */
} ev_funnel;

EV_EXTERN void ev_funnel_init(ev_funnel *f);
EV_EXTERN ev_status ev_plot_funnel(const ev_funnel *f, const char *path,
                                   ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_plot_funnel_svg(ev_buf *out, const ev_funnel *f,
                                       ev_error *err) EV_WARN_UNUSED;

/* ---- PRISMA 2020 flow diagram -------------------------------------------- */

typedef struct ev_prisma_count {
    const char *label; /* "PubMed", "Wrong population" */
    long n;
} ev_prisma_count;

/* Counts as in the PRISMA 2020 template (Page et al. 2021, BMJ 372:n71,
 * figure 1, "new reviews which included searches of databases and
 * registers only"). -1 = not reported: the box says so and the equations
 * that need the count are skipped, except for the optional removals
 * (registers, automation, other reasons, excluded by automation, not
 * retrieved), which then count as 0. */
typedef struct ev_prisma {
    bool scoping; /* PRISMA-ScR wording: "sources of evidence" */
    const ev_prisma_count *databases;
    size_t ndatabases;
    long registers;
    long duplicates, automation_removed, other_removed;
    long screened;
    long excluded_people, excluded_automation; /* at title/abstract */
    long sought, not_retrieved, assessed;
    const ev_prisma_count *reasons;
    size_t nreasons; /* full-text exclusions */
    long studies_included, reports_included;
    /* The template's second column, "identification of studies via other
     * methods" (websites, organisations, citation searching, ...), drawn
     * when nother_sources > 0. Its assessed reports minus its exclusions
     * join the included count. */
    const ev_prisma_count *other_sources;
    size_t nother_sources;
    long other_sought, other_not_retrieved, other_assessed;
    const ev_prisma_count *other_reasons;
    size_t nother_reasons;
} ev_prisma;

/* Every count -1, no databases, no reasons, not scoping. */
EV_EXTERN void ev_prisma_init(ev_prisma *p);
/* Check the arithmetic of the flow before anything is drawn:
 *   Σ databases + registers − duplicates − automation − other = screened
 *   screened − excluded (people + automation) = sought
 *   sought − not retrieved = assessed
 *   assessed − Σ reasons = reports included (studies when reports is -1)
 *     (with other methods: + other assessed − Σ other reasons)
 *   other sought − other not retrieved = other assessed
 *   studies included <= reports included
 * Returns EV_EINPUT naming the first failing equation with its numbers
 * ("prisma: reports assessed − excluded ≠ included: 111 − 77 = 34, not
 * 77"); negative counts other than -1 are refused the same way. */
EV_EXTERN ev_status ev_prisma_check(const ev_prisma *p, ev_error *err) EV_WARN_UNUSED;
/* Check, then draw. Nothing is written when the check fails. */
EV_EXTERN ev_status ev_plot_prisma(const ev_prisma *p, const char *path,
                                   ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_plot_prisma_svg(ev_buf *out, const ev_prisma *p,
                                       ev_error *err) EV_WARN_UNUSED;

/* ---- evidence map ------------------------------------------------------------ */

typedef enum ev_evmap_direction {
    EV_EVMAP_FAVOURS_INTERVENTION = 0,
    EV_EVMAP_NO_DIFFERENCE,
    EV_EVMAP_MIXED,
    EV_EVMAP_FAVOURS_CONTROL,
    EV_EVMAP_NOT_REPORTED,
    EV_EVMAP__COUNT
} ev_evmap_direction;

/* A bubble: n studies in (row, col) with one direction of effect. Several
 * bubbles may share a cell (one per direction); they are drawn side by
 * side. */
typedef struct ev_evmap_cell {
    size_t row, col;
    long n;
    ev_evmap_direction direction;
} ev_evmap_cell;

typedef struct ev_evmap {
    const char *const *rows;
    size_t nrows; /* e.g. technologies */
    const char *const *cols;
    size_t ncols; /* e.g. conditions */
    const ev_evmap_cell *cells;
    size_t ncells;
    const char *row_title, *col_title, *title; /* NULL: none */
} ev_evmap;

EV_EXTERN ev_status ev_plot_evmap(const ev_evmap *m, const char *path,
                                  ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_plot_evmap_svg(ev_buf *out, const ev_evmap *m, ev_error *err) EV_WARN_UNUSED;

/* ---- recall curve ------------------------------------------------------------ */

/* One screening simulation: x = proportion of records screened, y =
 * proportion of relevant records found, both in [0, 1], x increasing. */
typedef struct ev_curve_series {
    const char *name;
    const double *x, *y;
    size_t n;
} ev_curve_series;

typedef struct ev_curve {
    const ev_curve_series *series;
    size_t nseries;
    bool diagonal;                       /* random screening line */
    double recall_mark;                  /* mark where each line first reaches it; NAN: none */
    const char *title, *xlabel, *ylabel; /* NULL: defaults */
} ev_curve;

/* Diagonal on, mark at 0.95, default labels. */
EV_EXTERN void ev_curve_init(ev_curve *c);
EV_EXTERN ev_status ev_plot_curve(const ev_curve *c, const char *path,
                                  ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_plot_curve_svg(ev_buf *out, const ev_curve *c, ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_PLOT_H */
