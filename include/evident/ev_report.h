/*
 * ev_report.h - the review's report: the PRISMA 2020 / PRISMA-ScR flow
 * counts taken from the review (imports, deduplication, screening,
 * charting), meta-analysis of an outcome from charted data (MD on one
 * instrument, SMD across instruments with direction harmonised), published
 * flow numbers read from a small text file, and one self-contained HTML
 * report (inline CSS and SVG, no scripts, no external resources).
 *
 * Docs: docs/internals/report.md. Thread safety: functions use the store or
 * chart handle they are given from one thread at a time.
 */
#ifndef EV_REPORT_H
#define EV_REPORT_H

#include "ev_chart.h"
#include "ev_core.h"
#include "ev_plot.h"
#include "ev_store.h"
#include "ev_synth.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- flow counts ------------------------------------------------------------ */

/* The numbers a PRISMA 2020 flow diagram quotes, as the review holds them.
 * Labels are owned by the struct (ev_report_counts_release). A count evident
 * does not track is -1 (reports not retrieved: the full-text stage records
 * no retrieval outcome). */
typedef struct ev_report_counts {
    ev_prisma_count *sources; /* records identified per database (imports) */
    size_t nsources;
    long identified; /* sum over sources */
    long duplicates; /* records merged away by deduplication */
    bool screening;  /* screening is set up in the review */
    long screened;   /* records at title/abstract screening */
    long excluded_people, excluded_automation, pending_screen; /* title/abstract */
    long sought, not_retrieved, assessed, pending_fulltext;    /* full text */
    ev_prisma_count *reasons;                                  /* full-text exclusions per reason */
    size_t nreasons;
    long reports_included; /* records included at the last stage */
    long studies_included; /* charted studies; -1 when nothing is charted */
} ev_report_counts;

/* Read every count from the review `s` (opened read-write: the dedup and
 * screen modules create their tables when missing). A review without
 * screening set up has screening = false and -1 for the screening counts.
 * EV_EIO, EV_ENOMEM. `out` is filled; release it with
 * ev_report_counts_release (also after an error). */
EV_EXTERN ev_status ev_report_counts_get(ev_report_counts *out, ev_store *s,
                                         ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_report_counts_release(ev_report_counts *c);
/* Fill a flow diagram from the counts (p borrows c's arrays). Screening
 * not yet finished is EV_EREFUSED naming the records still waiting; no
 * screening at all is EV_EREFUSED too. The diagram's arithmetic is then
 * checked by ev_prisma_check before anything is drawn. */
EV_EXTERN ev_status ev_report_counts_prisma(ev_prisma *p, const ev_report_counts *c, bool scoping,
                                            ev_error *err) EV_WARN_UNUSED;

/* ---- published flow numbers ------------------------------------------------- */

/* A flow diagram as a paper prints it, from a text file of lines
 *   title TEXT | scoping yes|no | database NAME = N | duplicates N |
 *   automation N | other-removed N | screened N | excluded N |
 *   excluded-automation N | sought N | not-retrieved N | assessed N |
 *   reason TEXT = N | studies N | reports N
 * ('#' starts a comment line). EV_EINPUT names input:line:col for an
 * unknown key or a bad number. *out is caller-owned (ev_report_flow_free). */
typedef struct ev_report_flow {
    char *title;
    ev_prisma prisma; /* arrays owned by the flow */
} ev_report_flow;

EV_EXTERN ev_status ev_report_flow_parse(ev_report_flow **out, const char *text, size_t n,
                                         const char *input, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_report_flow_load(ev_report_flow **out, const char *path,
                                        ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_report_flow_free(ev_report_flow *f);

/* ---- meta-analysis from charted data ---------------------------------------- */

/* Which outcome to pool: instrument(s), time point and the two arms. An arm
 * matches when its charted label contains the text (ASCII case-insensitive);
 * the control arm must not also match the treatment text. */
typedef struct ev_report_outcome {
    const char *instruments; /* "AOFAS" or "AOFAS,FAAM,VAS" */
    const char *timepoint;   /* "final follow-up" (exact, case-insensitive) */
    const char *treatment;   /* group 1, e.g. "MSC" */
    const char *control;     /* group 2, e.g. "BMS" */
    const char *measure;     /* "MD", "SMD" or NULL: MD for one instrument, else SMD */
    const char *method;      /* tau2 estimator ("REML" when NULL) */
    bool no_harmonise;       /* refuse instruments of opposite direction */
} ev_report_outcome;

/* One study considered for the outcome. Numbers the seed lacks are NAN;
 * `left_out` says why a study is not in the model (NULL when it is). */
typedef struct ev_report_pool_study {
    char *study, *label, *instrument, *arm1, *arm2;
    double m1, sd1, n1, m2, sd2, n2;
    double yi, vi, weight; /* harmonised effect, variance, weight (%) */
    char *left_out;
} ev_report_pool_study;

typedef struct ev_report_pool {
    char *title; /* "AOFAS at final follow-up: MSC vs BMS" */
    ev_synth_measure measure;
    bool harmonised;    /* signs flipped so positive favours the treatment */
    bool higher_better; /* MD: direction of the one instrument */
    ev_report_pool_study *studies;
    size_t nstudies, k; /* considered, in the model */
    double est, se, ci_lb, ci_ub, pi_lb, pi_ub, tau2, I2, QE, QEp, zval, pval;
    size_t QEdf;
    char *method; /* "REML" */
} ev_report_pool;

/* Build the per-study data from the charted outcomes (group 1 minus group
 * 2; with SMD across instruments of opposite direction the signs are
 * harmonised with ev_chart_harmonise_sign) and fit the random-effects model
 * (ev_rma_fit). Statuses: EV_EREFUSED for instruments of opposite direction
 * with no_harmonise, or MD across different instruments; EV_EINPUT for an
 * outcome no study (or only one) reports with complete data (the message
 * says which data are missing); EV_ENOTFOUND for an instrument not in the
 * catalogue; EV_EUSAGE for a bad measure/method; EV_ENOMEM. Nothing is
 * written to the review. *out is caller-owned (ev_report_pool_free). */
EV_EXTERN ev_status ev_report_pool_run(ev_report_pool **out, ev_chart *c,
                                       const ev_chart_catalogue *cat, const ev_report_outcome *o,
                                       ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_report_pool_free(ev_report_pool *p);
/* The forest plot of a pooled outcome: to a file (`path`, extension picks
 * the format) when path is not NULL, else appended to `svg` as SVG. */
EV_EXTERN ev_status ev_report_pool_forest(const ev_report_pool *p, const char *path, ev_buf *svg,
                                          ev_error *err) EV_WARN_UNUSED;
/* The pooled result as one JSON object (stable field names). */
EV_EXTERN ev_status ev_report_pool_json(const ev_report_pool *p, ev_buf *out) EV_WARN_UNUSED;

/* ---- the HTML report ------------------------------------------------------------ */

typedef struct ev_report_options {
    const ev_report_outcome *outcomes; /* outcomes to pool (may be 0) */
    size_t noutcomes;
    const ev_report_flow *const *published; /* published flow numbers to check */
    size_t npublished;
    bool scoping; /* PRISMA-ScR wording */
} ev_report_options;

/* Append the whole report of review `s` as one HTML document to `out`.
 * Sections without data say so. EV_EIO, EV_ENOMEM; an outcome that cannot
 * be pooled is reported in the page, not as an error. */
EV_EXTERN ev_status ev_report_html(ev_buf *out, ev_store *s, const ev_report_options *opt,
                                   ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_REPORT_H */
