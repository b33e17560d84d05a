/*
 * ev_synth.h - quantitative synthesis: effect sizes (escalc), equal- and
 * random-effects models with the usual tau^2 estimators, meta-regression,
 * prediction and confidence intervals for the heterogeneity parameters.
 *
 * Definitions, defaults and numbers follow R's metafor (Viechtbauer 2010,
 * J Stat Softw 36(3)), version 3.8-1, and are tested against it
 * (tests/golden/synth/). GSL does the numerical work but none of its types
 * appear here: results are plain structs of doubles.
 *
 * Conventions:
 * - A missing value is NAN (isnan). Inputs may contain NAN; the study is
 *   then not usable and is omitted from the model with a warning, as metafor
 *   does ("Studies with NAs omitted from model fitting.").
 * - `level` is a percentage (95 = 95% intervals), as in metafor.
 * - Effects are on the analysis scale (log for ratios, logit for PLO, ...);
 *   back-transform with ev_synth_transform.
 * - Every result struct is owned by the caller and freed with its _free
 *   function (NULL is a no-op). Nothing here keeps global state except the
 *   one-time GSL error-handler switch, which is idempotent.
 *
 * Thread safety: every function is safe to call concurrently on distinct
 * objects; a const fit may be read from several threads.
 */
#ifndef EV_SYNTH_H
#define EV_SYNTH_H

#include "evident/ev_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- measures, methods, options ------------------------------------------- */

/* Effect-size measures, named as metafor's `measure=`. */
typedef enum ev_synth_measure {
    EV_MEASURE_GEN = 0, /* yi and vi (or sei) supplied directly */
    /* two-group 2x2 tables: ai, bi, ci, di (or ai, n1i, ci, n2i) */
    EV_MEASURE_RR,
    EV_MEASURE_OR,
    EV_MEASURE_RD,
    EV_MEASURE_AS,
    EV_MEASURE_PETO,
    /* two-group person-time: x1i, t1i, x2i, t2i */
    EV_MEASURE_IRR,
    EV_MEASURE_IRD,
    EV_MEASURE_IRSD,
    /* two-group means: m1i, sd1i, n1i, m2i, sd2i, n2i */
    EV_MEASURE_MD,
    EV_MEASURE_SMD,
    EV_MEASURE_SMDH,
    EV_MEASURE_ROM,
    EV_MEASURE_CVR,
    EV_MEASURE_VR,
    /* single proportions: xi, ni */
    EV_MEASURE_PR,
    EV_MEASURE_PLN,
    EV_MEASURE_PLO,
    EV_MEASURE_PAS,
    EV_MEASURE_PFT,
    /* correlations: ri, ni */
    EV_MEASURE_COR,
    EV_MEASURE_UCOR,
    EV_MEASURE_ZCOR,
    /* single-group change scores: m1i, m2i, sd1i, sd2i, ni, ri */
    EV_MEASURE_MC,
    EV_MEASURE_SMCC,
    EV_MEASURE__COUNT
} ev_synth_measure;

/* metafor's `vtype=` (variance estimator of escalc). LS is the default. */
typedef enum ev_synth_vtype {
    EV_VTYPE_LS = 0, /* large-sample approximation */
    EV_VTYPE_LS2,    /* SMD: Borenstein's variant */
    EV_VTYPE_UB,     /* SMD: unbiased */
    EV_VTYPE_HO,     /* MD/ROM: homoscedastic */
    EV_VTYPE_AV,     /* COR/UCOR/...: average of the yi */
    EV_VTYPE_AVHO    /* ROM: average and homoscedastic */
} ev_synth_vtype;

/* Continuity correction target (metafor's `to=`). */
typedef enum ev_synth_to {
    EV_TO_ONLY0 = 0, /* only tables with a zero cell (default) */
    EV_TO_ALL,       /* every table */
    EV_TO_IF0ALL,    /* every table if any table has a zero cell */
    EV_TO_NONE       /* never */
} ev_synth_to;

/* Model / tau^2 estimator (metafor's `method=`). */
typedef enum ev_synth_method {
    EV_METHOD_EE = 0, /* equal effects, tau2 = 0 */
    EV_METHOD_FE,     /* fixed effects (same numbers as EE) */
    EV_METHOD_DL,     /* DerSimonian & Laird 1986 */
    EV_METHOD_HE,     /* Hedges 1983 (Hedges & Olkin 1985) */
    EV_METHOD_HS,     /* Hunter & Schmidt 2004 */
    EV_METHOD_SJ,     /* Sidik & Jonkman 2005 */
    EV_METHOD_ML,     /* maximum likelihood */
    EV_METHOD_REML,   /* restricted ML (Viechtbauer 2005) */
    EV_METHOD_EB,     /* empirical Bayes (Morris 1983) */
    EV_METHOD_PM      /* Paule & Mandel 1982 */
} ev_synth_method;

/* Test / reference distribution for the coefficients (metafor's `test=`). */
typedef enum ev_synth_test {
    EV_TEST_Z = 0, /* normal */
    EV_TEST_T,     /* t with k-p df */
    EV_TEST_KNHA,  /* Knapp & Hartung 2003 */
    EV_TEST_ADHOC  /* Knapp-Hartung with the scale factor truncated at 1 */
} ev_synth_test;

/* Iteration control (metafor's `control=`). Zero fields take metafor's
 * defaults when passed through ev_synth_options_init. */
typedef struct ev_synth_control {
    double threshold; /* Fisher scoring stops when |tau2 change| < this (1e-5) */
    size_t maxiter;   /* iterations of Fisher scoring / root finding (100) */
    double stepadj;   /* step length factor for Fisher scoring (1) */
    double tol;       /* uniroot tolerance for PM / Q-profile (1.220703e-4) */
    double tau2_init; /* starting value; NAN = metafor's default start */
    double tau2_max;  /* upper end of search intervals (100) */
} ev_synth_control;

/* Everything that chooses an analysis. Initialise with ev_synth_options_init
 * (metafor's defaults), then change fields. */
typedef struct ev_synth_options {
    ev_synth_measure measure;
    ev_synth_vtype vtype;
    double add;      /* continuity correction; NAN (default) = metafor's default for the
                        measure: 1/2, but 0 for AS, IRSD, PAS and PFT. An explicit value
                        is applied to every measure, as in metafor */
    ev_synth_to to;  /* default EV_TO_ONLY0 */
    bool drop00;     /* drop double-zero tables, default false */
    ev_synth_method method; /* default REML */
    ev_synth_test test;     /* default z */
    double level;           /* percent, default 95 */
    double tau2_fixed;      /* NAN = estimate tau2; else use this value (metafor's tau2=) */
    ev_synth_control control;
} ev_synth_options;

/* Fill `opt` with metafor's defaults (measure GEN, REML, z, 95, add NAN =
 * the measure's default, to only0, no drop00, default control). */
EV_EXTERN void ev_synth_options_init(ev_synth_options *opt);

/* Names <-> enums, as metafor spells them ("REML", "knha", "only0", "LS",
 * "SMD", ...). Parsers are case-sensitive except measures (case-insensitive);
 * they return false for an unknown name. Name getters never return NULL. */
EV_EXTERN bool ev_synth_measure_parse(const char *s, ev_synth_measure *out);
EV_EXTERN bool ev_synth_method_parse(const char *s, ev_synth_method *out);
EV_EXTERN bool ev_synth_test_parse(const char *s, ev_synth_test *out);
EV_EXTERN bool ev_synth_to_parse(const char *s, ev_synth_to *out);
EV_EXTERN bool ev_synth_vtype_parse(const char *s, ev_synth_vtype *out);
EV_EXTERN const char *ev_synth_measure_name(ev_synth_measure m);
EV_EXTERN const char *ev_synth_method_name(ev_synth_method m);
EV_EXTERN const char *ev_synth_test_name(ev_synth_test t);
EV_EXTERN const char *ev_synth_to_name(ev_synth_to t);
EV_EXTERN const char *ev_synth_vtype_name(ev_synth_vtype v);

/* ---- effect sizes (escalc) -------------------------------------------------- */

/* Raw study data: column arrays of length k, borrowed. Leave the columns a
 * measure does not use NULL; NAN marks a missing value. For 2x2 tables give
 * either bi/di or n1i/n2i (then bi = n1i - ai, di = n2i - ci). For GEN give
 * yi with vi or sei. */
typedef struct ev_synth_data {
    size_t k;
    const double *ai, *bi, *ci, *di, *n1i, *n2i;
    const double *x1i, *t1i, *x2i, *t2i;
    const double *m1i, *sd1i, *m2i, *sd2i;
    const double *xi, *ni, *ri;
    const double *yi, *vi, *sei;
} ev_synth_data;

/* Per-study effect sizes. yi[i]/vi[i] are NAN where they could not be
 * computed (metafor's NA, each on its own; +-Inf in either makes both NAN
 * with metafor's warning);
 * `dropped[i]` is true when drop00 removed it. `warnings` are metafor's
 * warning texts (e.g. "Some 'yi' and/or 'vi' values equal to +-Inf.
 * Recoded to NAs."). */
typedef struct ev_escalc {
    size_t k;
    ev_synth_measure measure;
    double *yi;
    double *vi;
    bool *dropped;
    size_t n_warnings;
    char **warnings;
} ev_escalc;

/* Compute effect sizes for `data` with opt->measure, vtype, add, to, drop00.
 * *out receives a new ev_escalc (caller frees with ev_escalc_free).
 * NAN inputs are missing values: that study's yi/vi come out NAN (as
 * metafor's NA) and a fit leaves it out.
 * Returns EV_OK; EV_EINPUT when a required column is missing for the
 * measure, a value is impossible or infinite (negative count, events >
 * group size, sd <= 0 or n < 2 for means and change scores, person-time
 * or n <= 0, |r| > 1; the message names the study as "study N" (1-based
 * row, also in err->line) and the column), or k == 0; EV_EUSAGE for an
 * unsupported measure/vtype combination; EV_ENOMEM. */
EV_EXTERN ev_status ev_escalc_compute(ev_escalc **out, const ev_synth_data *data,
                                      const ev_synth_options *opt, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_escalc_free(ev_escalc *es);

/* ---- moderators (design matrix) ------------------------------------------- */

/* One moderator column: numeric (`num`, NAN = missing) or a factor (`fac`,
 * NULL entry = missing) with treatment coding: levels sorted with strcmp
 * (C locale), the first level is the reference. Borrowed. */
typedef struct ev_synth_term {
    const char *name;
    const double *num;       /* numeric moderator, or NULL */
    const char *const *fac;  /* factor moderator, or NULL */
} ev_synth_term;

/* A design matrix X (k x p, row-major) with metafor's column names
 * ("intrcpt", "<var>" for numeric, "<var><level>" for factor levels).
 * `row_ok[i]` is false when a moderator of study i is missing (its
 * columns in x are then NAN, as R's model.matrix with na.pass). */
typedef struct ev_synth_design {
    size_t k, p;
    double *x;        /* k * p, row-major */
    char **colnames;  /* p names */
    bool *row_ok;
} ev_synth_design;

/* Build the design for an intercept plus `nterms` terms over k studies.
 * *out is new (free with ev_synth_design_free). EV_EINPUT when a factor
 * has a single level or a term has neither num nor fac; EV_ENOMEM. */
EV_EXTERN ev_status ev_synth_design_new(ev_synth_design **out, size_t k,
                                        const ev_synth_term *terms, size_t nterms,
                                        ev_error *err) EV_WARN_UNUSED;
/* Wrap a caller-built matrix (copied): x is k x p row-major, colnames p
 * names (copied; NULL = "X1".."Xp"). */
EV_EXTERN ev_status ev_synth_design_from_matrix(ev_synth_design **out, size_t k, size_t p,
                                                const double *x, const char *const *colnames,
                                                ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_synth_design_free(ev_synth_design *d);

/* ---- the model (rma.uni) --------------------------------------------------- */

/* Likelihood-based fit statistics (metafor's fit.stats). */
typedef struct ev_rma_fitstats {
    double loglik, deviance, aic, bic, aicc;
} ev_rma_fitstats;

/* A fitted model. All arrays are owned by the fit. Per-study arrays have
 * length k_all (the input length, input order); the model uses the studies
 * with used[i] true (k of them). Matrices are row-major. Values that metafor
 * reports as NA are NAN here (e.g. se_tau2 for EE fits or k = 1). */
typedef struct ev_rma {
    ev_synth_options opt;  /* the options used (method, test, level, control) */
    size_t k_all;          /* input length */
    size_t k;              /* studies used */
    size_t p;              /* coefficients */
    bool intercept_only;

    /* data as used (length k_all; copies) */
    double *yi, *vi;
    bool *used;
    double *x;             /* k_all x p design (intercept column included) */
    char **coef_names;     /* p names ("intrcpt", ...) */

    /* coefficients */
    double *beta, *se, *stat, *pval, *ci_lb, *ci_ub; /* p each */
    double *vcov;          /* p x p */
    bool stat_is_t;        /* stat is a t value (test t/knha/adhoc) */
    double df;             /* k - p for t-based tests, NAN for z */
    double s2w;            /* Knapp-Hartung scale factor (NAN unless knha/adhoc) */

    /* heterogeneity */
    double tau2, tau, se_tau2;
    double QE, QEp;
    size_t QEdf;
    double I2, H2;
    double vt;             /* typical within-study variance (k-p)/tr(P); vi when k = 1 */
    size_t iterations;     /* Fisher scoring / root-finding iterations */

    /* omnibus test of moderators (p > 1): chi-square or F */
    double QM, QMp;
    size_t QMdf1;
    double QMdf2;          /* NAN for chi-square */
    bool QM_is_F;
    double R2;             /* percent, NAN when intercept only */

    ev_rma_fitstats fit_ml, fit_reml;

    double *weights;       /* length k_all: 100 w_i / sum w (NAN if unused) */

    size_t n_warnings;
    char **warnings;
} ev_rma;

/* Fit rma.uni to yi/vi (length k, borrowed) with design `X` (NULL = intercept
 * only; X->k must equal k). Studies with NAN yi/vi or a missing moderator
 * are omitted with metafor's warning; moderators that are linear
 * combinations of earlier ones are dropped with metafor's warning
 * ("Redundant predictors dropped from the model."; see fit->coef_names).
 * *out receives a new fit (free with ev_rma_free).
 * Returns EV_OK; EV_EINPUT for no usable study, vi <= 0 or an infinite
 * yi/vi (message "study N: ..." names the 1-based row and the column, and
 * err->line is N), too few studies for the coefficients, or non-convergence
 * (message names the estimator: "REML estimation of tau2 did not converge:
 * fisher scoring stopped after N iterations (try control stepadj 0.5 or a
 * larger maxiter)"); EV_EUSAGE for bad options (level outside (0,100),
 * non-positive control values, ...); EV_ENOMEM. */
EV_EXTERN ev_status ev_rma_fit(ev_rma **out, const double *yi, const double *vi, size_t k,
                               const ev_synth_design *X, const ev_synth_options *opt,
                               ev_error *err) EV_WARN_UNUSED;
/* Same, from an escalc result. */
EV_EXTERN ev_status ev_rma_fit_escalc(ev_rma **out, const ev_escalc *es,
                                      const ev_synth_design *X, const ev_synth_options *opt,
                                      ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_rma_free(ev_rma *fit);

/* ---- prediction and back-transformation ------------------------------------ */

/* Back-transformations (metafor's transf.*). */
typedef enum ev_synth_transf {
    EV_TRANSF_NONE = 0,
    EV_TRANSF_EXP,      /* exp */
    EV_TRANSF_ILOGIT,   /* transf.ilogit */
    EV_TRANSF_ZTOR,     /* transf.ztor (tanh) */
    EV_TRANSF_IARCSIN,  /* transf.iarcsin: sin(x)^2 */
    EV_TRANSF_IPFT_HM   /* transf.ipft.hm: inverse Freeman-Tukey, harmonic mean n */
} ev_synth_transf;

/* The natural back-transformation of a measure (EXP for RR/OR/IRR/ROM/
 * PETO/PLN/CVR/VR, ILOGIT for PLO, ZTOR for ZCOR, IARCSIN for AS/PAS,
 * IPFT_HM for PFT, NONE otherwise). */
EV_EXTERN ev_synth_transf ev_synth_measure_transf(ev_synth_measure m);
/* Apply `t` to x. `hm_n` is the harmonic mean of the ni (IPFT_HM only).
 * Pure; results are clamped to the parameter space as metafor does. */
EV_EXTERN double ev_synth_transform(ev_synth_transf t, double x, double hm_n);

/* One predicted value (metafor's predict.rma). pi_* are NAN for EE/FE fits;
 * pi_df is k - p for t-based tests, NAN otherwise. */
typedef struct ev_rma_pred {
    double pred, se, ci_lb, ci_ub, pi_lb, pi_ub, pi_df;
} ev_rma_pred;

/* Predict at `nnew` points. `newmods` is nnew x (p-1), row-major, the
 * moderator columns without the intercept (NULL and nnew = 1 for the
 * intercept-only model). `out` has room for nnew entries. `transf` (may be
 * EV_TRANSF_NONE) is applied to pred and to the bounds (se stays on the
 * analysis scale). EV_EUSAGE when newmods is needed but missing. */
EV_EXTERN ev_status ev_rma_predict(ev_rma_pred *out, const ev_rma *fit, const double *newmods,
                                   size_t nnew, ev_synth_transf transf, double hm_n,
                                   ev_error *err) EV_WARN_UNUSED;

/* ---- confidence intervals for heterogeneity (confint.rma.uni) -------------- */

typedef enum ev_confint_type {
    EV_CONFINT_QP = 0, /* Q-profile (Viechtbauer 2007) */
    EV_CONFINT_PL      /* profile likelihood (ML/REML fits only) */
} ev_confint_type;

typedef struct ev_ci {
    double estimate, lb, ub;
} ev_ci;

/* CIs for tau2, tau, I2 (percent) and H2. A bound that cannot be found is
 * truncated as metafor does (lb = 0 when the CI contains 0). */
typedef struct ev_rma_confint {
    ev_ci tau2, tau, I2, H2;
    bool lb_truncated, ub_truncated;
} ev_rma_confint;

/* Compute the CI at fit->opt.level with confint.rma.uni's default control
 * (tol 1.220703e-4, maxiter 1000, search up to max(100, 10 tau2)).
 * EV_EUSAGE for PL on a non-likelihood fit or for an EE/FE fit; EV_EINPUT
 * when the root search fails. */
EV_EXTERN ev_status ev_rma_confint_compute(ev_rma_confint *out, const ev_rma *fit,
                                           ev_confint_type type, ev_error *err) EV_WARN_UNUSED;
/* Same with an explicit control (confint's control=): tol, maxiter and
 * tau2_max are used (tau2_max is raised to 10 tau2 when lower); NULL = the
 * defaults above. */
EV_EXTERN ev_status ev_rma_confint_compute_ctl(ev_rma_confint *out, const ev_rma *fit,
                                               ev_confint_type type,
                                               const ev_synth_control *control,
                                               ev_error *err) EV_WARN_UNUSED;

/* ---- low-level helpers for the other synth files ---------------------------- */

/* The critical value of the fit's reference distribution (normal for z,
 * t(k - p) otherwise) at fit->opt.level: CI = estimate +/- crit * se. */
EV_EXTERN double ev_rma_crit(const ev_rma *fit);

/* ==== synthextra section =====================================================
 * Mantel-Haenszel, Peto, regtest, trimfill, leave1out, cumul, subgroup,
 * permutation tests: declarations appended below by the "synthextra" work.
 * ========================================================================== */

/* ---- Mantel–Haenszel, Peto, bias, sensitivity, subgroups, permutation tests ---- */

/* A Mantel-Haenszel (rma.mh) or Peto (rma.peto) fit: a common-effect pooled
 * estimate computed from the 2x2 tables (or person-time data) directly.
 * `measure` is OR, RR, RD, IRR, IRD (Mantel-Haenszel) or PETO. Per-study
 * yi/vi (length k_all, NAN for studies left out of the heterogeneity test)
 * are escalc's with opt->add/to/drop00 and serve only QE, I2 and H2.
 * Statistics metafor does not compute for a measure are NAN: CO/MH/BD/TA
 * (OR only; MH also for IRR), BD/TA p-values when k_pos < 2. */
typedef struct ev_rma_mh {
    ev_synth_measure measure;
    double level;
    size_t k_all;  /* input rows */
    size_t k;      /* tables without missing cells */
    size_t k_yi;   /* studies in the heterogeneity test */
    size_t k_pos;  /* tables in the Breslow-Day test (OR) / with V > 0 (Peto) */
    double beta, se, zval, pval, ci_lb, ci_ub;
    double QE, QEp;
    size_t QEdf;
    double I2, H2; /* I2 truncated at 0, H2 = QE/(k_yi-1) not truncated */
    double CO, COp, MH, MHp, BD, BDp, TA, TAp;
    double *yi, *vi;
    ev_rma_fitstats fit_ml, fit_reml;
    size_t n_warnings;
    char **warnings;
} ev_rma_mh;

/* Mantel-Haenszel fit (metafor's rma.mh; Mantel & Haenszel 1959, variance
 * of Robins, Breslow & Greenland 1986 for OR, Greenland & Robins 1985 for
 * RR/RD). `data` as for ev_escalc_compute; opt->measure must be OR, RR, RD,
 * IRR or IRD; opt->add/to/drop00 shape the per-study yi/vi (metafor's
 * defaults for rma.mh are 0.5, only0, drop00 = true); `correct` applies the
 * continuity correction of the CMH test (metafor's default true).
 * *out is new (free with ev_rma_mh_free).
 * EV_EUSAGE for another measure or a level outside (0, 100); EV_EINPUT when
 * no table is usable or the pooled estimate is undefined (no events in one
 * group of every table); EV_ENOMEM. */
EV_EXTERN ev_status ev_rma_mh_fit(ev_rma_mh **out, const ev_synth_data *data,
                                  const ev_synth_options *opt, bool correct,
                                  ev_error *err) EV_WARN_UNUSED;
/* Peto's one-step odds ratio (metafor's rma.peto; Yusuf et al. 1985).
 * Tables as for OR; opt->measure is ignored (PETO). Same statuses. */
EV_EXTERN ev_status ev_rma_peto_fit(ev_rma_mh **out, const ev_synth_data *data,
                                    const ev_synth_options *opt, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_rma_mh_free(ev_rma_mh *fit);

/* Egger-type regression test for funnel-plot asymmetry (metafor's
 * regtest with predictor "sei"). RMA refits the model of `fit` (method,
 * test, level, control) with the standard error as moderator; LM is the
 * classical Egger test, a weighted least-squares regression of yi on sei
 * with weights 1/vi and a t-test on k-2 df (Egger et al. 1997). */
typedef enum ev_regtest_model { EV_REGTEST_RMA = 0, EV_REGTEST_LM } ev_regtest_model;

typedef struct ev_regtest {
    ev_regtest_model model;
    double stat;       /* z or t of the sei coefficient */
    bool stat_is_t;
    double df;         /* NAN for z */
    double pval;
    double est, ci_lb, ci_ub;  /* limit estimate: the intercept (se -> 0) */
    double coef[2], coef_se[2], coef_stat[2], coef_pval[2]; /* intrcpt, sei */
    double tau2, QE, QEp;      /* RMA only (NAN for LM) */
    double residual_sigma;     /* LM only (NAN for RMA) */
} ev_regtest;

/* Run regtest on the studies `fit` used. `fit` must be intercept-only.
 * EV_EUSAGE for a moderator model; EV_EINPUT for k < 3 or when the refit
 * fails (its message); EV_ENOMEM. */
EV_EXTERN ev_status ev_regtest_compute(ev_regtest *out, const ev_rma *fit,
                                       ev_regtest_model model, ev_error *err) EV_WARN_UNUSED;

/* Rank correlation test for funnel-plot asymmetry (metafor's ranktest;
 * Begg & Mazumdar 1994): Kendall's tau between the standardised effects
 * and the variances; exact p-value when k < 50 and there are no ties, else
 * the normal approximation with the tie-corrected variance (R cor.test). */
typedef struct ev_ranktest {
    double tau, pval;
    bool exact;
} ev_ranktest;
EV_EXTERN ev_status ev_ranktest_compute(ev_ranktest *out, const ev_rma *fit,
                                        ev_error *err) EV_WARN_UNUSED;

/* Trim and fill (Duval & Tweedie 2000; metafor's trimfill.rma.uni). */
typedef enum ev_trimfill_estimator { EV_TRIMFILL_L0 = 0, EV_TRIMFILL_R0 } ev_trimfill_estimator;
typedef enum ev_trimfill_side { EV_SIDE_AUTO = 0, EV_SIDE_LEFT, EV_SIDE_RIGHT } ev_trimfill_side;

typedef struct ev_trimfill {
    ev_trimfill_estimator estimator;
    ev_trimfill_side side; /* the side chosen (never AUTO) */
    size_t k0;             /* filled studies */
    double se_k0;
    double p_k0;           /* R0 only, NAN for L0 */
    /* the model on the augmented data (z-test, as metafor): k_all + k0
     * studies, the observed ones first; fit->yi/vi are the augmented data.
     * When k0 = 0 it is a refit of the original data. */
    ev_rma *fit;
    bool *fill;            /* length fit->k_all: true for filled studies */
} ev_trimfill;

/* Run trim and fill on an intercept-only fit. side AUTO chooses as metafor
 * (the sign of the sei slope of a regression test). *out is new (free with
 * ev_trimfill_free). EV_EUSAGE for a moderator model; EV_EINPUT for k = 1
 * or when the algorithm does not converge in 100 iterations; EV_ENOMEM. */
EV_EXTERN ev_status ev_trimfill_run(ev_trimfill **out, const ev_rma *fit,
                                    ev_trimfill_estimator est, ev_trimfill_side side,
                                    ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_trimfill_free(ev_trimfill *tf);

/* Leave-one-out and cumulative meta-analysis (metafor's leave1out and
 * cumul): one row per input study. For leave1out row i is the fit without
 * study i; for cumul row j is the fit on the first j studies of `order`.
 * Rows of studies the fit did not use, and refits that fail, have ok =
 * false and NAN numbers. tau2 is 0 for EE/FE fits. */
typedef struct ev_sens_row {
    size_t study;  /* 0-based input row (omitted / added study) */
    bool ok;
    double estimate, se, stat, pval, ci_lb, ci_ub;
    double Q, Qp, tau2, I2, H2;
} ev_sens_row;

typedef struct ev_sens {
    size_t n;          /* = fit->k_all */
    bool stat_is_t;
    ev_sens_row *rows; /* n rows, in output order */
} ev_sens;

/* Leave-one-out for an intercept-only fit. *out is new (ev_sens_free).
 * EV_EUSAGE for a moderator model; EV_EINPUT for k = 1; EV_ENOMEM. */
EV_EXTERN ev_status ev_leave1out_run(ev_sens **out, const ev_rma *fit,
                                     ev_error *err) EV_WARN_UNUSED;
/* Cumulative meta-analysis in the order of `key` (length fit->k_all,
 * ascending, ties in input order; NULL = input order). Same statuses. */
EV_EXTERN ev_status ev_cumul_run(ev_sens **out, const ev_rma *fit, const double *key,
                                 ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_sens_free(ev_sens *s);

/* Subgroup analysis: a separate fit per level of a grouping variable, the
 * test for subgroup differences with separate tau2 (Cochran's Q of the
 * subgroup estimates under a common-effect model, as RevMan and R's meta
 * do; Borenstein et al. 2009 ch. 19), and the mixed-effects moderator test
 * with a common tau2 (rma with the grouping factor as moderator). */
typedef struct ev_subgroup_level {
    char *level;   /* owned */
    size_t *rows;  /* 0-based input rows of the level, n_rows of them */
    size_t n_rows;
    ev_rma *fit;   /* the level's fit (opt as given) */
    ev_rma_pred pred; /* its pooled prediction (pi_* for the PI) */
} ev_subgroup_level;

typedef struct ev_subgroup {
    ev_rma *overall;          /* fit on all studies */
    size_t n_levels;
    ev_subgroup_level *levels; /* sorted C-locale */
    double Q_between, Q_between_p;
    size_t Q_between_df;
    ev_rma *moderator;        /* rma with the factor as moderator */
} ev_subgroup;

/* Run the subgroup analysis of yi/vi (length k) grouped by `group` (NULL
 * entry = missing group: the study is left out of the per-level fits and
 * the moderator model). *out is new (ev_subgroup_free). EV_EINPUT when
 * fewer than two levels remain or a level's fit fails (the message names
 * the level); EV_ENOMEM. */
EV_EXTERN ev_status ev_subgroup_run(ev_subgroup **out, const double *yi, const double *vi,
                                    size_t k, const char *const *group, const char *group_name,
                                    const ev_synth_options *opt, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_subgroup_free(ev_subgroup *sg);

/* Permutation test (metafor's permutest.rma.uni, approximate): for a
 * meta-regression the rows of the moderator matrix are permuted (a Monte
 * Carlo sample of `iter` - 1 random permutations plus the observed data);
 * for an intercept-only model the signs of yi are flipped. p-values count
 * permuted statistics at least as extreme as observed (|z| or |t| per
 * coefficient, QM for the omnibus test), with metafor's tolerance
 * sqrt(DBL_EPSILON). Reproducible: the same seed gives the same p-values on
 * every platform (xoshiro256** seeded through splitmix64). */
typedef struct ev_permtest {
    size_t iter;    /* permutations used, including the observed one */
    size_t p;
    double *pval;   /* p per coefficient */
    double QMp;     /* NAN for intercept-only models */
    size_t failed;  /* refits that failed and were redrawn */
} ev_permtest;

/* The random number stream: our own (default), or R's (Mersenne-Twister
 * seeded as set.seed(seed), sample() with R >= 3.6 rejection sampling,
 * design rows sorted as metafor sorts them), which reproduces
 * `set.seed(seed); permutest(fit, iter)` draw for draw. */
typedef enum ev_permtest_rng { EV_PERM_RNG_XOSHIRO = 0, EV_PERM_RNG_R } ev_permtest_rng;

/* `progress` (may be NULL) is called every 256 permutations; returning
 * false cancels (EV_ECANCEL). *out is new (ev_permtest_free). EV_EUSAGE
 * for iter < 2; EV_EINPUT when too many refits fail; EV_ENOMEM. */
EV_EXTERN ev_status ev_permtest_run(ev_permtest **out, const ev_rma *fit, size_t iter,
                                    uint64_t seed, ev_permtest_rng rng, ev_progress_fn progress,
                                    void *payload, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_permtest_free(ev_permtest *pt);

/* A small numeric data table for `evident meta`: CSV (RFC 4180 quoting,
 * comma or semicolon or tab separated, detected from the header) with a
 * header row. A column is numeric when every non-empty cell parses as a
 * number ("NA" and empty cells are missing = NAN). Cells keep their text.
 * Positions in errors are LINE:COL with COL the 1-based field number. */
typedef struct ev_synth_table ev_synth_table;

/* Read `path` (name used in errors) / parse text[0..n). *out is new (free
 * with ev_synth_table_free). EV_EIO when the file cannot be read;
 * EV_EINPUT for an empty file, no data rows, a duplicate or empty column
 * name, a row with the wrong number of fields, an unterminated quote or
 * invalid UTF-8 (file:line:col); EV_ENOMEM. */
EV_EXTERN ev_status ev_synth_table_read(ev_synth_table **out, const char *path,
                                        ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_synth_table_parse(ev_synth_table **out, const char *text, size_t n,
                                         const char *name, ev_error *err) EV_WARN_UNUSED;
EV_EXTERN void ev_synth_table_free(ev_synth_table *t);
EV_EXTERN size_t ev_synth_table_rows(const ev_synth_table *t);
EV_EXTERN size_t ev_synth_table_cols(const ev_synth_table *t);
EV_EXTERN const char *ev_synth_table_colname(const ev_synth_table *t, size_t col);
/* Column index by exact name; false when absent. */
EV_EXTERN bool ev_synth_table_find(const ev_synth_table *t, const char *name, size_t *col);
EV_EXTERN bool ev_synth_table_is_numeric(const ev_synth_table *t, size_t col);
/* Numbers of a column (NAN for missing or non-numeric cells), borrowed. */
EV_EXTERN const double *ev_synth_table_num(const ev_synth_table *t, size_t col);
/* Cell texts of a column (NULL for missing cells), borrowed. */
EV_EXTERN const char *const *ev_synth_table_text(const ev_synth_table *t, size_t col);
/* Input line number of data row `row` (0-based), for messages. */
EV_EXTERN size_t ev_synth_table_line(const ev_synth_table *t, size_t row);
/* Set an EV_EINPUT error at cell (row, col) of the table: "NAME:LINE:COL:
 * message". Returns EV_EINPUT. */
EV_EXTERN ev_status ev_synth_table_error(const ev_synth_table *t, size_t row, size_t col,
                                         ev_error *err, const char *fmt, ...) EV_PRINTF(5, 6);

/* Fill `out` with the columns opt->measure needs, borrowed from `t`
 * (metafor's argument names: ai bi ci di / ai n1i ci n2i, m1i sd1i n1i m2i
 * sd2i n2i, xi ni, ri ni, x1i t1i x2i t2i, yi vi / yi sei), after checking
 * them: the columns exist and are numeric, counts are whole and >= 0,
 * events do not exceed group sizes, sd > 0, n >= 2 for means, n >= 1
 * otherwise, |r| <= 1, vi and sei > 0, person-time > 0. Missing cells are
 * allowed (the study is omitted later with metafor's warning). EV_EINPUT
 * with "NAME:LINE:COL: ..." naming the first bad cell, or "NAME: missing
 * column ..." naming the columns the measure needs. */
EV_EXTERN ev_status ev_synth_table_data(ev_synth_data *out, const ev_synth_table *t,
                                        ev_synth_measure measure, ev_error *err) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_SYNTH_H */
