/*
 * tau2.c - the between-study variance estimators of rma.uni (metafor 3.8-1),
 * each with metafor's standard error and iteration rules. All work through
 * the matrix-free projection of proj.c; the Fisher scoring loop allocates
 * nothing.
 */
#include "synth_int.h"

typedef struct est {
    ev__proj *pj;
    const ev__tau2_in *in;
    double *w;  /* k scratch: weights */
    ev_error *err;
} est;

static double pos(double x)
{
    return x > 0.0 ? x : 0.0;
}

static ev_status singular(est *s)
{
    return ev_error_set(s->err, EV_EINPUT, NULL, 0, 0,
                        "the model matrix is rank deficient at the current weights");
}

static ev_status set_w(est *s, double tau2)
{
    if (ev__proj_at_tau2(s->pj, s->in->vi, tau2, s->w) != EV_OK)
        return singular(s);
    return EV_OK;
}

/* Hedges (1983) / Hedges & Olkin (1985): ordinary least squares residuals,
 * tau2 = (RSS - tr(PV)) / (k - p); se from Var of a quadratic form. */
static ev_status est_he(est *s, double *tau2, double *se)
{
    const ev__tau2_in *in = s->in;
    for (size_t i = 0; i < in->k; i++)
        s->w[i] = 1.0;
    if (ev__proj_set(s->pj, s->w) != EV_OK)
        return singular(s);
    double df = (double)(in->k - in->p);
    double rss = ev__proj_ypy(s->pj);
    double trpv = ev__proj_tr(s->pj, in->vi);
    double t = (rss - trpv) / df;
    double tp = pos(t);
    *se = sqrt(1.0 / (df * df) *
               (2.0 * ev__proj_tr2(s->pj, in->vi, in->vi) + 4.0 * tp * trpv + 2.0 * tp * tp * df));
    *tau2 = t;
    return EV_OK;
}

/* DerSimonian & Laird (1986), generalised to moderators (Raudenbush 2009):
 * tau2 = (Q - (k - p)) / tr(P), P with weights 1/vi. */
static ev_status est_dl(est *s, double *tau2, double *se)
{
    const ev__tau2_in *in = s->in;
    for (size_t i = 0; i < in->k; i++)
        s->w[i] = 1.0 / in->vi[i];
    if (ev__proj_set(s->pj, s->w) != EV_OK)
        return singular(s);
    double df = (double)(in->k - in->p);
    double trp = ev__proj_tr(s->pj, NULL);
    double t = (ev__proj_ypy(s->pj) - df) / trp;
    double tp = pos(t);
    *se = sqrt(1.0 / (trp * trp) *
               (2.0 * df + 4.0 * tp * trp + 2.0 * tp * tp * ev__proj_tr2(s->pj, NULL, NULL)));
    *tau2 = t;
    return EV_OK;
}

/* Hunter & Schmidt (2004): tau2 = (Q - k) / sum(1/vi). */
static ev_status est_hs(est *s, double *tau2, double *se)
{
    const ev__tau2_in *in = s->in;
    for (size_t i = 0; i < in->k; i++)
        s->w[i] = 1.0 / in->vi[i];
    if (ev__proj_set(s->pj, s->w) != EV_OK)
        return singular(s);
    double df = (double)(in->k - in->p);
    double sw = s->pj->sum_d;
    double t = (ev__proj_ypy(s->pj) - (double)in->k) / sw;
    double tp = pos(t);
    *se = sqrt(1.0 / (sw * sw) *
               (2.0 * df + 4.0 * tp * ev__proj_tr(s->pj, NULL) +
                2.0 * tp * tp * ev__proj_tr2(s->pj, NULL, NULL)));
    *tau2 = t;
    return EV_OK;
}

/* Sidik & Jonkman (2005), eq. 6: one re-weighted step from the start
 * tau2_0 = sum (yi - mean(yi))^2 / k (or control tau2_init). */
static ev_status est_sj(est *s, double *tau2, double *se)
{
    const ev__tau2_in *in = s->in;
    const double *y = s->pj->y;
    double t0 = in->con->tau2_init;
    if (isnan(t0)) {
        double m = 0.0, ss = 0.0;
        for (size_t i = 0; i < in->k; i++)
            m += y[i];
        m /= (double)in->k;
        for (size_t i = 0; i < in->k; i++)
            ss += (y[i] - m) * (y[i] - m);
        t0 = ss / (double)in->k;
    }
    ev_status st = set_w(s, t0);
    if (st != EV_OK)
        return st;
    double df = (double)(in->k - in->p);
    double t = t0 * ev__proj_ypy(s->pj) / df;
    double tp = pos(t);
    *se = sqrt(t0 * t0 / (df * df) *
               (2.0 * ev__proj_tr2(s->pj, in->vi, in->vi) +
                4.0 * tp * ev__proj_tr2(s->pj, in->vi, NULL) +
                2.0 * tp * tp * ev__proj_tr2(s->pj, NULL, NULL)));
    *tau2 = t;
    return EV_OK;
}

/* One Fisher scoring step for ML, REML (Viechtbauer 2005, eqs. 10-11) or
 * the empirical Bayes estimator (Morris 1983; Berkey et al. 1995). */
static double fisher_adj(const ev__proj *pj, ev_synth_method m, size_t k, size_t p)
{
    if (m == EV_METHOD_ML) {
        double sw2 = 0.0;
        for (size_t i = 0; i < k; i++)
            sw2 += pj->d[i] * pj->d[i];
        return (ev__proj_yppy(pj) - pj->sum_d) / sw2;
    }
    if (m == EV_METHOD_REML)
        return (ev__proj_yppy(pj) - ev__proj_tr(pj, NULL)) /
               ev__proj_tr2((ev__proj *)pj, NULL, NULL);
    return (ev__proj_ypy(pj) * (double)k / (double)(k - p) - (double)k) / pj->sum_d;
}

static ev_status nonconv(est *s, size_t iters)
{
    return ev_error_set(s->err, EV_EINPUT, NULL, 0, 0,
                        "%s estimation of tau2 did not converge: fisher scoring stopped after "
                        "%zu iterations (try control stepadj 0.5 or a larger maxiter)",
                        ev_synth_method_name(s->in->method), iters);
}

/* metafor's loop: start at max(0, HE) (or tau2_init), step-halve while the
 * update would leave [0, inf), stop when |change| <= threshold, fail when
 * more than maxiter iterations were needed. se.tau2 from the expected
 * information (Viechtbauer 2005, eq. 12) at the estimate. */
static ev_status est_fisher(est *s, double *tau2, double *se, size_t *iters)
{
    const ev__tau2_in *in = s->in;
    const ev_synth_control *con = in->con;
    double t = con->tau2_init, dummy;
    ev_status st;
    if (isnan(t)) {
        if ((st = est_he(s, &t, &dummy)) != EV_OK)
            return st;
        t = pos(t);
    }
    double change = con->threshold + 1.0;
    size_t iter = 0;
    while (change > con->threshold) {
        iter++;
        double old = t;
        if ((st = set_w(s, t)) != EV_OK)
            return st;
        double adj = fisher_adj(s->pj, in->method, in->k, in->p) * con->stepadj;
        while (t + adj < 0.0)
            adj /= 2.0;
        t += adj;
        change = fabs(old - t);
        if (iter > con->maxiter)
            return nonconv(s, iter - 1);
    }
    *iters = iter;
    /* metafor evaluates the information at the final estimate. */
    if ((st = set_w(s, pos(t))) != EV_OK)
        return st;
    if (in->method == EV_METHOD_ML) {
        double sw2 = 0.0;
        for (size_t i = 0; i < in->k; i++)
            sw2 += s->pj->d[i] * s->pj->d[i];
        *se = sqrt(2.0 / sw2);
    } else if (in->method == EV_METHOD_REML) {
        *se = sqrt(2.0 / ev__proj_tr2(s->pj, NULL, NULL));
    }
    *tau2 = t;
    return EV_OK;
}

typedef struct qe_arg {
    est *s;
    double target;
    bool failed;
} qe_arg;

/* Generalised Q at tau2 minus its target (metafor's .QE.func). */
static double qe_at(double tau2, void *payload)
{
    qe_arg *q = payload;
    if (set_w(q->s, tau2) != EV_OK) {
        q->failed = true;
        return NAN;
    }
    return ev__proj_ypy(q->s->pj) - q->target;
}

/* Paule & Mandel (1982): the tau2 at which the generalised Q equals its
 * expected value k - p (DerSimonian & Kacker 2007), by R's uniroot on
 * [0, tau2_max]. */
static ev_status est_pm(est *s, double *tau2, size_t *iters)
{
    const ev__tau2_in *in = s->in;
    qe_arg q = {s, (double)(in->k - in->p), false};
    double flo = qe_at(0.0, &q);
    if (q.failed)
        return singular(s);
    if (flo < 0.0) {
        *tau2 = 0.0;
        return EV_OK;
    }
    double fhi = qe_at(in->con->tau2_max, &q);
    if (fhi > 0.0)
        return ev_error_set(s->err, EV_EINPUT, NULL, 0, 0,
                            "PM estimation of tau2 failed: the root lies above tau2_max %g "
                            "(raise control tau2_max or use another method)",
                            in->con->tau2_max);
    long maxit = (long)in->con->maxiter;
    double r = ev__zeroin(0.0, in->con->tau2_max, flo, fhi, qe_at, &q, in->con->tol, &maxit);
    if (q.failed)
        return singular(s);
    if (maxit < 0)
        return ev_error_set(s->err, EV_EINPUT, NULL, 0, 0,
                            "PM estimation of tau2 did not converge in %zu iterations "
                            "(try a larger maxiter)", in->con->maxiter);
    *iters = (size_t)maxit;
    *tau2 = r;
    return EV_OK;
}

static ev_status dispatch(est *s, double *t, double *se, size_t *iters)
{
    switch (s->in->method) {
    case EV_METHOD_EE:
    case EV_METHOD_FE:
        *t = 0.0;
        return EV_OK;
    case EV_METHOD_DL:
        return est_dl(s, t, se);
    case EV_METHOD_HE:
        return est_he(s, t, se);
    case EV_METHOD_HS:
        return est_hs(s, t, se);
    case EV_METHOD_SJ:
        return est_sj(s, t, se);
    case EV_METHOD_ML:
    case EV_METHOD_REML:
    case EV_METHOD_EB:
        return est_fisher(s, t, se, iters);
    case EV_METHOD_PM:
        return est_pm(s, t, iters);
    }
    return ev_error_set(s->err, EV_EUSAGE, NULL, 0, 0, "unknown tau2 estimator");
}

ev_status ev__tau2_estimate(ev__proj *pj, const ev__tau2_in *in, double *tau2, double *se_tau2,
                            size_t *iters, ev_error *err)
{
    double *w = ev_calloc(in->k, sizeof(double));
    if (!w)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    est s = {pj, in, w, err};
    double t = 0.0, se = NAN;
    *iters = 0;
    ev_status st = dispatch(&s, &t, &se, iters);
    if (st == EV_OK && (in->method == EV_METHOD_EB || in->method == EV_METHOD_PM)) {
        /* metafor: se = sqrt(2 k^2 / (k - p) / (sum w)^2) at the estimate. */
        double sw = 0.0;
        for (size_t i = 0; i < in->k; i++)
            sw += 1.0 / (in->vi[i] + pos(t));
        double k = (double)in->k;
        se = sqrt(2.0 * k * k / (k - (double)in->p) / (sw * sw));
    }
    ev_free(w);
    *tau2 = pos(t);
    *se_tau2 = se;
    return st;
}
