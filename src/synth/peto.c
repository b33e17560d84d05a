/*
 * peto.c - Peto's one-step odds ratio (Yusuf, Peto, Lewis, Collins & Sleight
 * 1985), as metafor's rma.peto (3.8-1): the pooled log OR is
 * sum(O - E) / sum(V) with O the a-cell, E = (a+c)(a+b)/N its expectation
 * and V its hypergeometric variance; heterogeneity is Q = sum (O-E)^2/V -
 * (sum(O-E))^2 / sum V over the tables with V > 0.
 */
#include "evident/ev_synth.h"
#include "mh_int.h"

#include <gsl/gsl_errno.h>

/* Pool and compute Q from O - E and V; false when sum V = 0 (one outcome
 * never occurred). */
static bool peto_pool(ev_rma_mh *fit, const mh_tabs *t)
{
    double sum_oe = 0, sum_v = 0, q = 0;
    size_t kpos = 0;
    for (size_t i = 0; i < t->k; i++) {
        double a = t->a[i], b = t->b[i], c = t->c[i], d = t->d[i];
        double n1 = a + b, n2 = c + d, n = n1 + n2, xt = a + c, yt = b + d;
        double e = xt * n1 / n;
        double v = xt * yt * (n1 / n) * (n2 / n) / (n - 1);
        sum_oe += a - e;
        sum_v += v;
        if (v > 0) {
            q += (a - e) * (a - e) / v;
            kpos++;
        }
    }
    if (!(sum_v > 0))
        return false;
    fit->beta = sum_oe / sum_v;
    fit->se = sqrt(1.0 / sum_v);
    fit->QE = fmax(0.0, q - sum_oe * sum_oe / sum_v);
    fit->k_pos = kpos;
    return true;
}

/* QEp, I2, H2 with k_yi - 1 df, and the fit statistics from yi/vi. */
static void peto_heterogeneity(ev_rma_mh *fit)
{
    double rss = 0;
    for (size_t i = 0; i < fit->k_all; i++)
        if (!isnan(fit->yi[i])) {
            double r = fit->yi[i] - fit->beta;
            rss += r * r / fit->vi[i];
        }
    fit->QEdf = fit->k_yi > 0 ? fit->k_yi - 1 : 0;
    if (fit->k_pos > 1 && fit->k_yi > 1) {
        double df = (double)fit->QEdf;
        fit->QEp = ev__mh_chisq_p(fit->QE, df);
        fit->I2 = fit->QE > 0 ? fmax(0.0, 100.0 * (fit->QE - df) / fit->QE) : 0.0;
        fit->H2 = fit->QE / df;
    } else {
        fit->QEp = 1;
        fit->I2 = 0;
        fit->H2 = 1;
    }
    if (fit->k_yi >= 1)
        ev__mh_fit_stats(fit, rss);
}

ev_status ev_rma_peto_fit(ev_rma_mh **out, const ev_synth_data *data, const ev_synth_options *opt,
                          ev_error *err)
{
    *out = NULL;
    ev_status st = ev__mh_check_level(opt->level, err);
    if (st != EV_OK)
        return st;
    gsl_set_error_handler_off();
    mh_tabs t = {0};
    ev_rma_mh *fit = ev__mh_new(data->k, EV_MEASURE_PETO, opt->level);
    if (fit == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    st = ev__mh_escalc(fit, data, opt, EV_MEASURE_PETO, err);
    if (st == EV_OK)
        st = ev__mh_tabs_collect(&t, fit, data, false);
    if (st == EV_ENOMEM)
        ev_error_set(err, st, NULL, 0, 0, "out of memory");
    if (st != EV_OK)
        goto done;
    fit->k = t.k;
    if (t.k == 0) {
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no table without missing cells (k = 0)");
        goto done;
    }
    if (!peto_pool(fit, &t)) {
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                          "one of the two outcomes never occurred in any table: "
                          "peto's method cannot be used");
        goto done;
    }
    ev__mh_set_ci(fit);
    peto_heterogeneity(fit);
done:
    ev__mh_tabs_release(&t);
    if (st != EV_OK) {
        ev_rma_mh_free(fit);
        return st;
    }
    *out = fit;
    return EV_OK;
}
