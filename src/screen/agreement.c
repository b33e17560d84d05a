/*
 * agreement.c - inter-rater agreement of two reviewers: percent agreement,
 * Cohen's kappa (Cohen 1960) with the large-sample standard error of
 * Fleiss, Cohen & Everitt (1969, Psychol Bull 72:323, eq. 13; the ASE that
 * SAS PROC FREQ prints) and PABAK (Byrt, Bishop & Carlin 1993).
 */
#include "screen_int.h"

#include <math.h>

/* FCE 1969: var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - k))^2
 *   + (1 - k)^2 sum_{i != j} p_ij (p_.i + p_j.)^2 - (k - p_e (1 - k))^2]
 *   / (n (1 - p_e)^2) */
static double kappa_se(const double *p, const double *row, const double *col, size_t k,
                       double kappa, double pe, double n)
{
    double a = 0, b = 0;
    for (size_t i = 0; i < k; i++) {
        double t = 1 - (row[i] + col[i]) * (1 - kappa);
        a += p[i * k + i] * t * t;
        for (size_t j = 0; j < k; j++)
            if (i != j)
                b += p[i * k + j] * (col[i] + row[j]) * (col[i] + row[j]);
    }
    double c = kappa - pe * (1 - kappa);
    double var = (a + (1 - kappa) * (1 - kappa) * b - c * c) / (n * (1 - pe) * (1 - pe));
    return var > 0 ? sqrt(var) : 0;
}

ev_status ev_screen_kappa(ev_screen_agreement *out, const uint64_t *table, size_t k, ev_error *err)
{
    *out = (ev_screen_agreement){0};
    if (k < 2 || k > 16)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "agreement needs 2 to 16 categories");
    double n = 0, p[256], row[16] = {0}, col[16] = {0};
    for (size_t i = 0; i < k * k; i++)
        n += (double)table[i];
    if (n == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no item was rated by both reviewers");
    double po = 0, pe = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            p[i * k + j] = (double)table[i * k + j] / n;
            row[i] += p[i * k + j];
            col[j] += p[i * k + j];
        }
    for (size_t i = 0; i < k; i++) {
        po += p[i * k + i];
        pe += row[i] * col[i];
    }
    out->n = (size_t)n;
    out->p_observed = po;
    out->p_expected = pe;
    out->pabak = ((double)k * po - 1) / ((double)k - 1);
    if (pe >= 1) {
        out->kappa = out->se = out->ci_low = out->ci_high = NAN;
        return EV_OK;
    }
    out->kappa = (po - pe) / (1 - pe);
    out->se = kappa_se(p, row, col, k, out->kappa, pe, n);
    out->ci_low = out->kappa - 1.959963984540054 * out->se;
    out->ci_high = out->kappa + 1.959963984540054 * out->se;
    return EV_OK;
}
