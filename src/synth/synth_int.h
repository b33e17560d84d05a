/*
 * synth_int.h - internals shared by the files of the synth module: the
 * weighted-projection workspace used by every estimator, R's uniroot, the
 * GSL edge, and the warning list helpers.
 */
#ifndef EV_SYNTH_INT_H
#define EV_SYNTH_INT_H

#include "evident/ev_synth.h"

/* metafor's default control values (rma.uni, confint.rma.uni). */
#define EV__SYNTH_THRESHOLD 1e-5
#define EV__SYNTH_MAXITER 100
#define EV__SYNTH_TOL 1.220703125e-4 /* .Machine$double.eps^0.25 */
#define EV__SYNTH_TAU2_MAX 100.0

/* Switch GSL's abort-on-error handler off (idempotent, thread-safe enough:
 * every caller writes the same value). */
void ev__synth_gsl_init(void);

/*
 * The projection P = D - D X (X'DX)^-1 X'D for weights d (k) and design X
 * (k x p), held matrix-free as P = D - U U' with U = D X L^-T, L the
 * Cholesky factor of X'DX. Every quantity the estimators need (Y'PY, Y'PPY,
 * tr(PM), tr(PMPN) for diagonal M, N) is then O(k p^2) and no k x k matrix
 * is ever built, so a 10,000-study intercept-only fit stays linear.
 * The workspace is allocated once per fit (ev__proj_init) and reused across
 * iterations without allocating.
 */
typedef struct ev__proj {
    size_t k, p;
    const double *x;   /* k x p, borrowed */
    const double *y;   /* k, borrowed */
    double *d;         /* weights (k) */
    double *u;         /* U (k x p) */
    double *h;         /* diag(UU') (k) */
    double *l;         /* Cholesky factor / (X'DX)^-1 (p x p) */
    double *a;         /* (X'DX)^-1 (p x p) */
    double *beta;      /* GLS coefficients (p) */
    double *e;         /* residuals y - X beta (k) */
    double *m1, *m2;   /* p x p scratch */
    double sum_d;
} ev__proj;

ev_status ev__proj_init(ev__proj *pj, size_t k, size_t p, const double *x, const double *y);
void ev__proj_release(ev__proj *pj);
/* Set the weights (copied) and factorise. EV_EINPUT when X'DX is singular. */
ev_status ev__proj_set(ev__proj *pj, const double *d);
/* Y'PY = sum d e^2 and Y'PPY = sum d^2 e^2. */
double ev__proj_ypy(const ev__proj *pj);
double ev__proj_yppy(const ev__proj *pj);
/* tr(P M) with M = diag(m) (m NULL = identity). */
double ev__proj_tr(const ev__proj *pj, const double *m);
/* tr(P M P N) with M = diag(m), N = diag(n) (NULL = identity). */
double ev__proj_tr2(ev__proj *pj, const double *m, const double *n);
/* log det(X'DX) (after ev__proj_set). */
double ev__proj_logdet(const ev__proj *pj);

/* R's uniroot (stats/src/zeroin.c, Brent 1973 as in R_zeroin2): the same
 * iterates as metafor for the same tolerance, so default-control results
 * match metafor's digits. `*maxit` in: limit; out: iterations used (-1 when
 * it failed). Returns the root estimate. */
typedef double (*ev__fn1)(double x, void *payload);
double ev__zeroin(double ax, double bx, double fa, double fb, ev__fn1 f, void *payload,
                  double tol, long *maxit);

/* Warnings (metafor's texts), kept in a char* array. */
ev_status ev__warn_add(char ***list, size_t *n, const char *text);
void ev__warn_free(char **list, size_t n);

/* The tau2 estimators (tau2.c). Given pj initialised for the used studies
 * (y, X, vi), compute tau2 (truncated at 0), se.tau2 (NAN when not
 * defined) and the iterations used. */
typedef struct ev__tau2_in {
    const double *vi;
    size_t k, p;
    ev_synth_method method;
    const ev_synth_control *con;
} ev__tau2_in;
ev_status ev__tau2_estimate(ev__proj *pj, const ev__tau2_in *in, double *tau2, double *se_tau2,
                            size_t *iters, ev_error *err);

/* Fill the GLS fit pieces at a given tau2 on pj: weights 1/(vi+tau2). */
ev_status ev__proj_at_tau2(ev__proj *pj, const double *vi, double tau2, double *wbuf);

/* Log-likelihoods of rma.uni at tau2 (pj set at that tau2). */
void ev__loglik(ev__proj *pj, const double *vi, double tau2, double *ll_ml, double *ll_reml);

/* Flag the columns of X that are linearly independent of the columns
 * before them over `rows` (mods.c). EV_ENOMEM or EV_OK. */
ev_status ev__design_independent(const ev_synth_design *X, const bool *rows, bool *keep,
                                 size_t *nkept);

/* Critical value and two-sided p-value for the test distribution. */
double ev__crit(ev_synth_test test, double level, double df);
double ev__pval(ev_synth_test test, double stat, double df);

#endif /* EV_SYNTH_INT_H */
