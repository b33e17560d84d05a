/*
 * proj.c - the weighted projection P = D - D X (X'DX)^-1 X'D behind every
 * estimator of rma.uni, kept matrix-free (see synth_int.h), plus R's
 * uniroot and the small shared helpers of the module.
 */
#include "synth_int.h"

#include <float.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

void ev__synth_gsl_init(void)
{
    gsl_set_error_handler_off();
}

ev_status ev__proj_init(ev__proj *pj, size_t k, size_t p, const double *x, const double *y)
{
    memset(pj, 0, sizeof *pj);
    pj->k = k;
    pj->p = p;
    pj->x = x;
    pj->y = y;
    pj->d = ev_calloc(k, sizeof(double));
    pj->u = ev_calloc(k * p, sizeof(double));
    pj->h = ev_calloc(k, sizeof(double));
    pj->e = ev_calloc(k, sizeof(double));
    pj->l = ev_calloc(p * p, sizeof(double));
    pj->a = ev_calloc(p * p, sizeof(double));
    pj->m1 = ev_calloc(p * p, sizeof(double));
    pj->m2 = ev_calloc(p * p, sizeof(double));
    pj->beta = ev_calloc(p, sizeof(double));
    if (!pj->d || !pj->u || !pj->h || !pj->e || !pj->l || !pj->a || !pj->m1 || !pj->m2 ||
        !pj->beta) {
        ev__proj_release(pj);
        return EV_ENOMEM;
    }
    ev__synth_gsl_init();
    return EV_OK;
}

void ev__proj_release(ev__proj *pj)
{
    ev_free(pj->d);
    ev_free(pj->u);
    ev_free(pj->h);
    ev_free(pj->e);
    ev_free(pj->l);
    ev_free(pj->a);
    ev_free(pj->m1);
    ev_free(pj->m2);
    ev_free(pj->beta);
    memset(pj, 0, sizeof *pj);
}

/* out = X' diag(w) X (p x p). */
static void xtwx(double *out, const double *x, const double *w, size_t k, size_t p)
{
    memset(out, 0, p * p * sizeof(double));
    for (size_t i = 0; i < k; i++) {
        const double *xi = x + i * p;
        double wi = w ? w[i] : 1.0;
        for (size_t r = 0; r < p; r++)
            for (size_t c = 0; c <= r; c++)
                out[r * p + c] += wi * xi[r] * xi[c];
    }
    for (size_t r = 0; r < p; r++)
        for (size_t c = r + 1; c < p; c++)
            out[r * p + c] = out[c * p + r];
}

/* beta = (X'DX)^-1 X'D y, e = y - X beta. */
static void gls(ev__proj *pj)
{
    size_t k = pj->k, p = pj->p;
    double *xdy = pj->m2; /* p entries of scratch */
    memset(xdy, 0, p * sizeof(double));
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < p; r++)
            xdy[r] += pj->x[i * p + r] * pj->d[i] * pj->y[i];
    for (size_t r = 0; r < p; r++) {
        double s = 0.0;
        for (size_t c = 0; c < p; c++)
            s += pj->a[r * p + c] * xdy[c];
        pj->beta[r] = s;
    }
    for (size_t i = 0; i < k; i++) {
        double fit = 0.0;
        for (size_t r = 0; r < p; r++)
            fit += pj->x[i * p + r] * pj->beta[r];
        pj->e[i] = pj->y[i] - fit;
    }
}

ev_status ev__proj_set(ev__proj *pj, const double *d)
{
    size_t k = pj->k, p = pj->p;
    pj->sum_d = 0.0;
    for (size_t i = 0; i < k; i++) {
        pj->d[i] = d[i];
        pj->sum_d += d[i];
    }
    xtwx(pj->l, pj->x, pj->d, k, p);
    gsl_matrix_view L = gsl_matrix_view_array(pj->l, p, p);
    if (gsl_linalg_cholesky_decomp1(&L.matrix) != GSL_SUCCESS)
        return EV_EINPUT;
    memcpy(pj->a, pj->l, p * p * sizeof(double));
    gsl_matrix_view A = gsl_matrix_view_array(pj->a, p, p);
    if (gsl_linalg_cholesky_invert(&A.matrix) != GSL_SUCCESS)
        return EV_EINPUT;
    /* U L' = D X, so U U' = D X (X'DX)^-1 X' D. */
    for (size_t i = 0; i < k; i++)
        for (size_t r = 0; r < p; r++)
            pj->u[i * p + r] = pj->d[i] * pj->x[i * p + r];
    gsl_matrix_view U = gsl_matrix_view_array(pj->u, k, p);
    gsl_blas_dtrsm(CblasRight, CblasLower, CblasTrans, CblasNonUnit, 1.0, &L.matrix, &U.matrix);
    for (size_t i = 0; i < k; i++) {
        double s = 0.0;
        for (size_t r = 0; r < p; r++)
            s += pj->u[i * p + r] * pj->u[i * p + r];
        pj->h[i] = s;
    }
    gls(pj);
    return EV_OK;
}

double ev__proj_ypy(const ev__proj *pj)
{
    double s = 0.0;
    for (size_t i = 0; i < pj->k; i++)
        s += pj->d[i] * pj->e[i] * pj->e[i];
    return s;
}

double ev__proj_yppy(const ev__proj *pj)
{
    double s = 0.0;
    for (size_t i = 0; i < pj->k; i++) {
        double t = pj->d[i] * pj->e[i];
        s += t * t;
    }
    return s;
}

double ev__proj_tr(const ev__proj *pj, const double *m)
{
    double s = 0.0;
    for (size_t i = 0; i < pj->k; i++)
        s += (pj->d[i] - pj->h[i]) * (m ? m[i] : 1.0);
    return s;
}

/* out = U' diag(m) U (p x p). */
static void utmu(double *out, const ev__proj *pj, const double *m)
{
    xtwx(out, pj->u, m, pj->k, pj->p);
}

double ev__proj_tr2(ev__proj *pj, const double *m, const double *n)
{
    /* tr((D - UU') M (D - UU') N) = sum d^2 m n - 2 sum h d m n
     *                               + tr((U'MU)(U'NU)), M, N diagonal. */
    size_t k = pj->k, p = pj->p;
    double s = 0.0;
    for (size_t i = 0; i < k; i++) {
        double mn = (m ? m[i] : 1.0) * (n ? n[i] : 1.0);
        s += pj->d[i] * pj->d[i] * mn - 2.0 * pj->h[i] * pj->d[i] * mn;
    }
    utmu(pj->m1, pj, m);
    utmu(pj->m2, pj, n);
    for (size_t r = 0; r < p; r++)
        for (size_t c = 0; c < p; c++)
            s += pj->m1[r * p + c] * pj->m2[c * p + r];
    return s;
}

double ev__proj_logdet(const ev__proj *pj)
{
    double s = 0.0;
    for (size_t r = 0; r < pj->p; r++)
        s += log(pj->l[r * pj->p + r]);
    return 2.0 * s;
}

ev_status ev__proj_at_tau2(ev__proj *pj, const double *vi, double tau2, double *wbuf)
{
    for (size_t i = 0; i < pj->k; i++)
        wbuf[i] = 1.0 / (vi[i] + tau2);
    return ev__proj_set(pj, wbuf);
}

void ev__loglik(ev__proj *pj, const double *vi, double tau2, double *ll_ml, double *ll_reml)
{
    /* metafor rma.uni: ll.ML = -k/2 log(2 pi) - 1/2 sum log(vi + tau2) - RSS/2,
     * ll.REML adds 1/2 log|X'X| - 1/2 log|X'WX| and uses k - p (REMLf = TRUE;
     * Harville 1977). */
    size_t k = pj->k, p = pj->p;
    double slog = 0.0;
    for (size_t i = 0; i < k; i++)
        slog += log(vi[i] + tau2);
    double rss = ev__proj_ypy(pj);
    *ll_ml = -0.5 * (double)k * log(2.0 * M_PI) - 0.5 * slog - 0.5 * rss;
    double *xx = pj->m1, ldxx = 0.0; /* scratch: tr2 is not in use here */
    xtwx(xx, pj->x, NULL, k, p);
    gsl_matrix_view M = gsl_matrix_view_array(xx, p, p);
    if (gsl_linalg_cholesky_decomp1(&M.matrix) == GSL_SUCCESS)
        for (size_t r = 0; r < p; r++)
            ldxx += 2.0 * log(xx[r * p + r]);
    *ll_reml = -0.5 * (double)(k - p) * log(2.0 * M_PI) + 0.5 * ldxx - 0.5 * slog -
               0.5 * ev__proj_logdet(pj) - 0.5 * rss;
}

double ev__zeroin(double ax, double bx, double fa, double fb, ev__fn1 f, void *payload,
                  double tol, long *maxit)
{
    /* A line-by-line port of R_zeroin2 (R's src/library/stats/src/zeroin.c,
     * after Brent 1973, ch. 4): metafor calls uniroot() with its default
     * tolerance, and only the identical iterate sequence reproduces metafor's
     * printed digits at that tolerance. GSL's brent solver stops differently. */
    double a = ax, b = bx, c = a, fc = fa;
    long left = *maxit + 1;
    if (fa == 0.0) {
        *maxit = 0;
        return a;
    }
    if (fb == 0.0) {
        *maxit = 0;
        return b;
    }
    while (left--) {
        double prev_step = b - a, tol_act, p, q, new_step;
        if (fabs(fc) < fabs(fb)) {
            a = b; b = c; c = a;
            fa = fb; fb = fc; fc = fa;
        }
        tol_act = 2.0 * DBL_EPSILON * fabs(b) + tol / 2.0;
        new_step = (c - b) / 2.0;
        if (fabs(new_step) <= tol_act || fb == 0.0) {
            *maxit -= left;
            return b;
        }
        if (fabs(prev_step) >= tol_act && fabs(fa) > fabs(fb)) {
            double t1, cb = c - b, t2;
            if (a == c) {
                t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                q = fa / fc;
                t1 = fb / fc;
                t2 = fb / fa;
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if (p > 0.0)
                q = -q;
            else
                p = -p;
            if (p < (0.75 * cb * q - fabs(tol_act * q) / 2.0) && p < fabs(prev_step * q / 2.0))
                new_step = p / q;
        }
        if (fabs(new_step) < tol_act)
            new_step = new_step > 0.0 ? tol_act : -tol_act;
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b, payload);
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
        }
    }
    *maxit = -1;
    return b;
}

ev_status ev__warn_add(char ***list, size_t *n, const char *text)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], text) == 0)
            return EV_OK;
    char **grown = ev_reallocarray(*list, *n + 1, sizeof **list);
    if (!grown)
        return EV_ENOMEM;
    *list = grown;
    grown[*n] = ev_strdup(text);
    if (!grown[*n])
        return EV_ENOMEM;
    (*n)++;
    return EV_OK;
}

void ev__warn_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ev_free(list[i]);
    ev_free(list);
}
