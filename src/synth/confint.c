/*
 * confint.c - confidence intervals for tau2 and the measures derived from
 * it (tau, I2, H2), as metafor's confint.rma.uni: the Q-profile method
 * (Viechtbauer 2007, eq. 9; Knapp et al. 2006) and profile likelihood
 * (Hardy & Thompson 1996) for ML/REML fits. Roots by R's uniroot, so that
 * metafor's default tolerance gives metafor's digits.
 */
#include "synth_int.h"

#include <gsl/gsl_cdf.h>

typedef struct ci_work {
    const ev_rma *f;
    ev_synth_control con;
    size_t k, p;
    double *y, *v, *x, *w;
    ev__proj pj;
    double target;
    double ll_hat;
    bool reml;
    bool failed;
} ci_work;

static void cw_release(ci_work *cw)
{
    ev_free(cw->y);
    ev_free(cw->v);
    ev_free(cw->x);
    ev_free(cw->w);
    ev__proj_release(&cw->pj);
}

static ev_status cw_init(ci_work *cw, const ev_rma *f)
{
    memset(cw, 0, sizeof *cw);
    cw->f = f;
    cw->k = f->k;
    cw->p = f->p;
    cw->y = ev_calloc(f->k, sizeof(double));
    cw->v = ev_calloc(f->k, sizeof(double));
    cw->w = ev_calloc(f->k, sizeof(double));
    cw->x = ev_calloc(f->k * f->p, sizeof(double));
    if (!cw->y || !cw->v || !cw->w || !cw->x)
        return EV_ENOMEM;
    size_t r = 0;
    for (size_t i = 0; i < f->k_all; i++) {
        if (!f->used[i])
            continue;
        cw->y[r] = f->yi[i];
        cw->v[r] = f->vi[i];
        memcpy(cw->x + r * f->p, f->x + i * f->p, f->p * sizeof(double));
        r++;
    }
    return ev__proj_init(&cw->pj, f->k, f->p, cw->x, cw->y);
}

/* Generalised Q at tau2 minus the target quantile. */
static double qp_fn(double tau2, void *payload)
{
    ci_work *cw = payload;
    if (ev__proj_at_tau2(&cw->pj, cw->v, tau2, cw->w) != EV_OK) {
        cw->failed = true;
        return NAN;
    }
    return ev__proj_ypy(&cw->pj) - cw->target;
}

/* Likelihood-ratio statistic at tau2 minus the chi-square(1) quantile. */
static double pl_fn(double tau2, void *payload)
{
    ci_work *cw = payload;
    if (ev__proj_at_tau2(&cw->pj, cw->v, tau2, cw->w) != EV_OK) {
        cw->failed = true;
        return NAN;
    }
    double ml, reml;
    ev__loglik(&cw->pj, cw->v, tau2, &ml, &reml);
    return -2.0 * ((cw->reml ? reml : ml) - cw->ll_hat) - cw->target;
}

static ev_status root(double *out, ci_work *cw, ev__fn1 fn, double lo, double hi, double flo,
                      double fhi, ev_error *err)
{
    const ev_synth_control *c = &cw->con;
    long maxit = (long)c->maxiter;
    *out = ev__zeroin(lo, hi, flo, fhi, fn, cw, c->tol, &maxit);
    if (cw->failed || maxit < 0 || !isfinite(*out))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "the root search for a confidence bound of tau2 failed");
    return EV_OK;
}

/* Q-profile: lb solves Q(tau2) = chi2_{1-a/2}, ub solves Q(tau2) = chi2_{a/2};
 * like metafor, both searches run over [0, tau2_max]. */
static ev_status qprofile(ev_rma_confint *o, ci_work *cw, double tmax, ev_error *err)
{
    double df = (double)(cw->k - cw->p), alpha = 1.0 - cw->f->opt.level / 100.0;
    double cu = gsl_cdf_chisq_Qinv(alpha / 2.0, df), cl = gsl_cdf_chisq_Pinv(alpha / 2.0, df);
    cw->target = 0.0;
    double q0 = qp_fn(0.0, cw), qmax = qp_fn(tmax, cw);
    ev_status st = EV_OK;
    o->tau2.lb = o->tau2.ub = 0.0;
    if (cw->failed)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "the model matrix is rank deficient");
    if (q0 < cl) {
        o->lb_truncated = o->ub_truncated = true;
        return EV_OK;
    }
    if (q0 < cu) {
        o->lb_truncated = true;
    } else {
        cw->target = cu;
        st = root(&o->tau2.lb, cw, qp_fn, 0.0, tmax, q0 - cu, qmax - cu, err);
    }
    if (st != EV_OK)
        return st;
    if (qmax > cl) {
        o->tau2.ub = tmax;
        o->ub_truncated = true;
        return EV_OK;
    }
    cw->target = cl;
    return root(&o->tau2.ub, cw, qp_fn, 0.0, tmax, q0 - cl, qmax - cl, err);
}

static ev_status plikelihood(ev_rma_confint *o, ci_work *cw, double tmax, ev_error *err)
{
    const ev_rma *f = cw->f;
    cw->reml = f->opt.method == EV_METHOD_REML;
    cw->ll_hat = cw->reml ? f->fit_reml.loglik : f->fit_ml.loglik;
    cw->target = gsl_cdf_chisq_Pinv(f->opt.level / 100.0, 1.0);
    double fhat = pl_fn(f->tau2, cw);
    double f0 = pl_fn(0.0, cw);
    ev_status st = EV_OK;
    o->tau2.lb = 0.0;
    if (f0 < 0.0 || f->tau2 <= 0.0)
        o->lb_truncated = true;
    else
        st = root(&o->tau2.lb, cw, pl_fn, 0.0, f->tau2, f0, fhat, err);
    if (st != EV_OK)
        return st;
    double fmax = pl_fn(tmax, cw);
    if (fmax < 0.0) {
        o->tau2.ub = tmax;
        o->ub_truncated = true;
        return EV_OK;
    }
    return root(&o->tau2.ub, cw, pl_fn, f->tau2, tmax, fhat, fmax, err);
}

static ev_ci derive(double est, double lb, double ub, double (*g)(double, double), double vt)
{
    return (ev_ci){g(est, vt), g(lb, vt), g(ub, vt)};
}

static double g_tau(double t, double vt)
{
    (void)vt;
    return sqrt(t);
}

static double g_i2(double t, double vt)
{
    return 100.0 * t / (vt + t);
}

static double g_h2(double t, double vt)
{
    return t / vt + 1.0;
}

ev_status ev_rma_confint_compute(ev_rma_confint *out, const ev_rma *fit, ev_confint_type type,
                                 ev_error *err)
{
    return ev_rma_confint_compute_ctl(out, fit, type, NULL, err);
}

ev_status ev_rma_confint_compute_ctl(ev_rma_confint *out, const ev_rma *fit,
                                     ev_confint_type type, const ev_synth_control *control,
                                     ev_error *err)
{
    memset(out, 0, sizeof *out);
    ev_synth_method m = fit->opt.method;
    if (m == EV_METHOD_EE || m == EV_METHOD_FE || !isnan(fit->opt.tau2_fixed))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "confidence intervals for tau2 need a random-effects fit");
    if (type == EV_CONFINT_PL && m != EV_METHOD_ML && m != EV_METHOD_REML)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "profile-likelihood intervals need an ML or REML fit");
    if (fit->k <= fit->p)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "too few studies for a confidence interval of tau2");
    ci_work cw;
    ev_status st = cw_init(&cw, fit);
    if (st != EV_OK) {
        cw_release(&cw);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    cw.con.tol = control ? control->tol : EV__SYNTH_TOL;
    cw.con.maxiter = control ? control->maxiter : 1000;
    /* confint.rma.uni's default search limit: max(100, 10 tau2). */
    double tmax = fmax(control ? control->tau2_max : EV__SYNTH_TAU2_MAX, 10.0 * fit->tau2);
    st = type == EV_CONFINT_QP ? qprofile(out, &cw, tmax, err) : plikelihood(out, &cw, tmax, err);
    cw_release(&cw);
    if (st != EV_OK)
        return st;
    out->tau2.estimate = fit->tau2;
    out->tau = derive(fit->tau2, out->tau2.lb, out->tau2.ub, g_tau, fit->vt);
    out->I2 = derive(fit->tau2, out->tau2.lb, out->tau2.ub, g_i2, fit->vt);
    out->H2 = derive(fit->tau2, out->tau2.lb, out->tau2.ub, g_h2, fit->vt);
    return EV_OK;
}
