/*
 * pool.c - pooled event proportions for the safety tables.
 *
 * Method: Freeman-Tukey double-arcsine transform (Freeman & Tukey 1950,
 * Ann Math Stat 21:607; metafor's escalc measure "PFT": yi = 1/2 (asin
 * sqrt(x/(n+1)) + asin sqrt((x+1)/(n+1))), vi = 1/(4n + 2)), a random-
 * effects model with REML tau^2 (Viechtbauer 2005), and back-transformation
 * with Miller's (1978, Am Stat 32:138) inversion at the harmonic mean of
 * the sample sizes (metafor's transf.ipft.hm). The transform is finite at
 * x = 0 and x = n, so zero-event studies need no continuity correction and
 * all-zero sets give a pooled estimate of 0 rather than NaN; Schwarzer et
 * al. (2019, Res Synth Methods 10:476) warn that the back-transformation
 * can mislead when the n differ a lot, which docs/internals/chart.md notes.
 */
#include "chart_int.h"

#include "evident/ev_synth.h"

static ev_status check_input(const double *xi, const double *ni, size_t k, ev_error *err)
{
    if (k == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no studies to pool");
    for (size_t i = 0; i < k; i++) {
        if (!(ni[i] >= 1) || !(xi[i] >= 0) || xi[i] > ni[i] || !isfinite(ni[i]))
            return ev_error_set(err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: needs 0 \u2264 events \u2264 total and total \u2265 1, "
                                "got %g/%g",
                                i + 1, xi[i], ni[i]);
    }
    return EV_OK;
}

static ev_status fit_pft(ev_chart_pooled *out, const double *xi, const double *ni, size_t k,
                         ev_error *err)
{
    ev_synth_options opt;
    ev_synth_options_init(&opt);
    opt.measure = EV_MEASURE_PFT;
    opt.method = k == 1 ? EV_METHOD_EE : EV_METHOD_REML;
    ev_synth_data d = {.k = k, .xi = xi, .ni = ni};
    ev_escalc *es = NULL;
    ev_rma *fit = NULL;
    ev_status st = ev_escalc_compute(&es, &d, &opt, err);
    if (st == EV_OK)
        st = ev_rma_fit_escalc(&fit, es, NULL, &opt, err);
    if (st == EV_OK) {
        double inv = 0;
        for (size_t i = 0; i < k; i++)
            inv += 1.0 / ni[i];
        ev_rma_pred pr;
        st = ev_rma_predict(&pr, fit, NULL, 1, EV_TRANSF_IPFT_HM, (double)k / inv, err);
        out->est = pr.pred;
        out->ci_lb = pr.ci_lb;
        out->ci_ub = pr.ci_ub;
        out->tau2 = fit->tau2;
        out->I2 = fit->I2;
    }
    ev_rma_free(fit);
    ev_escalc_free(es);
    return st;
}

static double clamp01(double x)
{
    return isnan(x) ? x : x < 0 ? 0 : x > 1 ? 1 : x;
}

ev_status ev_chart_pool_proportions(ev_chart_pooled *out, const double *xi, const double *ni,
                                    size_t k, ev_error *err)
{
    memset(out, 0, sizeof *out);
    ev_status st = check_input(xi, ni, k, err);
    if (st != EV_OK)
        return st;
    out->k = k;
    for (size_t i = 0; i < k; i++) {
        out->events += xi[i];
        out->total += ni[i];
    }
    if ((st = fit_pft(out, xi, ni, k, err)) != EV_OK)
        return st;
    out->est = clamp01(out->est);
    out->ci_lb = clamp01(out->ci_lb);
    out->ci_ub = clamp01(out->ci_ub);
    if (isnan(out->est) || isnan(out->ci_lb) || isnan(out->ci_ub))
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "pooled proportion is not a number");
    return EV_OK;
}
