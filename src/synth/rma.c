/*
 * rma.c - the random/mixed-effects model rma.uni of metafor 3.8-1
 * (Viechtbauer 2010): weighted least squares at the estimated tau2, tests z,
 * t, Knapp & Hartung (2003) and its ad hoc variant, the heterogeneity test
 * (Cochran 1954), I2 and H2 (Higgins & Thompson 2002, with metafor's
 * "typical" variance), the omnibus moderator test, pseudo-R2 (Raudenbush
 * 2009) and the ML/REML fit statistics.
 */
#include "synth_int.h"

#include <float.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#define W_NA "Studies with NAs omitted from model fitting."

/* Everything the fit works on: the used studies, compacted. */
typedef struct work {
    size_t k, p;
    double *y, *v, *x, *w;
    ev__proj pj;
} work;

static void work_release(work *wk)
{
    ev_free(wk->y);
    ev_free(wk->v);
    ev_free(wk->x);
    ev_free(wk->w);
    ev__proj_release(&wk->pj);
}

double ev__crit(ev_synth_test test, double level, double df)
{
    double alpha = 1.0 - level / 100.0;
    if (test == EV_TEST_Z)
        return gsl_cdf_ugaussian_Qinv(alpha / 2.0);
    return gsl_cdf_tdist_Qinv(alpha / 2.0, df);
}

double ev__pval(ev_synth_test test, double stat, double df)
{
    if (test == EV_TEST_Z)
        return 2.0 * gsl_cdf_ugaussian_Q(fabs(stat));
    return 2.0 * gsl_cdf_tdist_Q(fabs(stat), df);
}

double ev_rma_crit(const ev_rma *fit)
{
    return ev__crit(fit->opt.test, fit->opt.level, fit->df);
}

void ev_rma_free(ev_rma *f)
{
    if (!f)
        return;
    ev_free(f->yi);
    ev_free(f->vi);
    ev_free(f->used);
    ev_free(f->x);
    if (f->coef_names)
        for (size_t j = 0; j < f->p; j++)
            ev_free(f->coef_names[j]);
    ev_free(f->coef_names);
    ev_free(f->beta);
    ev_free(f->se);
    ev_free(f->stat);
    ev_free(f->pval);
    ev_free(f->ci_lb);
    ev_free(f->ci_ub);
    ev_free(f->vcov);
    ev_free(f->weights);
    ev__warn_free(f->warnings, f->n_warnings);
    ev_free(f);
}

static ev_rma *rma_alloc(size_t k_all, size_t p)
{
    ev_rma *f = ev_calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->k_all = k_all;
    f->p = p;
    f->yi = ev_calloc(k_all, sizeof(double));
    f->vi = ev_calloc(k_all, sizeof(double));
    f->used = ev_calloc(k_all, sizeof(bool));
    f->x = ev_calloc(k_all * p, sizeof(double));
    f->coef_names = ev_calloc(p, sizeof(char *));
    f->beta = ev_calloc(p, sizeof(double));
    f->se = ev_calloc(p, sizeof(double));
    f->stat = ev_calloc(p, sizeof(double));
    f->pval = ev_calloc(p, sizeof(double));
    f->ci_lb = ev_calloc(p, sizeof(double));
    f->ci_ub = ev_calloc(p, sizeof(double));
    f->vcov = ev_calloc(p * p, sizeof(double));
    f->weights = ev_calloc(k_all, sizeof(double));
    if (!f->yi || !f->vi || !f->used || !f->x || !f->coef_names || !f->beta || !f->se ||
        !f->stat || !f->pval || !f->ci_lb || !f->ci_ub || !f->vcov || !f->weights) {
        ev_rma_free(f);
        return NULL;
    }
    return f;
}

static ev_status check_options(const ev_synth_options *o, ev_error *err)
{
    if (!(o->level > 0 && o->level < 100))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "level %g is not in (0, 100)", o->level);
    if ((unsigned)o->method > EV_METHOD_PM || (unsigned)o->test > EV_TEST_ADHOC)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "unknown method or test");
    const ev_synth_control *c = &o->control;
    if (!(c->threshold > 0) || c->maxiter == 0 || !(c->stepadj > 0) || !(c->tol > 0) ||
        !(c->tau2_max > 0))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "control values must be positive (threshold, maxiter, stepadj, tol, "
                            "tau2_max)");
    if (!isnan(o->tau2_fixed) && !(o->tau2_fixed >= 0 && isfinite(o->tau2_fixed)))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "a fixed tau2 must be >= 0");
    return EV_OK;
}

/* Copy the inputs into the fit, decide which studies are used. */
static ev_status take_data(ev_rma *f, const double *yi, const double *vi,
                           const ev_synth_design *X, ev_error *err)
{
    bool omitted = false;
    for (size_t i = 0; i < f->k_all; i++) {
        f->yi[i] = yi[i];
        f->vi[i] = vi[i];
        for (size_t j = 0; j < f->p; j++)
            f->x[i * f->p + j] = X ? X->x[i * f->p + j] : 1.0;
        if (isinf(yi[i]) || isinf(vi[i]))
            return ev_error_set(err, EV_EINPUT, NULL, i + 1, 0, "study %zu: '%s' is infinite",
                                i + 1, isinf(yi[i]) ? "yi" : "vi");
        if (vi[i] <= 0)
            return ev_error_set(err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: sampling variance 'vi' is %g, must be > 0", i + 1,
                                vi[i]);
        f->used[i] = !isnan(yi[i]) && !isnan(vi[i]) && (!X || X->row_ok[i]);
        omitted = omitted || !f->used[i];
        f->k += f->used[i];
    }
    if (omitted && ev__warn_add(&f->warnings, &f->n_warnings, W_NA) != EV_OK)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (f->k == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no study has both 'yi' and 'vi'%s",
                            X ? " and its moderators" : "");
    if (f->k < f->p || (f->k == f->p && f->k > 1))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "%zu usable studies are too few for %zu coefficients", f->k, f->p);
    return EV_OK;
}

static ev_status work_init(work *wk, const ev_rma *f)
{
    memset(wk, 0, sizeof *wk);
    wk->k = f->k;
    wk->p = f->p;
    wk->y = ev_calloc(f->k, sizeof(double));
    wk->v = ev_calloc(f->k, sizeof(double));
    wk->w = ev_calloc(f->k, sizeof(double));
    wk->x = ev_calloc(f->k * f->p, sizeof(double));
    if (!wk->y || !wk->v || !wk->w || !wk->x)
        return EV_ENOMEM;
    size_t r = 0;
    for (size_t i = 0; i < f->k_all; i++) {
        if (!f->used[i])
            continue;
        wk->y[r] = f->yi[i];
        wk->v[r] = f->vi[i];
        memcpy(wk->x + r * f->p, f->x + i * f->p, f->p * sizeof(double));
        r++;
    }
    return ev__proj_init(&wk->pj, f->k, f->p, wk->x, wk->y);
}

/* Coefficients, their covariance and tests at the estimated tau2. */
static ev_status coefficients(ev_rma *f, work *wk, ev_error *err)
{
    size_t p = f->p;
    double df = (double)(f->k - p);
    if (ev__proj_at_tau2(&wk->pj, wk->v, f->tau2, wk->w) != EV_OK)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "the model matrix is rank deficient");
    double s2w = 1.0;
    f->s2w = NAN;
    if (f->opt.test == EV_TEST_KNHA || f->opt.test == EV_TEST_ADHOC) {
        /* Knapp & Hartung 2003, eq. 8: s2w = sum w (y - Xb)^2 / (k - p). */
        double rss = ev__proj_ypy(&wk->pj);
        s2w = rss <= DBL_EPSILON ? 0.0 : rss / df;
        if (f->opt.test == EV_TEST_ADHOC && s2w < 1.0)
            s2w = 1.0;
        f->s2w = s2w;
    }
    f->stat_is_t = f->opt.test != EV_TEST_Z;
    f->df = f->stat_is_t ? df : NAN;
    double crit = ev__crit(f->opt.test, f->opt.level, df);
    for (size_t j = 0; j < p * p; j++)
        f->vcov[j] = s2w * wk->pj.a[j];
    for (size_t j = 0; j < p; j++) {
        f->beta[j] = wk->pj.beta[j];
        f->se[j] = sqrt(f->vcov[j * p + j]);
        f->stat[j] = f->beta[j] / f->se[j];
        f->pval[j] = ev__pval(f->opt.test, f->stat[j], df);
        f->ci_lb[j] = f->beta[j] - crit * f->se[j];
        f->ci_ub[j] = f->beta[j] + crit * f->se[j];
    }
    return EV_OK;
}

/* Omnibus Wald test of coefficients 2..p (chi-square, or F for t tests). */
static ev_status omnibus(ev_rma *f, ev_error *err)
{
    size_t p = f->p, m = p - 1;
    f->QM = f->QMp = NAN;
    f->QMdf2 = NAN;
    if (p < 2)
        return EV_OK;
    double *s = ev_calloc(m * m, sizeof(double));
    double *b = ev_calloc(m, sizeof(double));
    if (!s || !b) {
        ev_free(s);
        ev_free(b);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t r = 0; r < m; r++) {
        b[r] = f->beta[r + 1];
        for (size_t c = 0; c < m; c++)
            s[r * m + c] = f->vcov[(r + 1) * p + c + 1];
    }
    gsl_matrix_view S = gsl_matrix_view_array(s, m, m);
    gsl_vector_view B = gsl_vector_view_array(b, m);
    double qm = NAN;
    if (gsl_linalg_cholesky_decomp1(&S.matrix) == GSL_SUCCESS) {
        gsl_linalg_cholesky_svx(&S.matrix, &B.vector); /* b <- S^-1 b */
        qm = 0.0;
        for (size_t r = 0; r < m; r++)
            qm += f->beta[r + 1] * b[r];
    }
    ev_free(s);
    ev_free(b);
    f->QMdf1 = m;
    f->QM_is_F = f->stat_is_t;
    if (f->QM_is_F) {
        f->QM = qm / (double)m;
        f->QMdf2 = (double)(f->k - p);
        f->QMp = gsl_cdf_fdist_Q(f->QM, (double)m, f->QMdf2);
    } else {
        f->QM = qm;
        f->QMp = gsl_cdf_chisq_Q(qm, (double)m);
    }
    return EV_OK;
}

static bool is_ee(ev_synth_method m)
{
    return m == EV_METHOD_EE || m == EV_METHOD_FE;
}

/* Cochran's Q (residual heterogeneity) and the typical within-study
 * variance vt = (k - p) / tr(P), both with weights 1/vi. */
static ev_status heterogeneity(ev_rma *f, work *wk, double *qe_null, ev_error *err)
{
    for (size_t i = 0; i < f->k; i++)
        wk->w[i] = 1.0 / wk->v[i];
    if (ev__proj_set(&wk->pj, wk->w) != EV_OK)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "the model matrix is rank deficient");
    double df = (double)(f->k - f->p);
    f->QEdf = f->k - f->p;
    f->QE = fmax(0.0, ev__proj_ypy(&wk->pj));
    f->QEp = f->QEdf > 0 ? gsl_cdf_chisq_Q(f->QE, df) : 1.0;
    f->vt = f->k > 1 ? df / ev__proj_tr(&wk->pj, NULL) : wk->v[0];
    /* Q of the intercept-only model, for the EE pseudo-R2. */
    double sw = 0, swy = 0, q = 0;
    for (size_t i = 0; i < f->k; i++) {
        sw += wk->w[i];
        swy += wk->w[i] * wk->y[i];
    }
    for (size_t i = 0; i < f->k; i++)
        q += wk->w[i] * (wk->y[i] - swy / sw) * (wk->y[i] - swy / sw);
    *qe_null = q;
    return EV_OK;
}

/* I2 and H2 (Higgins & Thompson 2002) with metafor's typical variance vt;
 * for EE/FE fits from QE. Needs tau2. */
static void i2_h2(ev_rma *f)
{
    double df = (double)(f->k - f->p);
    if (f->k == 1) {
        f->I2 = 0.0;
        f->H2 = 1.0;
    } else if (is_ee(f->opt.method) && isnan(f->opt.tau2_fixed)) {
        f->I2 = fmax(0.0, 100.0 * (f->QE - df) / f->QE);
        f->H2 = f->QE / df;
    } else {
        f->I2 = 100.0 * f->tau2 / (f->vt + f->tau2);
        f->H2 = f->tau2 / f->vt + 1.0;
    }
}

/* metafor's fit.stats (ML and REML blocks) at the estimated tau2. */
static void fit_stats(ev_rma *f, work *wk)
{
    double llml, llreml;
    (void)ev__proj_at_tau2(&wk->pj, wk->v, f->tau2, wk->w);
    ev__loglik(&wk->pj, wk->v, f->tau2, &llml, &llreml);
    double k = (double)f->k, p = (double)f->p;
    double llqe = -0.5 * k * log(2.0 * M_PI);
    for (size_t i = 0; i < f->k; i++)
        llqe -= 0.5 * log(wk->v[i]);
    double parms = p + ((is_ee(f->opt.method) || !isnan(f->opt.tau2_fixed)) ? 0.0 : 1.0);
    double mk = fmax(k, parms + 2), mr = fmax(k - p, parms + 2);
    f->fit_ml = (ev_rma_fitstats){llml, -2.0 * (llml - llqe), -2.0 * llml + 2.0 * parms,
                                  -2.0 * llml + parms * log(k),
                                  -2.0 * llml + 2.0 * parms * mk / (mk - parms - 1.0)};
    f->fit_reml = (ev_rma_fitstats){llreml, -2.0 * llreml, -2.0 * llreml + 2.0 * parms,
                                    -2.0 * llreml + parms * log(k - p),
                                    -2.0 * llreml + 2.0 * parms * mr / (mr - parms - 1.0)};
    double sw = 0.0;
    for (size_t i = 0; i < f->k; i++)
        sw += wk->w[i];
    size_t r = 0;
    for (size_t i = 0; i < f->k_all; i++)
        f->weights[i] = f->used[i] ? 100.0 * wk->w[r++] / sw : NAN;
}

/* Pseudo-R2: proportional reduction in tau2 against the intercept-only
 * model with the same estimator (Raudenbush 2009); for EE fits 100 x the
 * adjusted R2 of the weighted regression, as metafor reports. */
static ev_status pseudo_r2(ev_rma *f, work *wk, double qe_null, ev_error *err)
{
    f->R2 = NAN;
    if (f->p < 2 || f->k == 0)
        return EV_OK;
    if (is_ee(f->opt.method)) {
        double r2 = 1.0 - f->QE / qe_null;
        double adj = 1.0 - (1.0 - r2) * ((double)f->k - 1.0) / (double)(f->k - f->p);
        f->R2 = fmax(0.0, 100.0 * adj);
        return EV_OK;
    }
    if (!isnan(f->opt.tau2_fixed))
        return EV_OK;
    ev_rma *re = NULL;
    ev_status st = ev_rma_fit(&re, wk->y, wk->v, f->k, NULL, &f->opt, err);
    if (st != EV_OK)
        return st;
    if (re->tau2 > 0)
        f->R2 = fmax(0.0, 100.0 * (re->tau2 - f->tau2) / re->tau2);
    ev_rma_free(re);
    return EV_OK;
}

static ev_status estimate_tau2(ev_rma *f, work *wk, ev_error *err)
{
    f->se_tau2 = NAN;
    if (!isnan(f->opt.tau2_fixed)) {
        f->tau2 = f->opt.tau2_fixed;
        return EV_OK;
    }
    if (f->k == 1 || is_ee(f->opt.method)) {
        f->tau2 = 0.0;
        return EV_OK;
    }
    ev__tau2_in in = {wk->v, f->k, f->p, f->opt.method, &f->opt.control};
    return ev__tau2_estimate(&wk->pj, &in, &f->tau2, &f->se_tau2, &f->iterations, err);
}

static ev_status names(ev_rma *f, const ev_synth_design *X)
{
    for (size_t j = 0; j < f->p; j++)
        if (!(f->coef_names[j] = ev_strdup(X ? X->colnames[j] : "intrcpt")))
            return EV_ENOMEM;
    return EV_OK;
}

#define W_REDUNDANT "Redundant predictors dropped from the model."

static ev_status fit_design(ev_rma **out, const double *yi, const double *vi, size_t k,
                            const ev_synth_design *X, const ev_synth_options *opt,
                            ev_error *err);

/* metafor drops moderators that are linear combinations of earlier ones
 * (over the studies with data) with a warning, then fits the rest. */
static ev_status fit_reduced(ev_rma **out, const double *yi, const double *vi, size_t k,
                             const ev_synth_design *X, const ev_synth_options *opt,
                             bool *redundant, ev_error *err)
{
    bool *rows = ev_calloc(k, sizeof(bool)), *keep = ev_calloc(X->p, sizeof(bool));
    double *x = ev_calloc(k * X->p, sizeof(double));
    const char **names = ev_calloc(X->p, sizeof(char *));
    ev_synth_design *X2 = NULL;
    ev_status st = EV_ENOMEM;
    *redundant = false;
    if (!rows || !keep || !x || !names)
        goto done;
    for (size_t i = 0; i < k; i++)
        rows[i] = !isnan(yi[i]) && !isnan(vi[i]) && X->row_ok[i];
    size_t p2;
    if ((st = ev__design_independent(X, rows, keep, &p2)) != EV_OK || p2 == X->p)
        goto done;
    if (p2 == 0) {
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "every moderator column is zero");
        goto done;
    }
    *redundant = true;
    for (size_t j = 0, c = 0; j < X->p; j++)
        if (keep[j]) {
            names[c] = X->colnames[j];
            for (size_t i = 0; i < k; i++)
                x[i * p2 + c] = X->x[i * X->p + j];
            c++;
        }
    st = ev_synth_design_from_matrix(&X2, k, p2, x, names, err);
    if (st == EV_OK) {
        memcpy(X2->row_ok, X->row_ok, k * sizeof(bool));
        st = fit_design(out, yi, vi, k, X2, opt, err);
    }
    if (st == EV_OK && ev__warn_add(&(*out)->warnings, &(*out)->n_warnings, W_REDUNDANT))
        st = EV_ENOMEM;
done:
    if (st == EV_ENOMEM) {
        ev_rma_free(*out);
        *out = NULL;
        ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_synth_design_free(X2);
    ev_free(rows);
    ev_free(keep);
    ev_free(x);
    ev_free(names);
    return st;
}

ev_status ev_rma_fit(ev_rma **out, const double *yi, const double *vi, size_t k,
                     const ev_synth_design *X, const ev_synth_options *opt, ev_error *err)
{
    *out = NULL;
    ev_status st = check_options(opt, err);
    if (st)
        return st;
    if (X && X->k != k)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "the design has %zu rows for %zu studies", X->k, k);
    if (k == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no studies to fit");
    if (X && X->p > 1) {
        bool redundant;
        st = fit_reduced(out, yi, vi, k, X, opt, &redundant, err);
        if (st != EV_OK || redundant)
            return st;
    }
    return fit_design(out, yi, vi, k, X, opt, err);
}

static ev_status fit_design(ev_rma **out, const double *yi, const double *vi, size_t k,
                            const ev_synth_design *X, const ev_synth_options *opt,
                            ev_error *err)
{
    ev_status st;
    ev_rma *f = rma_alloc(k, X ? X->p : 1);
    if (!f || names(f, X) != EV_OK) {
        ev_rma_free(f);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    f->opt = *opt;
    f->intercept_only = f->p == 1;
    work wk;
    memset(&wk, 0, sizeof wk);
    double qe_null = 0.0;
    if ((st = take_data(f, yi, vi, X, err)) != EV_OK)
        goto done;
    if (work_init(&wk, f) != EV_OK) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((st = heterogeneity(f, &wk, &qe_null, err)) != EV_OK ||
        (st = estimate_tau2(f, &wk, err)) != EV_OK)
        goto done;
    f->tau = sqrt(f->tau2);
    i2_h2(f);
    if ((st = coefficients(f, &wk, err)) != EV_OK || (st = omnibus(f, err)) != EV_OK)
        goto done;
    fit_stats(f, &wk);
    st = pseudo_r2(f, &wk, qe_null, err);
done:
    work_release(&wk);
    if (st != EV_OK) {
        ev_rma_free(f);
        return st;
    }
    *out = f;
    return EV_OK;
}

ev_status ev_rma_fit_escalc(ev_rma **out, const ev_escalc *es, const ev_synth_design *X,
                            const ev_synth_options *opt, ev_error *err)
{
    ev_status st = ev_rma_fit(out, es->yi, es->vi, es->k, X, opt, err);
    if (st != EV_OK)
        return st;
    ev_rma *f = *out;
    /* escalc's warnings come first, as metafor prints them. */
    char **w = NULL;
    size_t n = 0;
    for (size_t i = 0; i < es->n_warnings && st == EV_OK; i++)
        st = ev__warn_add(&w, &n, es->warnings[i]);
    for (size_t i = 0; i < f->n_warnings && st == EV_OK; i++)
        st = ev__warn_add(&w, &n, f->warnings[i]);
    if (st != EV_OK) {
        ev__warn_free(w, n);
        ev_rma_free(f);
        *out = NULL;
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev__warn_free(f->warnings, f->n_warnings);
    f->warnings = w;
    f->n_warnings = n;
    return EV_OK;
}
