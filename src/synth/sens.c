/*
 * sens.c - sensitivity analyses of an intercept-only model, as metafor
 * 3.8-1: leave-one-out (leave1out.rma.uni; Viechtbauer & Cheung 2010) and
 * cumulative meta-analysis (cumul.rma.uni; Lau et al. 1992). Each row is a
 * refit with the model's own options (method, test, level, control); a refit
 * that fails leaves its row empty, as metafor's try() does.
 */
#include "evident/ev_synth.h"

static ev_sens *sens_new(size_t n, bool stat_is_t)
{
    ev_sens *s = ev_calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->n = n;
    s->stat_is_t = stat_is_t;
    s->rows = ev_calloc(n ? n : 1, sizeof *s->rows);
    if (s->rows == NULL) {
        ev_free(s);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        ev_sens_row *r = &s->rows[i];
        r->study = i;
        r->ok = false;
        r->estimate = r->se = r->stat = r->pval = r->ci_lb = r->ci_ub = NAN;
        r->Q = r->Qp = r->tau2 = r->I2 = r->H2 = NAN;
    }
    return s;
}

void ev_sens_free(ev_sens *s)
{
    if (s == NULL)
        return;
    ev_free(s->rows);
    ev_free(s);
}

/* Refit on y/v (length n) and fill row r; only out-of-memory is an error. */
static ev_status refit_row(ev_sens_row *r, const double *y, const double *v, size_t n,
                           const ev_synth_options *opt, ev_error *err)
{
    ev_error sub = EV_ERROR_INIT;
    ev_rma *f = NULL;
    ev_status st = ev_rma_fit(&f, y, v, n, NULL, opt, &sub);
    if (st == EV_ENOMEM)
        return ev_error_set(err, st, NULL, 0, 0, "out of memory");
    if (st != EV_OK)
        return EV_OK;
    r->ok = true;
    r->estimate = f->beta[0];
    r->se = f->se[0];
    r->stat = f->stat[0];
    r->pval = f->pval[0];
    r->ci_lb = f->ci_lb[0];
    r->ci_ub = f->ci_ub[0];
    r->Q = f->QE;
    r->Qp = f->QEp;
    r->tau2 = f->tau2;
    r->I2 = f->I2;
    r->H2 = f->H2;
    ev_rma_free(f);
    return EV_OK;
}

static ev_status check_fit(const ev_rma *fit, const char *what, ev_error *err)
{
    if (!fit->intercept_only)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "%s needs a model without moderators", what);
    return EV_OK;
}

ev_status ev_leave1out_run(ev_sens **out, const ev_rma *fit, ev_error *err)
{
    *out = NULL;
    ev_status st = check_fit(fit, "leave-one-out", err);
    if (st != EV_OK)
        return st;
    if (fit->k < 2)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "leave-one-out needs k > 1");
    size_t n = fit->k_all;
    ev_sens *s = sens_new(n, fit->stat_is_t);
    double *y = ev_calloc(n, sizeof(double)), *v = ev_calloc(n, sizeof(double));
    if (s == NULL || y == NULL || v == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n && st == EV_OK; i++) {
        if (!fit->used[i])
            continue;
        size_t m = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i) {
                y[m] = fit->yi[j];
                v[m] = fit->vi[j];
                m++;
            }
        st = refit_row(&s->rows[i], y, v, m, &fit->opt, err);
    }
done:
    ev_free(y);
    ev_free(v);
    if (st != EV_OK) {
        ev_sens_free(s);
        return st;
    }
    *out = s;
    return EV_OK;
}

typedef struct order_key {
    double key;
    size_t pos;
} order_key;

/* Ascending, missing keys last, ties in input order (R's order()). */
static int order_cmp(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    bool nx = isnan(x->key), ny = isnan(y->key);
    if (nx != ny)
        return nx ? 1 : -1;
    if (!nx && x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static ev_status cumul_rows(ev_sens *s, const ev_rma *fit, const order_key *ord, ev_error *err)
{
    size_t n = fit->k_all;
    double *y = ev_calloc(n, sizeof(double)), *v = ev_calloc(n, sizeof(double));
    ev_status st = EV_OK;
    if (y == NULL || v == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < n; j++) {
        size_t i = ord[j].pos;
        y[j] = fit->yi[i];
        v[j] = fit->vi[i];
        s->rows[j].study = i;
    }
    for (size_t j = 0; j < n && st == EV_OK; j++)
        if (fit->used[ord[j].pos])
            st = refit_row(&s->rows[j], y, v, j + 1, &fit->opt, err);
done:
    ev_free(y);
    ev_free(v);
    return st;
}

ev_status ev_cumul_run(ev_sens **out, const ev_rma *fit, const double *key, ev_error *err)
{
    *out = NULL;
    ev_status st = check_fit(fit, "cumulative meta-analysis", err);
    if (st != EV_OK)
        return st;
    size_t n = fit->k_all;
    ev_sens *s = sens_new(n, fit->stat_is_t);
    order_key *ord = ev_calloc(n ? n : 1, sizeof *ord);
    if (s == NULL || ord == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = (order_key){key ? key[i] : (double)i, i};
    qsort(ord, n, sizeof *ord, order_cmp);
    st = cumul_rows(s, fit, ord, err);
done:
    ev_free(ord);
    if (st != EV_OK) {
        ev_sens_free(s);
        return st;
    }
    *out = s;
    return EV_OK;
}
