/*
 * mh.c - Mantel-Haenszel pooled estimates for 2x2 tables (OR, RR, RD) and
 * person-time data (IRR, IRD), with the Cochran-Mantel-Haenszel, Breslow-Day
 * and Tarone tests, as metafor's rma.mh (3.8-1) computes them.
 *
 * The pooled estimate uses the raw tables (no continuity correction, as
 * metafor's default add = c(1/2, 0), to = c("only0", "none")); the per-study
 * yi/vi from escalc (with opt->add/to/drop00) serve only the heterogeneity
 * statistics. References: Mantel & Haenszel 1959 (estimator); Robins,
 * Breslow & Greenland 1986 (variance of the log OR); Greenland & Robins 1985
 * (variances of the log RR and RD, person-time versions); Breslow & Day 1980
 * and Tarone 1985 (homogeneity of the OR).
 */
#include "evident/ev_synth.h"
#include "mh_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

static bool is_pt(ev_synth_measure m)
{
    return m == EV_MEASURE_IRR || m == EV_MEASURE_IRD;
}

static double col_at(const double *col, size_t i)
{
    return col ? col[i] : NAN;
}

ev_status ev__mh_warn(ev_rma_mh *fit, const char *text)
{
    char **w = ev_reallocarray(fit->warnings, fit->n_warnings + 1, sizeof *w);
    if (w == NULL)
        return EV_ENOMEM;
    fit->warnings = w;
    w[fit->n_warnings] = ev_strdup(text);
    if (w[fit->n_warnings] == NULL)
        return EV_ENOMEM;
    fit->n_warnings++;
    return EV_OK;
}

void ev__mh_tabs_release(mh_tabs *t)
{
    ev_free(t->a);
    ev_free(t->b);
    ev_free(t->c);
    ev_free(t->d);
}

/* Cell values of study i, or false when one is missing. */
static bool study_cells(const ev_synth_data *d, bool pt, size_t i, double v[4])
{
    if (pt) {
        v[0] = col_at(d->x1i, i);
        v[1] = col_at(d->t1i, i);
        v[2] = col_at(d->x2i, i);
        v[3] = col_at(d->t2i, i);
    } else {
        v[0] = col_at(d->ai, i);
        v[2] = col_at(d->ci, i);
        v[1] = d->bi ? d->bi[i] : col_at(d->n1i, i) - v[0];
        v[3] = d->di ? d->di[i] : col_at(d->n2i, i) - v[2];
    }
    return !isnan(v[0]) && !isnan(v[1]) && !isnan(v[2]) && !isnan(v[3]);
}

/* Collect the tables without missing cells (metafor omits the others with
 * a warning). */
ev_status ev__mh_tabs_collect(mh_tabs *t, ev_rma_mh *fit, const ev_synth_data *d, bool pt)
{
    size_t n = d->k;
    t->a = ev_calloc(n ? n : 1, sizeof(double));
    t->b = ev_calloc(n ? n : 1, sizeof(double));
    t->c = ev_calloc(n ? n : 1, sizeof(double));
    t->d = ev_calloc(n ? n : 1, sizeof(double));
    if (!t->a || !t->b || !t->c || !t->d)
        return EV_ENOMEM;
    t->k = 0;
    for (size_t i = 0; i < n; i++) {
        double v[4];
        if (!study_cells(d, pt, i, v))
            continue;
        t->a[t->k] = v[0];
        t->b[t->k] = v[1];
        t->c[t->k] = v[2];
        t->d[t->k] = v[3];
        t->k++;
    }
    if (t->k < n)
        return ev__mh_warn(fit, "Tables with NAs omitted from model fitting.");
    return EV_OK;
}

double ev__mh_chisq_p(double x, double df)
{
    return gsl_cdf_chisq_Q(x, df);
}

void ev__mh_set_ci(ev_rma_mh *fit)
{
    double crit = gsl_cdf_ugaussian_Qinv((1.0 - fit->level / 100.0) / 2.0);
    fit->zval = fit->beta / fit->se;
    fit->pval = 2.0 * gsl_cdf_ugaussian_Q(fabs(fit->zval));
    fit->ci_lb = fit->beta - crit * fit->se;
    fit->ci_ub = fit->beta + crit * fit->se;
}

/* Log odds ratio: MH estimator with the Robins-Breslow-Greenland variance
 * (RBG 1986, eq. 12). */
static bool pool_or(ev_rma_mh *fit, const mh_tabs *t)
{
    double R = 0, S = 0, PR = 0, PSQR = 0, QS = 0;
    for (size_t i = 0; i < t->k; i++) {
        double n = t->a[i] + t->b[i] + t->c[i] + t->d[i];
        double P = t->a[i] / n + t->d[i] / n, Q = t->b[i] / n + t->c[i] / n;
        double Ri = (t->a[i] / n) * t->d[i], Si = (t->b[i] / n) * t->c[i];
        R += Ri;
        S += Si;
        PR += P * Ri;
        PSQR += P * Si + Q * Ri;
        QS += Q * Si;
    }
    if (R == 0 || S == 0)
        return false;
    fit->beta = log(R / S);
    fit->se = sqrt(0.5 * (PR / (R * R) + PSQR / (R * S) + QS / (S * S)));
    return true;
}

/* Log risk ratio (Greenland & Robins 1985). */
static bool pool_rr(ev_rma_mh *fit, const mh_tabs *t)
{
    double R = 0, S = 0, V = 0, sa = 0, sc = 0;
    for (size_t i = 0; i < t->k; i++) {
        double n1 = t->a[i] + t->b[i], n2 = t->c[i] + t->d[i], n = n1 + n2;
        R += t->a[i] * (n2 / n);
        S += t->c[i] * (n1 / n);
        V += (n1 / n) * (n2 / n) * (t->a[i] + t->c[i]) - (t->a[i] / n) * t->c[i];
        sa += t->a[i];
        sc += t->c[i];
    }
    if (sa == 0 || sc == 0)
        return false;
    fit->beta = log(R / S);
    fit->se = sqrt(V / (R * S));
    return true;
}

/* Risk difference (Greenland & Robins 1985, the variance metafor uses). */
static bool pool_rd(ev_rma_mh *fit, const mh_tabs *t)
{
    double num = 0, den = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < t->k; i++) {
        double a = t->a[i], c = t->c[i];
        double n1 = a + t->b[i], n2 = c + t->d[i], n = n1 + n2;
        num += a * (n2 / n) - c * (n1 / n);
        den += n1 * (n2 / n);
        s1 += c * (n1 / n) * (n1 / n) - a * (n2 / n) * (n2 / n) +
              (n1 / n) * (n2 / n) * (n2 - n1) / 2.0;
        s2 += a * (n2 - c) / n + c * (n1 - a) / n;
    }
    if (den == 0)
        return false;
    fit->beta = num / den;
    fit->se = sqrt((fit->beta * s1 + s2 / 2.0) / (den * den));
    return !isnan(fit->se);
}

/* Log incidence rate ratio (Greenland & Robins 1985). */
static bool pool_irr(ev_rma_mh *fit, const mh_tabs *t)
{
    double R = 0, S = 0, V = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < t->k; i++) {
        double x1 = t->a[i], t1 = t->b[i], x2 = t->c[i], t2 = t->d[i], T = t1 + t2;
        R += x1 * (t2 / T);
        S += x2 * (t1 / T);
        V += (t1 / T) * (t2 / T) * (x1 + x2);
        s1 += x1;
        s2 += x2;
    }
    if (s1 == 0 || s2 == 0)
        return false;
    fit->beta = log(R / S);
    fit->se = sqrt(V / (R * S));
    return true;
}

/* Incidence rate difference (Greenland & Robins 1985). */
static bool pool_ird(ev_rma_mh *fit, const mh_tabs *t)
{
    double num = 0, den = 0, v = 0;
    for (size_t i = 0; i < t->k; i++) {
        double x1 = t->a[i], t1 = t->b[i], x2 = t->c[i], t2 = t->d[i], T = t1 + t2;
        double w = (t1 / T) * t2;
        num += (x1 * t2 - x2 * t1) / T;
        den += w;
        v += w * w * (x1 / (t1 * t1) + x2 / (t2 * t2));
    }
    if (den == 0)
        return false;
    fit->beta = num / den;
    fit->se = sqrt(v) / den;
    return true;
}

/* Cochran and Cochran-Mantel-Haenszel tests (OR), continuity-corrected when
 * `correct`; metafor reports both as chi-square statistics on 1 df. */
static void cmh_tests(ev_rma_mh *fit, const mh_tabs *t, bool correct)
{
    double sx = 0, sy = 0, dev = 0, vco = 0, vmh = 0;
    for (size_t i = 0; i < t->k; i++) {
        double n1 = t->a[i] + t->b[i], n2 = t->c[i] + t->d[i], n = n1 + n2;
        double xt = t->a[i] + t->c[i], yt = t->b[i] + t->d[i];
        sx += xt;
        sy += yt;
        dev += t->a[i] - (n1 / n) * xt;
        vco += (n1 / n) * (n2 / n) * (xt * (yt / n));
        vmh += (n1 / n) * (n2 / n) * (xt * (yt / (n - 1)));
    }
    if (sx == 0 || sy == 0)
        return;
    double num = fabs(dev) - (correct ? 0.5 : 0.0);
    fit->CO = num * num / vco;
    fit->COp = ev__mh_chisq_p(fit->CO, 1);
    fit->MH = num * num / vmh;
    fit->MHp = ev__mh_chisq_p(fit->MH, 1);
}

/* Expected a-cell under the common OR psi given the margins: the root of
 * the quadratic of Breslow & Day 1980 (eq. 4.32) that lies in range. */
static double bd_expected(double psi, double n1, double n2, double xt)
{
    if (psi == 1.0)
        return (n1 / (n1 + n2)) * xt;
    double A = psi * (n1 + xt) + (n2 - xt);
    double B = sqrt(A * A - 4.0 * n1 * xt * psi * (psi - 1.0));
    return (A - B) / (2.0 * (psi - 1.0));
}

/* Breslow-Day test and Tarone's correction (Tarone 1985). */
static void bd_tests(ev_rma_mh *fit, const mh_tabs *t)
{
    double psi = exp(fit->beta), bd = 0, dsum = 0, vsum = 0;
    size_t kpos = 0;
    for (size_t i = 0; i < t->k; i++) {
        double n1 = t->a[i] + t->b[i], n2 = t->c[i] + t->d[i], n = n1 + n2;
        double xt = t->a[i] + t->c[i], yt = t->b[i] + t->d[i];
        double e11 = bd_expected(psi, n1, n2, xt);
        if (!(e11 > 0 && xt > 0 && yt > 0))
            continue;
        double e12 = n1 - e11, e21 = xt - e11, e22 = e11 - n1 - xt + n;
        double v = 1.0 / (1.0 / e11 + 1.0 / e12 + 1.0 / e21 + 1.0 / e22);
        double dlt = t->a[i] - e11;
        bd += dlt * dlt / v;
        dsum += dlt;
        vsum += v;
        kpos++;
    }
    fit->k_pos = kpos;
    fit->BD = fmax(0.0, bd);
    fit->TA = fmax(0.0, fit->BD - (kpos ? dsum * dsum / vsum : 0.0));
    if (kpos > 1) {
        fit->BDp = ev__mh_chisq_p(fit->BD, (double)(kpos - 1));
        fit->TAp = ev__mh_chisq_p(fit->TA, (double)(kpos - 1));
    }
}

/* Mantel-Haenszel test for person-time data (continuity-corrected). */
static void irr_test(ev_rma_mh *fit, const mh_tabs *t, bool correct)
{
    double sx = 0, dev = 0, v = 0;
    for (size_t i = 0; i < t->k; i++) {
        double T = t->b[i] + t->d[i], xt = t->a[i] + t->c[i];
        sx += xt;
        dev += t->a[i] - xt * (t->b[i] / T);
        v += xt * (t->b[i] / T) * (t->d[i] / T);
    }
    if (sx == 0)
        return;
    double num = fabs(dev) - (correct ? 0.5 : 0.0);
    fit->MH = num * num / v;
    fit->MHp = ev__mh_chisq_p(fit->MH, 1);
}

ev_rma_mh *ev__mh_new(size_t k_all, ev_synth_measure m, double level)
{
    ev_rma_mh *fit = ev_calloc(1, sizeof *fit);
    if (fit == NULL)
        return NULL;
    fit->measure = m;
    fit->level = level;
    fit->k_all = k_all;
    fit->yi = ev_calloc(k_all ? k_all : 1, sizeof(double));
    fit->vi = ev_calloc(k_all ? k_all : 1, sizeof(double));
    if (fit->yi == NULL || fit->vi == NULL) {
        ev_rma_mh_free(fit);
        return NULL;
    }
    fit->beta = fit->se = fit->zval = fit->pval = fit->ci_lb = fit->ci_ub = NAN;
    fit->CO = fit->COp = fit->MH = fit->MHp = NAN;
    fit->BD = fit->BDp = fit->TA = fit->TAp = NAN;
    return fit;
}

void ev_rma_mh_free(ev_rma_mh *fit)
{
    if (fit == NULL)
        return;
    ev_free(fit->yi);
    ev_free(fit->vi);
    for (size_t i = 0; i < fit->n_warnings; i++)
        ev_free(fit->warnings[i]);
    ev_free(fit->warnings);
    ev_free(fit);
}

/* Per-study yi/vi (escalc) for the heterogeneity statistics; k_yi counts
 * the studies where both are available. */
ev_status ev__mh_escalc(ev_rma_mh *fit, const ev_synth_data *data, const ev_synth_options *opt,
                           ev_synth_measure m, ev_error *err)
{
    ev_synth_options eo = *opt;
    eo.measure = m;
    ev_escalc *es = NULL;
    ev_status st = ev_escalc_compute(&es, data, &eo, err);
    if (st != EV_OK)
        return st;
    fit->k_yi = 0;
    for (size_t i = 0; i < fit->k_all; i++) {
        bool ok = !isnan(es->yi[i]) && !isnan(es->vi[i]);
        fit->yi[i] = ok ? es->yi[i] : NAN;
        fit->vi[i] = ok ? es->vi[i] : NAN;
        fit->k_yi += ok;
    }
    ev_escalc_free(es);
    if (fit->k_yi < fit->k_all)
        return ev__mh_warn(fit, "Some yi/vi values are NA.");
    return EV_OK;
}

/* Fit statistics of the common-effect model on the k_yi studies with
 * residual sum of squares `rss` (metafor's rma.mh/rma.peto fit.stats). */
void ev__mh_fit_stats(ev_rma_mh *fit, double rss)
{
    double n = (double)fit->k_yi, slv = 0, sw = 0;
    for (size_t i = 0; i < fit->k_all; i++) {
        if (isnan(fit->yi[i]))
            continue;
        slv += log(fit->vi[i]);
        sw += 1.0 / fit->vi[i];
    }
    double l2pi = log(2.0 * M_PI);
    double llml = -0.5 * n * l2pi - 0.5 * slv - 0.5 * rss;
    double llre = -0.5 * (n - 1) * l2pi + 0.5 * log(n) - 0.5 * slv - 0.5 * log(sw) - 0.5 * rss;
    double nml = fmax(n, 3.0), nre = fmax(n - 1, 3.0);
    fit->fit_ml = (ev_rma_fitstats){llml, rss, -2 * llml + 2, -2 * llml + log(n),
                                    -2 * llml + 2 * nml / (nml - 2)};
    fit->fit_reml = (ev_rma_fitstats){llre, -2 * llre, -2 * llre + 2, -2 * llre + log(n - 1),
                                      -2 * llre + 2 * nre / (nre - 2)};
}

/* QE, I2, H2 of the k_yi studies around the pooled estimate. */
static void mh_heterogeneity(ev_rma_mh *fit)
{
    double qe = 0;
    for (size_t i = 0; i < fit->k_all; i++)
        if (!isnan(fit->yi[i])) {
            double r = fit->yi[i] - fit->beta;
            qe += r * r / fit->vi[i];
        }
    fit->QEdf = fit->k_yi > 0 ? fit->k_yi - 1 : 0;
    if (fit->k_yi > 1) {
        double df = (double)fit->QEdf;
        fit->QE = fmax(0.0, qe);
        fit->QEp = ev__mh_chisq_p(fit->QE, df);
        fit->I2 = fit->QE > 0 ? fmax(0.0, 100.0 * (fit->QE - df) / fit->QE) : 0.0;
        fit->H2 = fit->QE / df;
    } else {
        fit->QE = 0;
        fit->QEp = 1;
        fit->I2 = 0;
        fit->H2 = 1;
    }
    if (fit->k_yi >= 1)
        ev__mh_fit_stats(fit, qe);
}

ev_status ev__mh_check_level(double level, ev_error *err)
{
    if (!(level > 0 && level < 100))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "level %g is not between 0 and 100",
                            level);
    return EV_OK;
}

static bool mh_pool(ev_rma_mh *fit, const mh_tabs *t)
{
    switch (fit->measure) {
    case EV_MEASURE_OR: return pool_or(fit, t);
    case EV_MEASURE_RR: return pool_rr(fit, t);
    case EV_MEASURE_RD: return pool_rd(fit, t);
    case EV_MEASURE_IRR: return pool_irr(fit, t);
    default: return pool_ird(fit, t);
    }
}

ev_status ev_rma_mh_fit(ev_rma_mh **out, const ev_synth_data *data, const ev_synth_options *opt,
                        bool correct, ev_error *err)
{
    ev_synth_measure m = opt->measure;
    *out = NULL;
    if (m != EV_MEASURE_OR && m != EV_MEASURE_RR && m != EV_MEASURE_RD && !is_pt(m))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "the mantel-haenszel method needs measure OR, RR, RD, IRR or IRD, "
                            "not '%s'", ev_synth_measure_name(m));
    ev_status st = ev__mh_check_level(opt->level, err);
    if (st != EV_OK)
        return st;
    gsl_set_error_handler_off();
    mh_tabs t = {0};
    ev_rma_mh *fit = ev__mh_new(data->k, m, opt->level);
    if (fit == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    st = ev__mh_escalc(fit, data, opt, m, err);
    if (st == EV_OK)
        st = ev__mh_tabs_collect(&t, fit, data, is_pt(m));
    if (st == EV_ENOMEM)
        ev_error_set(err, st, NULL, 0, 0, "out of memory");
    if (st != EV_OK)
        goto done;
    fit->k = t.k;
    if (t.k == 0) {
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no table without missing cells (k = 0)");
        goto done;
    }
    if (!mh_pool(fit, &t)) {
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                          "the mantel-haenszel %s is not defined: no events in one of the groups",
                          ev_synth_measure_name(m));
        goto done;
    }
    ev__mh_set_ci(fit);
    if (m == EV_MEASURE_OR) {
        cmh_tests(fit, &t, correct);
        bd_tests(fit, &t);
    } else if (m == EV_MEASURE_IRR) {
        irr_test(fit, &t, correct);
    }
    mh_heterogeneity(fit);
done:
    ev__mh_tabs_release(&t);
    if (st != EV_OK) {
        ev_rma_mh_free(fit);
        return st;
    }
    *out = fit;
    return EV_OK;
}
