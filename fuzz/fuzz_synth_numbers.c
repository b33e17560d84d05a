/* fuzz_synth_numbers.c - arbitrary study data through the synth engine:
 * the first bytes choose the measure, estimator, test and continuity
 * correction, the rest become up to 40 studies of small numbers (counts,
 * means, SDs, correlations, yi/vi; some NaN). escalc, rma, predict and the
 * confidence intervals must return a status without crashing or leaking,
 * and a fit that succeeds must have a finite estimate and tau2 >= 0. */
#include "evident/ev_synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXK 40

static const ev_synth_measure measures[] = {
    EV_MEASURE_GEN, EV_MEASURE_RR, EV_MEASURE_OR, EV_MEASURE_RD, EV_MEASURE_AS,
    EV_MEASURE_PETO, EV_MEASURE_IRR, EV_MEASURE_IRD, EV_MEASURE_IRSD, EV_MEASURE_MD,
    EV_MEASURE_SMD, EV_MEASURE_SMDH, EV_MEASURE_ROM, EV_MEASURE_CVR, EV_MEASURE_VR,
    EV_MEASURE_PR, EV_MEASURE_PLN, EV_MEASURE_PLO, EV_MEASURE_PAS, EV_MEASURE_PFT,
    EV_MEASURE_COR, EV_MEASURE_UCOR, EV_MEASURE_ZCOR, EV_MEASURE_MC, EV_MEASURE_SMCC};

typedef struct cols {
    double c[8][MAXK];
} cols;

/* One value from two bytes: 0xffff is NaN (missing), else 0..655.34. */
static double val(const uint8_t *p)
{
    unsigned v = (unsigned)p[0] << 8 | p[1];
    return v == 0xffff ? NAN : v / 100.0;
}

static void run_fit(const ev_escalc *es, const ev_synth_options *o, const uint8_t *data)
{
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_rma_fit_escalc(&f, es, NULL, o, &err) != EV_OK)
        return;
    if (!isfinite(f->beta[0]) || !(f->tau2 >= 0) || !isfinite(f->tau2))
        abort();
    ev_rma_pred pr;
    if (ev_rma_predict(&pr, f, NULL, 1, (ev_synth_transf)(data[3] % 6), 10.0, &err) != EV_OK)
        abort(); /* intercept-only predictions cannot fail */
    ev_rma_confint ci;
    ev_status st = ev_rma_confint_compute(&ci, f, (ev_confint_type)(data[3] & 1), &err);
    if (st == EV_OK && !(ci.tau2.lb >= 0 && ci.tau2.lb <= ci.tau2.ub))
        abort();
    ev_rma_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    ev_synth_options o;
    ev_synth_options_init(&o);
    o.measure = measures[data[0] % (sizeof measures / sizeof measures[0])];
    o.method = (ev_synth_method)(data[1] % 10);
    o.test = (ev_synth_test)((data[1] / 10) % 4);
    o.to = (ev_synth_to)(data[2] % 4);
    o.drop00 = data[2] & 4;
    if (data[2] & 8)
        o.add = 0.0;
    size_t k = (size - 4) / 16;
    if (k == 0)
        return 0;
    if (k > MAXK)
        k = MAXK;
    cols c;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < 8; j++)
            c.c[j][i] = val(data + 4 + 16 * i + 2 * j);
    /* correlations in [-1, 1]: scale the value */
    double r[MAXK];
    for (size_t i = 0; i < k; i++)
        r[i] = isnan(c.c[6][i]) ? NAN : fmod(c.c[6][i], 2.0) - 1.0;
    ev_synth_data d = {
        .k = k, .ai = c.c[0], .bi = c.c[1], .ci = c.c[2], .di = c.c[3],
        .x1i = c.c[0], .t1i = c.c[4], .x2i = c.c[2], .t2i = c.c[5],
        .m1i = c.c[0], .sd1i = c.c[1], .n1i = c.c[4], .m2i = c.c[2], .sd2i = c.c[3],
        .n2i = c.c[5], .xi = c.c[0], .ni = c.c[4], .ri = r,
        .yi = c.c[7], .vi = c.c[1]};
    ev_escalc *es = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_escalc_compute(&es, &d, &o, &err) == EV_OK)
        run_fit(es, &o, data);
    ev_escalc_free(es);
    return 0;
}
