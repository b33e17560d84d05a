/*
 * bias.c - small-study effects and publication bias, as metafor 3.8-1:
 * Egger-type regression tests (regtest, predictor "sei"; Egger, Davey Smith,
 * Schneider & Minder 1997; Sterne & Egger 2005), the rank correlation test
 * (ranktest; Begg & Mazumdar 1994) and trim and fill (trimfill; Duval &
 * Tweedie 2000a,b, estimators L0 and R0).
 */
#include "evident/ev_synth.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

/* The studies a fit used, compacted. */
typedef struct used_data {
    size_t k;
    double *yi, *vi;
} used_data;

static ev_status used_collect(used_data *u, const ev_rma *fit, ev_error *err)
{
    u->k = 0;
    u->yi = ev_calloc(fit->k_all ? fit->k_all : 1, sizeof(double));
    u->vi = ev_calloc(fit->k_all ? fit->k_all : 1, sizeof(double));
    if (u->yi == NULL || u->vi == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < fit->k_all; i++) {
        if (!fit->used[i])
            continue;
        u->yi[u->k] = fit->yi[i];
        u->vi[u->k] = fit->vi[i];
        u->k++;
    }
    return EV_OK;
}

static void used_release(used_data *u)
{
    ev_free(u->yi);
    ev_free(u->vi);
}

static ev_status need_int_only(const ev_rma *fit, const char *what, ev_error *err)
{
    if (!fit->intercept_only)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "%s needs a model without moderators", what);
    return EV_OK;
}

/* Fit yi on [1, sqrt(vi)] with the options `opt` (the "rma" regression
 * test, and trim and fill's choice of side). */
static ev_status fit_on_sei(ev_rma **out, const used_data *u, const ev_synth_options *opt,
                            ev_error *err)
{
    static const char *const names[] = {"intrcpt", "sei"};
    double *x = ev_calloc(2 * u->k, sizeof(double));
    ev_synth_design *X = NULL;
    if (x == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < u->k; i++) {
        x[2 * i] = 1.0;
        x[2 * i + 1] = sqrt(u->vi[i]);
    }
    ev_status st = ev_synth_design_from_matrix(&X, u->k, 2, x, names, err);
    if (st == EV_OK)
        st = ev_rma_fit(out, u->yi, u->vi, u->k, X, opt, err);
    ev_synth_design_free(X);
    ev_free(x);
    return st;
}

static void regtest_from_rma(ev_regtest *r, const ev_rma *f)
{
    r->stat = f->stat[1];
    r->stat_is_t = f->stat_is_t;
    r->df = f->df;
    r->pval = f->pval[1];
    r->est = f->beta[0];
    r->ci_lb = f->ci_lb[0];
    r->ci_ub = f->ci_ub[0];
    for (size_t j = 0; j < 2; j++) {
        r->coef[j] = f->beta[j];
        r->coef_se[j] = f->se[j];
        r->coef_stat[j] = f->stat[j];
        r->coef_pval[j] = f->pval[j];
    }
    r->tau2 = f->tau2;
    r->QE = f->QE;
    r->QEp = f->QEp;
}

/* Weighted least squares of yi on [1, sei], weights 1/vi, with the usual
 * residual variance (R's lm(yi ~ sei, weights = 1/vi)): Egger et al. 1997. */
static ev_status regtest_lm(ev_regtest *r, const used_data *u, double level, ev_error *err)
{
    double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
    for (size_t i = 0; i < u->k; i++) {
        double w = 1.0 / u->vi[i], s = sqrt(u->vi[i]);
        s0 += w, s1 += w * s, s2 += w * s * s;
        t0 += w * u->yi[i], t1 += w * s * u->yi[i];
    }
    double det = s0 * s2 - s1 * s1;
    if (!(fabs(det) > 1e-12 * s0 * s2))
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "the regression test needs studies with different standard errors");
    double b0 = (s2 * t0 - s1 * t1) / det, b1 = (s0 * t1 - s1 * t0) / det, rss = 0;
    for (size_t i = 0; i < u->k; i++) {
        double e = u->yi[i] - b0 - b1 * sqrt(u->vi[i]);
        rss += e * e / u->vi[i];
    }
    double df = (double)(u->k - 2), sigma2 = rss / df;
    double se[2] = {sqrt(sigma2 * s2 / det), sqrt(sigma2 * s0 / det)}, b[2] = {b0, b1};
    *r = (ev_regtest){.model = EV_REGTEST_LM, .stat_is_t = true, .df = df, .tau2 = NAN,
                      .QE = NAN, .QEp = NAN, .residual_sigma = sqrt(sigma2)};
    for (size_t j = 0; j < 2; j++) {
        r->coef[j] = b[j];
        r->coef_se[j] = se[j];
        r->coef_stat[j] = b[j] / se[j];
        r->coef_pval[j] = 2.0 * gsl_cdf_tdist_Q(fabs(b[j] / se[j]), df);
    }
    double crit = gsl_cdf_tdist_Qinv((1.0 - level / 100.0) / 2.0, df);
    r->stat = r->coef_stat[1];
    r->pval = r->coef_pval[1];
    r->est = b0;
    r->ci_lb = b0 - crit * se[0];
    r->ci_ub = b0 + crit * se[0];
    return EV_OK;
}

ev_status ev_regtest_compute(ev_regtest *out, const ev_rma *fit, ev_regtest_model model,
                             ev_error *err)
{
    ev_status st = need_int_only(fit, "the regression test", err);
    if (st != EV_OK)
        return st;
    if (fit->k < 3)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "the regression test needs at least 3 studies (k = %zu)", fit->k);
    gsl_set_error_handler_off();
    used_data u = {0};
    st = used_collect(&u, fit, err);
    if (st == EV_OK && model == EV_REGTEST_LM) {
        st = regtest_lm(out, &u, fit->opt.level, err);
    } else if (st == EV_OK) {
        ev_rma *f = NULL;
        st = fit_on_sei(&f, &u, &fit->opt, err);
        if (st == EV_OK) {
            *out = (ev_regtest){.model = EV_REGTEST_RMA, .residual_sigma = NAN};
            regtest_from_rma(out, f);
        }
        ev_rma_free(f);
    }
    used_release(&u);
    return st;
}

/* ---- rank correlation test -------------------------------------------------- */

/* Kendall's tau-b and the tie counts of x and y (R's cor(method = "kendall")
 * and cor.test's tie bookkeeping). */
typedef struct kendall {
    double tau, s;           /* tau-b and S = concordant - discordant */
    double n0, tx, ty;       /* pair counts: all, tied in x, tied in y */
    double vt, vu, v1x, v1y, v2x, v2y; /* tie sums for the variance */
    bool ties;
} kendall;

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sums over groups of tied values t: t(t-1)/2, t(t-1)(2t+5), t(t-1),
 * t(t-1)(t-2). `sorted` is modified (sorted). */
static void tie_sums(double *sorted, size_t n, double *pairs, double *v, double *a, double *b)
{
    qsort(sorted, n, sizeof *sorted, dbl_cmp);
    *pairs = *v = *a = *b = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sorted[j] == sorted[i])
            j++;
        double t = (double)(j - i);
        *pairs += t * (t - 1) / 2;
        *v += t * (t - 1) * (2 * t + 5);
        *a += t * (t - 1);
        *b += t * (t - 1) * (t - 2);
        i = j;
    }
}

static ev_status kendall_compute(kendall *kd, const double *x, const double *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = x[i] - x[j], dy = y[i] - y[j];
            s += (double)(((dx > 0) - (dx < 0)) * ((dy > 0) - (dy < 0)));
        }
    double *tmp = ev_calloc(n, sizeof(double));
    if (tmp == NULL)
        return EV_ENOMEM;
    memcpy(tmp, x, n * sizeof(double));
    tie_sums(tmp, n, &kd->tx, &kd->vt, &kd->v1x, &kd->v2x);
    memcpy(tmp, y, n * sizeof(double));
    tie_sums(tmp, n, &kd->ty, &kd->vu, &kd->v1y, &kd->v2y);
    ev_free(tmp);
    kd->n0 = (double)n * (double)(n - 1) / 2;
    kd->s = s;
    kd->tau = s / sqrt((kd->n0 - kd->tx) * (kd->n0 - kd->ty));
    kd->ties = kd->tx > 0 || kd->ty > 0;
    return EV_OK;
}

/* P(T <= q) for Kendall's statistic T (concordant pairs) of n untied
 * observations: the distribution of inversions of a random permutation
 * (R's ckendall/pkendall), built as probabilities to avoid n! overflow. */
static ev_status pkendall(double *out, double q, size_t n)
{
    size_t u = n * (n - 1) / 2;
    double *p = ev_calloc(u + 1, sizeof(double)), *nx = ev_calloc(u + 1, sizeof(double));
    if (p == NULL || nx == NULL) {
        ev_free(p);
        ev_free(nx);
        return EV_ENOMEM;
    }
    p[0] = 1.0;
    for (size_t m = 2; m <= n; m++) {
        size_t um = m * (m - 1) / 2;
        double win = 0; /* sliding sum of p[j-m+1 .. j] */
        for (size_t j = 0; j <= um; j++) {
            win += p[j];
            if (j >= m)
                win -= p[j - m];
            nx[j] = win / (double)m;
        }
        memcpy(p, nx, (um + 1) * sizeof(double));
    }
    double qq = floor(q + 1e-7), acc = 0;
    for (size_t j = 0; j <= u && (double)j <= qq; j++)
        acc += p[j];
    *out = qq < 0 ? 0.0 : (qq > (double)u ? 1.0 : fmin(1.0, acc));
    ev_free(p);
    ev_free(nx);
    return EV_OK;
}

/* Normal approximation with the tie-corrected variance of S (R's
 * cor.test, Kendall 1970 eq. 4.4), no continuity correction. */
static double kendall_normal_p(const kendall *kd, double n)
{
    double var = (n * (n - 1) * (2 * n + 5) - kd->vt - kd->vu) / 18.0 +
                 kd->v1x * kd->v1y / (2 * n * (n - 1)) +
                 kd->v2x * kd->v2y / (9 * n * (n - 1) * (n - 2));
    double S = kd->tau * sqrt((kd->n0 - kd->tx) * (kd->n0 - kd->ty));
    double z = S / sqrt(var);
    return 2.0 * fmin(gsl_cdf_ugaussian_P(z), gsl_cdf_ugaussian_Q(z));
}

/* Exact p-values are computed up to this k (metafor asks cor.test for the
 * exact test at any k without ties; beyond this the O(k^3) recursion is too
 * slow and the normal approximation is used instead). */
#define EV_RANKTEST_EXACT_MAX 400

static ev_status ranktest_p(ev_ranktest *out, const kendall *kd, size_t n)
{
    double dn = (double)n;
    out->exact = !kd->ties && n <= EV_RANKTEST_EXACT_MAX;
    if (!out->exact) {
        out->pval = kendall_normal_p(kd, dn);
        return EV_OK;
    }
    double q = nearbyint((kd->tau + 1) * dn * (dn - 1) / 4), p;
    bool upper = q > dn * (dn - 1) / 4;
    ev_status st = pkendall(&p, upper ? q - 1 : q, n);
    if (st != EV_OK)
        return st;
    out->pval = fmin(2.0 * (upper ? 1.0 - p : p), 1.0);
    return EV_OK;
}

ev_status ev_ranktest_compute(ev_ranktest *out, const ev_rma *fit, ev_error *err)
{
    if (fit->k < 3)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "the rank correlation test needs at least 3 studies (k = %zu)",
                            fit->k);
    gsl_set_error_handler_off();
    used_data u = {0};
    ev_status st = used_collect(&u, fit, err);
    if (st != EV_OK)
        goto done;
    double sw = 0, swy = 0;
    for (size_t i = 0; i < u.k; i++) {
        sw += 1.0 / u.vi[i];
        swy += u.yi[i] / u.vi[i];
    }
    double theta = swy / sw, vb = 1.0 / sw;
    double *ystar = ev_calloc(u.k, sizeof(double));
    if (ystar == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < u.k; i++)
        ystar[i] = (u.yi[i] - theta) / sqrt(u.vi[i] - vb);
    kendall kd = {0};
    st = kendall_compute(&kd, ystar, u.vi, u.k);
    if (st == EV_OK) {
        out->tau = kd.tau;
        st = ranktest_p(out, &kd, u.k);
    }
    ev_free(ystar);
    if (st != EV_OK)
        ev_error_set(err, st, NULL, 0, 0, "out of memory");
done:
    used_release(&u);
    return st;
}

/* ---- trim and fill ---------------------------------------------------------- */

/* A value with its position, sorted by value then position (R's stable
 * sort and rank(ties.method = "first")). Thread-safe, unlike a qsort key
 * kept in a static. */
typedef struct keyed {
    double key;
    size_t pos;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

typedef struct tf_state {
    size_t k;
    double *y, *v;   /* sorted (side-flipped) effects and variances */
    keyed *tmp;      /* scratch for sorting */
    double *c;       /* centred values */
    size_t *rank;    /* ranks of |c| */
} tf_state;

/* Ranks of |c| with ties.method = "first" (R's rank). `tmp` has k slots. */
static void abs_ranks(tf_state *s, keyed *tmp)
{
    for (size_t i = 0; i < s->k; i++)
        tmp[i] = (keyed){fabs(s->c[i]), i};
    qsort(tmp, s->k, sizeof *tmp, keyed_cmp);
    for (size_t r = 0; r < s->k; r++)
        s->rank[tmp[r].pos] = r + 1;
}

/* One estimate of k0 (Duval & Tweedie 2000, eqs. for L0 and R0) from the
 * signed ranks of the centred effects. */
static double tf_k0(const tf_state *s, ev_trimfill_estimator est, double *se_k0)
{
    double k = (double)s->k;
    if (est == EV_TRIMFILL_R0) {
        double maxneg = 0;
        for (size_t i = 0; i < s->k; i++)
            if (s->c[i] < 0 && (double)s->rank[i] > maxneg)
                maxneg = (double)s->rank[i];
        double k0 = (k - maxneg) - 1;
        *se_k0 = sqrt(2 * fmax(0.0, k0) + 2);
        return k0;
    }
    double sr = 0;
    for (size_t i = 0; i < s->k; i++)
        if (s->c[i] > 0)
            sr += (double)s->rank[i];
    double k0 = (4 * sr - k * (k + 1)) / (2 * k - 1);
    double var = (k * (k + 1) * (2 * k + 1) + 10 * k0 * k0 * k0 + 27 * k0 * k0 + 17 * k0 -
                  18 * k * k0 * k0 - 18 * k * k0 + 6 * k * k * k0) / 24.0;
    *se_k0 = 4 * sqrt(var) / (2 * k - 1);
    return k0;
}

/* Intercept-only estimate on the first n sorted studies. */
static ev_status tf_beta(double *beta, const tf_state *s, size_t n, const ev_synth_options *opt,
                         ev_error *err)
{
    ev_rma *f = NULL;
    ev_status st = ev_rma_fit(&f, s->y, s->v, n, NULL, opt, err);
    if (st == EV_OK)
        *beta = f->beta[0];
    ev_rma_free(f);
    return st;
}

/* Iterate trimming until k0 is stable (metafor's loop, at most 100 times). */
static ev_status tf_iterate(ev_trimfill *tf, tf_state *s, const ev_synth_options *opt,
                            double *beta, ev_error *err)
{
    size_t k0 = 0;
    for (size_t iter = 1;; iter++) {
        if (iter > 100)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "trim and fill did not converge after 100 iterations");
        ev_status st = tf_beta(beta, s, s->k - k0, opt, err);
        if (st != EV_OK)
            return st;
        for (size_t i = 0; i < s->k; i++)
            s->c[i] = s->y[i] - *beta;
        abs_ranks(s, s->tmp);
        double se_k0, k0d = tf_k0(s, tf->estimator, &se_k0);
        size_t next = (size_t)fmax(0.0, nearbyint(k0d));
        tf->se_k0 = fmax(0.0, se_k0);
        if (next >= s->k)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "trim and fill estimated that every study is missing");
        bool done = next == k0;
        k0 = next;
        if (done)
            break;
    }
    tf->k0 = k0;
    return EV_OK;
}

static ev_status tf_side(ev_trimfill_side *side, const used_data *u, const ev_synth_options *o,
                         ev_error *err)
{
    ev_synth_options opt = *o;
    ev_rma *f = NULL;
    opt.test = EV_TEST_Z;
    ev_status st = fit_on_sei(&f, u, &opt, err);
    if (st == EV_OK)
        *side = f->beta[1] < 0 ? EV_SIDE_RIGHT : EV_SIDE_LEFT;
    ev_rma_free(f);
    return st;
}

/* The augmented data: every input study (as the fit had them), then the k0
 * mirror images 2*beta - y of the most extreme studies on the sorted side. */
static ev_status tf_augment(ev_trimfill *tf, const ev_rma *fit, const tf_state *s, double beta,
                            ev_error *err)
{
    size_t n = fit->k_all + tf->k0;
    double *y = ev_calloc(n, sizeof(double)), *v = ev_calloc(n, sizeof(double));
    tf->fill = ev_calloc(n, sizeof(bool));
    ev_status st = EV_OK;
    if (y == NULL || v == NULL || tf->fill == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    memcpy(y, fit->yi, fit->k_all * sizeof(double));
    memcpy(v, fit->vi, fit->k_all * sizeof(double));
    double sign = tf->side == EV_SIDE_RIGHT ? -1.0 : 1.0;
    for (size_t j = 0; j < tf->k0; j++) {
        size_t i = s->k - tf->k0 + j;
        y[fit->k_all + j] = sign * (2 * beta - s->y[i]);
        v[fit->k_all + j] = s->v[i];
        tf->fill[fit->k_all + j] = true;
    }
    ev_synth_options opt = fit->opt;
    if (tf->k0 > 0)
        opt.test = EV_TEST_Z; /* metafor refits the augmented data with its default test */
    st = ev_rma_fit(&tf->fit, y, v, n, NULL, &opt, err);
done:
    ev_free(y);
    ev_free(v);
    return st;
}

static ev_status tf_state_init(tf_state *s, const used_data *u, ev_trimfill_side side)
{
    s->k = u->k;
    s->y = ev_calloc(u->k, sizeof(double));
    s->v = ev_calloc(u->k, sizeof(double));
    s->c = ev_calloc(u->k, sizeof(double));
    s->tmp = ev_calloc(u->k, sizeof(keyed));
    s->rank = ev_calloc(u->k, sizeof(size_t));
    if (!s->y || !s->v || !s->c || !s->tmp || !s->rank)
        return EV_ENOMEM;
    double sign = side == EV_SIDE_RIGHT ? -1.0 : 1.0;
    for (size_t i = 0; i < u->k; i++)
        s->tmp[i] = (keyed){sign * u->yi[i], i};
    qsort(s->tmp, u->k, sizeof(keyed), keyed_cmp);
    for (size_t i = 0; i < u->k; i++) {
        s->y[i] = s->tmp[i].key;
        s->v[i] = u->vi[s->tmp[i].pos];
    }
    return EV_OK;
}

static void tf_state_release(tf_state *s)
{
    ev_free(s->y);
    ev_free(s->v);
    ev_free(s->c);
    ev_free(s->tmp);
    ev_free(s->rank);
}

void ev_trimfill_free(ev_trimfill *tf)
{
    if (tf == NULL)
        return;
    ev_rma_free(tf->fit);
    ev_free(tf->fill);
    ev_free(tf);
}

ev_status ev_trimfill_run(ev_trimfill **out, const ev_rma *fit, ev_trimfill_estimator est,
                          ev_trimfill_side side, ev_error *err)
{
    *out = NULL;
    ev_status st = need_int_only(fit, "trim and fill", err);
    if (st != EV_OK)
        return st;
    if (fit->k < 2)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "trim and fill needs k > 1");
    gsl_set_error_handler_off();
    used_data u = {0};
    tf_state s = {0};
    double beta = NAN;
    ev_trimfill *tf = ev_calloc(1, sizeof *tf);
    if (tf == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    tf->estimator = est;
    st = used_collect(&u, fit, err);
    if (st == EV_OK && side == EV_SIDE_AUTO)
        st = tf_side(&side, &u, &fit->opt, err);
    tf->side = side;
    if (st == EV_OK && tf_state_init(&s, &u, side) != EV_OK)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EV_OK)
        st = tf_iterate(tf, &s, &fit->opt, &beta, err);
    if (st == EV_OK)
        st = tf_augment(tf, fit, &s, beta, err);
    /* Duval & Tweedie's R0 test: P(R0 >= k0) under no missing studies. */
    tf->p_k0 = est == EV_TRIMFILL_R0 ? pow(0.5, (double)tf->k0 + 1) : NAN;
    tf_state_release(&s);
    used_release(&u);
    if (st != EV_OK) {
        ev_trimfill_free(tf);
        return st;
    }
    *out = tf;
    return EV_OK;
}
