/*
 * predict.c - predict.rma: fitted values with confidence and prediction
 * intervals (Riley et al. 2011, with metafor's choice of critical value:
 * N(0,1) for z tests, t(k - p) otherwise), and metafor's back-transforms.
 */
#include "synth_int.h"

ev_synth_transf ev_synth_measure_transf(ev_synth_measure m)
{
    switch (m) {
    case EV_MEASURE_RR: case EV_MEASURE_OR: case EV_MEASURE_PETO: case EV_MEASURE_IRR:
    case EV_MEASURE_ROM: case EV_MEASURE_PLN: case EV_MEASURE_CVR: case EV_MEASURE_VR:
        return EV_TRANSF_EXP;
    case EV_MEASURE_PLO:
        return EV_TRANSF_ILOGIT;
    case EV_MEASURE_ZCOR:
        return EV_TRANSF_ZTOR;
    case EV_MEASURE_PAS:
        return EV_TRANSF_IARCSIN;
    case EV_MEASURE_PFT:
        return EV_TRANSF_IPFT_HM;
    default:
        return EV_TRANSF_NONE;
    }
}

/* transf.pft: the Freeman-Tukey transform of a proportion p with n. */
static double pft(double p, double n)
{
    double x = p * n;
    return 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1))));
}

/* transf.ipft (Miller 1978): inverse of the Freeman-Tukey transform. */
static double ipft(double x, double n)
{
    if (x > pft(1.0, n))
        return 1.0;
    if (x < pft(0.0, n))
        return 0.0;
    double s = sin(2 * x), c = cos(2 * x);
    double t = s + (s - 1 / s) / n;
    double sgn = c > 0 ? 1.0 : (c < 0 ? -1.0 : 0.0);
    return 0.5 * (1 - sgn * sqrt(1 - t * t));
}

double ev_synth_transform(ev_synth_transf t, double x, double hm_n)
{
    if (isnan(x))
        return x;
    switch (t) {
    case EV_TRANSF_EXP:
        return exp(x);
    case EV_TRANSF_ILOGIT:
        return 1.0 / (1.0 + exp(-x));
    case EV_TRANSF_ZTOR:
        return tanh(x);
    case EV_TRANSF_IARCSIN:
        if (x < 0)
            return 0.0;
        if (x > asin(1.0))
            return 1.0;
        return sin(x) * sin(x);
    case EV_TRANSF_IPFT_HM:
        return ipft(x, hm_n);
    default:
        return x;
    }
}

static void predict_one(ev_rma_pred *o, const ev_rma *f, const double *xrow,
                        ev_synth_transf transf, double hm_n)
{
    size_t p = f->p;
    double pred = 0.0, var = 0.0;
    for (size_t r = 0; r < p; r++) {
        pred += xrow[r] * f->beta[r];
        for (size_t c = 0; c < p; c++)
            var += xrow[r] * f->vcov[r * p + c] * xrow[c];
    }
    double crit = ev__crit(f->opt.test, f->opt.level, (double)(f->k - p));
    o->pred = pred;
    o->se = sqrt(var);
    o->ci_lb = pred - crit * o->se;
    o->ci_ub = pred + crit * o->se;
    bool ee = (f->opt.method == EV_METHOD_EE || f->opt.method == EV_METHOD_FE) &&
              isnan(f->opt.tau2_fixed);
    o->pi_lb = ee ? NAN : pred - crit * sqrt(var + f->tau2);
    o->pi_ub = ee ? NAN : pred + crit * sqrt(var + f->tau2);
    o->pi_df = f->stat_is_t ? (double)(f->k - p) : NAN;
    if (transf != EV_TRANSF_NONE) {
        o->pred = ev_synth_transform(transf, o->pred, hm_n);
        o->ci_lb = ev_synth_transform(transf, o->ci_lb, hm_n);
        o->ci_ub = ev_synth_transform(transf, o->ci_ub, hm_n);
        o->pi_lb = ev_synth_transform(transf, o->pi_lb, hm_n);
        o->pi_ub = ev_synth_transform(transf, o->pi_ub, hm_n);
    }
}

ev_status ev_rma_predict(ev_rma_pred *out, const ev_rma *fit, const double *newmods,
                         size_t nnew, ev_synth_transf transf, double hm_n, ev_error *err)
{
    size_t p = fit->p;
    if (p > 1 && !newmods)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "predicting from a model with moderators needs their values");
    if (p == 1 && nnew == 0)
        nnew = 1;
    double *xrow = ev_calloc(p, sizeof(double));
    if (!xrow)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < nnew; i++) {
        xrow[0] = 1.0;
        for (size_t j = 1; j < p; j++)
            xrow[j] = newmods[i * (p - 1) + j - 1];
        predict_one(&out[i], fit, xrow, transf, hm_n);
    }
    ev_free(xrow);
    return EV_OK;
}
