/*
 * escalc.c - effect sizes and sampling variances with metafor's escalc()
 * definitions and defaults (metafor 3.8-1; Viechtbauer 2010), including its
 * continuity correction (add, to, drop00) and its recoding of +-Inf to NA.
 * Sources per measure: Borenstein et al. (2009) ch. 4-6 for the two-group
 * measures, Hedges (1981) for SMD, Bonett (2008) for SMDH, Hedges et al.
 * (1999) for ROM, Nakagawa et al. (2015) for CVR/VR, Fisher (1921) for ZCOR,
 * Olkin & Pratt (1958) for UCOR, Freeman & Tukey (1950) for PFT.
 */
#include "synth_int.h"

#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_hyperg.h>

#define W_INF "Some 'yi' and/or 'vi' values equal to +-Inf. Recoded to NAs."

typedef struct ctx {
    const ev_synth_data *d;
    const ev_synth_options *o;
    ev_escalc *es;
    ev_error *err;
    double *w[6]; /* working columns */
    double cv1, cv2, cv; /* n-weighted mean CVs (ROM vtypes AV, AVHO) */
    double ybar;         /* n-weighted mean of yi (vtype AV of SMD, COR, UCOR) */
} ctx;

static ev_status need(ctx *c, const double *col, const char *name)
{
    if (col)
        return EV_OK;
    return ev_error_set(c->err, EV_EINPUT, NULL, 0, 0, "measure %s needs the column '%s'",
                        ev_synth_measure_name(c->o->measure), name);
}

/* Value checks: finite or NaN (NaN = missing, as metafor's NA), and >= lo
 * (> lo when strict). The message names the study row and the column. */
static ev_status check_col(ctx *c, const double *col, const char *name, double lo, bool strict)
{
    for (size_t i = 0; i < c->d->k; i++) {
        double v = col[i];
        if (isnan(v))
            continue;
        if (isinf(v))
            return ev_error_set(c->err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: column '%s' is infinite", i + 1, name);
        if (strict ? !(v > lo) : !(v >= lo))
            return ev_error_set(c->err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: column '%s' is %g, must be %s %g", i + 1, name, v,
                                strict ? ">" : ">=", lo);
    }
    return EV_OK;
}

static ev_status check_le(ctx *c, const double *a, const char *an, const double *b,
                          const char *bn)
{
    for (size_t i = 0; i < c->d->k; i++)
        if (a[i] > b[i])
            return ev_error_set(c->err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: column '%s' (%g) exceeds '%s' (%g)", i + 1, an, a[i],
                                bn, b[i]);
    return EV_OK;
}

/* The correction to add: the caller's value, or metafor's default, which
 * is 0 for the measures whose transforms handle zero cells (escalc sets add
 * to 0 for AS, IRSD, PAS and PFT unless the user gives one). */
static double add_value(const ctx *c)
{
    ev_synth_measure m = c->o->measure;
    if (!isnan(c->o->add))
        return c->o->add;
    return (m == EV_MEASURE_AS || m == EV_MEASURE_IRSD || m == EV_MEASURE_PAS ||
            m == EV_MEASURE_PFT) ? 0.0 : 0.5;
}

/* metafor's continuity correction over `ncell` working columns; `zero`
 * marks the studies with a zero cell. */
static void correct(ctx *c, size_t ncell, const bool *zero, double add)
{
    size_t k = c->d->k;
    bool any = false;
    for (size_t i = 0; i < k; i++)
        any = any || zero[i];
    for (size_t i = 0; i < k; i++) {
        bool doit = c->o->to == EV_TO_ALL || (c->o->to == EV_TO_ONLY0 && zero[i]) ||
                    (c->o->to == EV_TO_IF0ALL && any);
        if (doit)
            for (size_t j = 0; j < ncell; j++)
                c->w[j][i] += add;
    }
}

/* 2x2 tables: w0..w3 = ai, bi, ci, di. */
static ev_status load_tables(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->ai, "ai")) || (st = need(c, d->ci, "ci")))
        return st;
    if (!(d->bi || d->n1i))
        return need(c, NULL, "bi' or 'n1i");
    if (!(d->di || d->n2i))
        return need(c, NULL, "di' or 'n2i");
    if ((st = check_col(c, d->ai, "ai", 0, false)) || (st = check_col(c, d->ci, "ci", 0, false)))
        return st;
    if (d->bi ? (st = check_col(c, d->bi, "bi", 0, false))
              : ((st = check_col(c, d->n1i, "n1i", 0, false)) ||
                 (st = check_le(c, d->ai, "ai", d->n1i, "n1i"))))
        return st;
    if (d->di ? (st = check_col(c, d->di, "di", 0, false))
              : ((st = check_col(c, d->n2i, "n2i", 0, false)) ||
                 (st = check_le(c, d->ci, "ci", d->n2i, "n2i"))))
        return st;
    for (size_t i = 0; i < d->k; i++) {
        c->w[0][i] = d->ai[i];
        c->w[1][i] = d->bi ? d->bi[i] : d->n1i[i] - d->ai[i];
        c->w[2][i] = d->ci[i];
        c->w[3][i] = d->di ? d->di[i] : d->n2i[i] - d->ci[i];
    }
    return EV_OK;
}

/* Sample-size weighted mean proportion of the (corrected) events in column
 * `ev` over group sizes ev + `nev` (metafor's "AV" variances). */
static double mean_prop(const ctx *c, size_t ev, size_t nev)
{
    double x = 0, n = 0;
    for (size_t i = 0; i < c->d->k; i++)
        if (!isnan(c->w[ev][i]) && !isnan(c->w[nev][i]) && !c->es->dropped[i]) {
            x += c->w[ev][i];
            n += c->w[ev][i] + c->w[nev][i];
        }
    return x / n;
}

static ev_status table_one(ctx *c, size_t i, const double pm[2])
{
    double a = c->w[0][i], b = c->w[1][i], cc = c->w[2][i], dd = c->w[3][i];
    double n1 = a + b, n2 = cc + dd, p1 = a / n1, p2 = cc / n2;
    double *yi = &c->es->yi[i], *vi = &c->es->vi[i];
    ev_synth_vtype vt = c->o->vtype;
    if (vt != EV_VTYPE_LS && !(c->o->measure == EV_MEASURE_RD &&
                               (vt == EV_VTYPE_UB || vt == EV_VTYPE_AV)))
        return ev_error_set(c->err, EV_EUSAGE, NULL, 0, 0,
                            "vtype %s is not available for measure %s", ev_synth_vtype_name(vt),
                            ev_synth_measure_name(c->o->measure));
    switch (c->o->measure) {
    case EV_MEASURE_RR:
        *yi = log(p1) - log(p2);
        *vi = 1.0 / a - 1.0 / n1 + 1.0 / cc - 1.0 / n2;
        break;
    case EV_MEASURE_OR:
        *yi = log(a * dd / (b * cc));
        *vi = 1.0 / a + 1.0 / b + 1.0 / cc + 1.0 / dd;
        break;
    case EV_MEASURE_RD:
        *yi = p1 - p2;
        if (vt == EV_VTYPE_UB)
            *vi = p1 * (1 - p1) / (n1 - 1) + p2 * (1 - p2) / (n2 - 1);
        else if (vt == EV_VTYPE_AV)
            *vi = pm[0] * (1 - pm[0]) / n1 + pm[1] * (1 - pm[1]) / n2;
        else
            *vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2;
        break;
    case EV_MEASURE_AS:
        *yi = asin(sqrt(p1)) - asin(sqrt(p2));
        *vi = 1.0 / (4 * n1) + 1.0 / (4 * n2);
        break;
    default: { /* PETO: Yusuf et al. 1985, (O - E) / V */
        double xt = a + cc, yt = b + dd, n = n1 + n2;
        double e = xt * n1 / n;
        double v = xt * yt * (n1 / n) * (n2 / n) / (n - 1);
        *yi = (a - e) / v;
        *vi = 1.0 / v;
    }
    }
    return EV_OK;
}

static ev_status do_tables(ctx *c)
{
    ev_status st = load_tables(c);
    if (st)
        return st;
    size_t k = c->d->k;
    bool *zero = (bool *)c->w[5];
    for (size_t i = 0; i < k; i++) {
        double *w0 = c->w[0], *w1 = c->w[1], *w2 = c->w[2], *w3 = c->w[3];
        if (c->o->drop00 && ((w0[i] == 0 && w2[i] == 0) || (w1[i] == 0 && w3[i] == 0)))
            c->es->dropped[i] = true;
        zero[i] = w0[i] == 0 || w1[i] == 0 || w2[i] == 0 || w3[i] == 0;
    }
    correct(c, 4, zero, add_value(c));
    double pm[2] = {mean_prop(c, 0, 1), mean_prop(c, 2, 3)};
    for (size_t i = 0; st == EV_OK && i < k; i++)
        st = table_one(c, i, pm);
    return st;
}

/* Person-time: w0..w3 = x1i, t1i, x2i, t2i; the correction goes to the
 * event counts only. */
static ev_status do_rates(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->x1i, "x1i")) || (st = need(c, d->t1i, "t1i")) ||
        (st = need(c, d->x2i, "x2i")) || (st = need(c, d->t2i, "t2i")))
        return st;
    if ((st = check_col(c, d->x1i, "x1i", 0, false)) || (st = check_col(c, d->x2i, "x2i", 0, false)) ||
        (st = check_col(c, d->t1i, "t1i", 0, true)) || (st = check_col(c, d->t2i, "t2i", 0, true)))
        return st;
    size_t k = d->k;
    bool *zero = (bool *)c->w[5];
    for (size_t i = 0; i < k; i++) {
        c->w[0][i] = d->x1i[i];
        c->w[1][i] = d->x2i[i];
        if (c->o->drop00 && d->x1i[i] == 0 && d->x2i[i] == 0)
            c->es->dropped[i] = true;
        zero[i] = d->x1i[i] == 0 || d->x2i[i] == 0;
    }
    correct(c, 2, zero, add_value(c));
    for (size_t i = 0; i < k; i++) {
        double x1 = c->w[0][i], x2 = c->w[1][i], t1 = d->t1i[i], t2 = d->t2i[i];
        double *yi = &c->es->yi[i], *vi = &c->es->vi[i];
        if (c->o->measure == EV_MEASURE_IRR) {
            *yi = log(x1 / t1) - log(x2 / t2);
            *vi = 1.0 / x1 + 1.0 / x2;
        } else if (c->o->measure == EV_MEASURE_IRD) {
            *yi = x1 / t1 - x2 / t2;
            *vi = x1 / (t1 * t1) + x2 / (t2 * t2);
        } else {
            *yi = sqrt(x1 / t1) - sqrt(x2 / t2);
            *vi = 1.0 / (4 * t1) + 1.0 / (4 * t2);
        }
    }
    return EV_OK;
}

/* Hedges' exact bias correction c(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)). */
static double cmi(double m)
{
    if (!(m > 1))
        return NAN;
    return exp(gsl_sf_lngamma(m / 2) - 0.5 * log(m / 2) - gsl_sf_lngamma((m - 1) / 2));
}

static ev_status means_check(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->m1i, "m1i")) || (st = need(c, d->sd1i, "sd1i")) ||
        (st = need(c, d->n1i, "n1i")) || (st = need(c, d->m2i, "m2i")) ||
        (st = need(c, d->sd2i, "sd2i")) || (st = need(c, d->n2i, "n2i")))
        return st;
    /* A zero SD or a group of one makes every variance formula degenerate:
     * treat both as data errors rather than silently dropping the study. */
    if ((st = check_col(c, d->sd1i, "sd1i", 0, true)) ||
        (st = check_col(c, d->sd2i, "sd2i", 0, true)) ||
        (st = check_col(c, d->n1i, "n1i", 2, false)) || (st = check_col(c, d->n2i, "n2i", 2, false)))
        return st;
    for (size_t i = 0; i < d->k; i++)
        if (!isinf(d->m1i[i]) && !isinf(d->m2i[i]))
            continue;
        else
            return ev_error_set(c->err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: column '%s' is infinite", i + 1,
                                isinf(d->m1i[i]) ? "m1i" : "m2i");
    return EV_OK;
}

static ev_status vtype_bad(ctx *c)
{
    return ev_error_set(c->err, EV_EUSAGE, NULL, 0, 0, "vtype %s is not available for measure %s",
                        ev_synth_vtype_name(c->o->vtype), ev_synth_measure_name(c->o->measure));
}

static ev_status means_one(ctx *c, size_t i)
{
    const ev_synth_data *d = c->d;
    double m1 = d->m1i[i], s1 = d->sd1i[i], n1 = d->n1i[i];
    double m2 = d->m2i[i], s2 = d->sd2i[i], n2 = d->n2i[i];
    double *yi = &c->es->yi[i], *vi = &c->es->vi[i];
    double mi = n1 + n2 - 2;
    double sp2 = ((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / mi;
    ev_synth_vtype vt = c->o->vtype;
    switch (c->o->measure) {
    case EV_MEASURE_MD:
        *yi = m1 - m2;
        if (vt == EV_VTYPE_LS || vt == EV_VTYPE_UB)
            *vi = s1 * s1 / n1 + s2 * s2 / n2;
        else if (vt == EV_VTYPE_HO)
            *vi = sp2 * (1 / n1 + 1 / n2);
        else
            return vtype_bad(c);
        break;
    case EV_MEASURE_SMD: {
        double cm = cmi(mi), di = (m1 - m2) / sqrt(sp2);
        *yi = cm * di;
        if (vt == EV_VTYPE_LS)
            *vi = 1 / n1 + 1 / n2 + *yi * *yi / (2 * (n1 + n2));
        else if (vt == EV_VTYPE_LS2)
            *vi = cm * cm * (1 / n1 + 1 / n2 + di * di / (2 * (n1 + n2)));
        else if (vt == EV_VTYPE_UB)
            *vi = 1 / n1 + 1 / n2 + (1 - (mi - 2) / (mi * cm * cm)) * *yi * *yi;
        else if (vt == EV_VTYPE_AV)
            *vi = 1 / n1 + 1 / n2 + c->ybar * c->ybar / (2 * (n1 + n2));
        else
            return vtype_bad(c);
        break;
    }
    case EV_MEASURE_SMDH: { /* Bonett 2008 */
        double sq = (s1 * s1 + s2 * s2) / 2, cm = cmi(mi);
        *yi = cm * (m1 - m2) / sqrt(sq);
        *vi = cm * cm *
              (*yi * *yi * (pow(s1, 4) / (n1 - 1) + pow(s2, 4) / (n2 - 1)) / (8 * sq * sq) +
               (s1 * s1 / (n1 - 1) + s2 * s2 / (n2 - 1)) / sq);
        if (vt != EV_VTYPE_LS)
            return vtype_bad(c);
        break;
    }
    case EV_MEASURE_ROM:
        *yi = log(m1 / m2);
        if (vt == EV_VTYPE_LS)
            *vi = s1 * s1 / (n1 * m1 * m1) + s2 * s2 / (n2 * m2 * m2);
        else if (vt == EV_VTYPE_HO)
            *vi = sp2 / (n1 * m1 * m1) + sp2 / (n2 * m2 * m2);
        else if (vt == EV_VTYPE_AV)
            *vi = c->cv1 * c->cv1 / n1 + c->cv2 * c->cv2 / n2;
        else if (vt == EV_VTYPE_AVHO)
            *vi = c->cv * c->cv * (1 / n1 + 1 / n2);
        else
            return vtype_bad(c);
        break;
    case EV_MEASURE_CVR:
        *yi = log(s1 / m1) + 1 / (2 * (n1 - 1)) - log(s2 / m2) - 1 / (2 * (n2 - 1));
        *vi = 1 / (2 * (n1 - 1)) + s1 * s1 / (n1 * m1 * m1) + 1 / (2 * (n2 - 1)) +
              s2 * s2 / (n2 * m2 * m2);
        break;
    default: /* VR */
        *yi = log(s1 / s2) + 1 / (2 * (n1 - 1)) - 1 / (2 * (n2 - 1));
        *vi = 1 / (2 * (n1 - 1)) + 1 / (2 * (n2 - 1));
    }
    return EV_OK;
}

/* Sample-size weighted mean coefficients of variation over all studies,
 * per group and pooled (metafor's ROM vtypes "AV" and "AVHO"). */
static void mean_cvs(ctx *c)
{
    const ev_synth_data *d = c->d;
    double a1 = 0, a2 = 0, w1 = 0, w2 = 0;
    for (size_t i = 0; i < d->k; i++) {
        double cv1 = d->sd1i[i] / d->m1i[i], cv2 = d->sd2i[i] / d->m2i[i];
        if (!isnan(cv1) && !isnan(d->n1i[i])) {
            a1 += d->n1i[i] * cv1;
            w1 += d->n1i[i];
        }
        if (!isnan(cv2) && !isnan(d->n2i[i])) {
            a2 += d->n2i[i] * cv2;
            w2 += d->n2i[i];
        }
    }
    c->cv1 = a1 / w1;
    c->cv2 = a2 / w2;
    c->cv = (a1 + a2) / (w1 + w2);
}

/* n-weighted mean of the bias-corrected SMDs (metafor's SMD vtype "AV"). */
static void mean_smd(ctx *c)
{
    const ev_synth_data *d = c->d;
    double s = 0, w = 0;
    for (size_t i = 0; i < d->k; i++) {
        double n1 = d->n1i[i], n2 = d->n2i[i], mi = n1 + n2 - 2;
        double sp = sqrt(((n1 - 1) * d->sd1i[i] * d->sd1i[i] +
                          (n2 - 1) * d->sd2i[i] * d->sd2i[i]) / mi);
        double y = cmi(mi) * (d->m1i[i] - d->m2i[i]) / sp;
        if (!isnan(y)) {
            s += (n1 + n2) * y;
            w += n1 + n2;
        }
    }
    c->ybar = s / w;
}

static ev_status do_means(ctx *c)
{
    ev_status st = means_check(c);
    if (st == EV_OK) {
        mean_cvs(c);
        mean_smd(c);
    }
    for (size_t i = 0; st == EV_OK && i < c->d->k; i++)
        st = means_one(c, i);
    return st;
}

/* Single proportions: w0 = xi, w1 = ni - xi. */
static ev_status do_props(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->xi, "xi")) || (st = need(c, d->ni, "ni")) ||
        (st = check_col(c, d->xi, "xi", 0, false)) || (st = check_col(c, d->ni, "ni", 0, true)) ||
        (st = check_le(c, d->xi, "xi", d->ni, "ni")))
        return st;
    size_t k = d->k;
    bool *zero = (bool *)c->w[5];
    for (size_t i = 0; i < k; i++) {
        c->w[0][i] = d->xi[i];
        c->w[1][i] = d->ni[i] - d->xi[i];
        zero[i] = c->w[0][i] == 0 || c->w[1][i] == 0;
    }
    ev_synth_measure m = c->o->measure;
    ev_synth_vtype vt = c->o->vtype;
    bool av = vt == EV_VTYPE_AV, ub = vt == EV_VTYPE_UB;
    if (!(vt == EV_VTYPE_LS || (av && m != EV_MEASURE_PAS && m != EV_MEASURE_PFT) ||
          (ub && m == EV_MEASURE_PR)))
        return vtype_bad(c);
    correct(c, 2, zero, add_value(c));
    double pm = mean_prop(c, 0, 1);
    for (size_t i = 0; i < k; i++) {
        double x = c->w[0][i], n = c->w[0][i] + c->w[1][i], p = x / n;
        double *yi = &c->es->yi[i], *vi = &c->es->vi[i];
        switch (m) {
        case EV_MEASURE_PR:
            *yi = p;
            *vi = av ? pm * (1 - pm) / n : p * (1 - p) / (ub ? n - 1 : n);
            break;
        case EV_MEASURE_PLN:
            *yi = log(p);
            *vi = av ? 1 / (pm * n) - 1 / n : 1 / x - 1 / n;
            break;
        case EV_MEASURE_PLO:
            *yi = log(p / (1 - p));
            *vi = av ? 1 / (pm * n) + 1 / ((1 - pm) * n) : 1 / x + 1 / (n - x);
            break;
        case EV_MEASURE_PAS: *yi = asin(sqrt(p)); *vi = 1 / (4 * n); break;
        default:
            *yi = 0.5 * (asin(sqrt(x / (n + 1))) + asin(sqrt((x + 1) / (n + 1))));
            *vi = 1 / (4 * n + 2);
        }
    }
    return EV_OK;
}

#define W_UCOR4 "Cannot compute the bias-corrected correlation coefficient when ni <= 4."

static ev_status cors_check(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->ri, "ri")) || (st = need(c, d->ni, "ni")) ||
        (st = check_col(c, d->ni, "ni", 0, true)) || (st = check_col(c, d->ri, "ri", -1, false)))
        return st;
    for (size_t i = 0; i < d->k; i++)
        if (d->ri[i] > 1)
            return ev_error_set(c->err, EV_EINPUT, NULL, i + 1, 0,
                                "study %zu: column 'ri' is %g, must be <= 1", i + 1, d->ri[i]);
    ev_synth_vtype vt = c->o->vtype;
    ev_synth_measure m = c->o->measure;
    if (!(vt == EV_VTYPE_LS || (vt == EV_VTYPE_AV && m != EV_MEASURE_ZCOR) ||
          (vt == EV_VTYPE_UB && m == EV_MEASURE_UCOR)))
        return vtype_bad(c);
    return EV_OK;
}

/* COR, UCOR (Olkin & Pratt 1958) and ZCOR (Fisher 1921). As metafor 3.8,
 * UCOR is NA (with a warning) when ni <= 4; its "AV" variance, computed from
 * the mean of the other studies, is still given. */
static ev_status do_cors(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st = cors_check(c);
    if (st)
        return st;
    ev_synth_measure m = c->o->measure;
    double sw = 0, swy = 0;
    bool small = false;
    for (size_t i = 0; i < d->k; i++) {
        double r = d->ri[i], n = d->ni[i];
        double *yi = &c->es->yi[i];
        if (m == EV_MEASURE_COR)
            *yi = r;
        else if (m == EV_MEASURE_UCOR)
            *yi = n > 4 ? r * gsl_sf_hyperg_2F1(0.5, 0.5, (n - 2) / 2, 1 - r * r) : NAN;
        else
            *yi = atanh(r);
        if (!isnan(*yi) && !isnan(n)) {
            sw += n;
            swy += n * *yi;
        }
        small = small || n <= 4;
    }
    double ybar = swy / sw;
    for (size_t i = 0; i < d->k; i++) {
        double r = d->ri[i], n = d->ni[i], y = c->es->yi[i], yv = y;
        double *vi = &c->es->vi[i];
        if (c->o->vtype == EV_VTYPE_AV)
            yv = ybar;
        if (m == EV_MEASURE_ZCOR)
            *vi = 1 / (n - 3);
        else if (c->o->vtype == EV_VTYPE_UB)
            *vi = y * y - (1 - (n - 3) / (n - 2) * (1 - r * r) *
                                   gsl_sf_hyperg_2F1(1, 1, n / 2, 1 - r * r));
        else
            *vi = (1 - yv * yv) * (1 - yv * yv) / (n - 1);
    }
    if (small && m == EV_MEASURE_UCOR &&
        ev__warn_add(&c->es->warnings, &c->es->n_warnings, W_UCOR4) != EV_OK)
        return ev_error_set(c->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return EV_OK;
}

/* Change scores (single group, pre/post): MC and SMCC (Gibbons et al. 1993). */
static ev_status do_change(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->m1i, "m1i")) || (st = need(c, d->m2i, "m2i")) ||
        (st = need(c, d->sd1i, "sd1i")) || (st = need(c, d->sd2i, "sd2i")) ||
        (st = need(c, d->ni, "ni")) || (st = need(c, d->ri, "ri")) ||
        (st = check_col(c, d->sd1i, "sd1i", 0, true)) ||
        (st = check_col(c, d->sd2i, "sd2i", 0, true)) || (st = check_col(c, d->ni, "ni", 2, false)) ||
        (st = check_col(c, d->ri, "ri", -1, false)))
        return st;
    for (size_t i = 0; i < d->k; i++) {
        double s1 = d->sd1i[i], s2 = d->sd2i[i], n = d->ni[i], r = d->ri[i];
        double sd2 = s1 * s1 + s2 * s2 - 2 * r * s1 * s2;
        if (c->o->measure == EV_MEASURE_MC) {
            c->es->yi[i] = d->m1i[i] - d->m2i[i];
            c->es->vi[i] = sd2 / n;
        } else {
            double cm = cmi(n - 1);
            c->es->yi[i] = cm * (d->m1i[i] - d->m2i[i]) / sqrt(sd2);
            c->es->vi[i] = 1 / n + c->es->yi[i] * c->es->yi[i] / (2 * n);
        }
    }
    return EV_OK;
}

static ev_status do_gen(ctx *c)
{
    const ev_synth_data *d = c->d;
    ev_status st;
    if ((st = need(c, d->yi, "yi")))
        return st;
    if (!d->vi && !d->sei)
        return need(c, NULL, "vi' or 'sei");
    const double *v = d->vi ? d->vi : d->sei;
    if ((st = check_col(c, v, d->vi ? "vi" : "sei", 0, false)))
        return st;
    for (size_t i = 0; i < d->k; i++) {
        c->es->yi[i] = d->yi[i];
        c->es->vi[i] = d->vi ? v[i] : v[i] * v[i];
    }
    return EV_OK;
}

static ev_status dispatch(ctx *c)
{
    switch (c->o->measure) {
    case EV_MEASURE_GEN: return do_gen(c);
    case EV_MEASURE_RR: case EV_MEASURE_OR: case EV_MEASURE_RD: case EV_MEASURE_AS:
    case EV_MEASURE_PETO: return do_tables(c);
    case EV_MEASURE_IRR: case EV_MEASURE_IRD: case EV_MEASURE_IRSD: return do_rates(c);
    case EV_MEASURE_MD: case EV_MEASURE_SMD: case EV_MEASURE_SMDH: case EV_MEASURE_ROM:
    case EV_MEASURE_CVR: case EV_MEASURE_VR: return do_means(c);
    case EV_MEASURE_PR: case EV_MEASURE_PLN: case EV_MEASURE_PLO: case EV_MEASURE_PAS:
    case EV_MEASURE_PFT: return do_props(c);
    case EV_MEASURE_COR: case EV_MEASURE_UCOR: case EV_MEASURE_ZCOR: return do_cors(c);
    case EV_MEASURE_MC: case EV_MEASURE_SMCC: return do_change(c);
    default: break;
    }
    return ev_error_set(c->err, EV_EUSAGE, NULL, 0, 0, "unknown measure");
}

/* NA bookkeeping after the formulas, as metafor: dropped studies become NA
 * silently; +-Inf in yi or vi makes both NA, with metafor's warning; a NaN
 * stays where it is (yi and vi are NA independently). */
static ev_status finish(ctx *c)
{
    bool inf = false;
    for (size_t i = 0; i < c->d->k; i++) {
        double *y = &c->es->yi[i], *v = &c->es->vi[i];
        if (c->es->dropped[i]) {
            *y = *v = NAN;
        } else if (isinf(*y) || isinf(*v)) {
            *y = *v = NAN;
            inf = true;
        }
    }
    if (inf && ev__warn_add(&c->es->warnings, &c->es->n_warnings, W_INF) != EV_OK)
        return ev_error_set(c->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return EV_OK;
}

static ev_escalc *escalc_alloc(size_t k, ev_synth_measure m)
{
    ev_escalc *es = ev_calloc(1, sizeof *es);
    if (!es)
        return NULL;
    es->k = k;
    es->measure = m;
    es->yi = ev_calloc(k, sizeof(double));
    es->vi = ev_calloc(k, sizeof(double));
    es->dropped = ev_calloc(k, sizeof(bool));
    if (!es->yi || !es->vi || !es->dropped) {
        ev_escalc_free(es);
        return NULL;
    }
    return es;
}

ev_status ev_escalc_compute(ev_escalc **out, const ev_synth_data *data,
                            const ev_synth_options *opt, ev_error *err)
{
    *out = NULL;
    if (!data || data->k == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "no studies to compute effect sizes for");
    ctx c = {data, opt, escalc_alloc(data->k, opt->measure), err, {0}, 0, 0, 0, 0};
    ev_status st = c.es ? EV_OK : EV_ENOMEM;
    for (size_t j = 0; st == EV_OK && j < 6; j++)
        if (!(c.w[j] = ev_calloc(data->k, sizeof(double))))
            st = EV_ENOMEM;
    if (st == EV_ENOMEM)
        ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EV_OK)
        st = dispatch(&c);
    if (st == EV_OK)
        st = finish(&c);
    for (size_t j = 0; j < 6; j++)
        ev_free(c.w[j]);
    if (st != EV_OK) {
        ev_escalc_free(c.es);
        return st;
    }
    *out = c.es;
    return EV_OK;
}

void ev_escalc_free(ev_escalc *es)
{
    if (!es)
        return;
    ev_free(es->yi);
    ev_free(es->vi);
    ev_free(es->dropped);
    ev__warn_free(es->warnings, es->n_warnings);
    ev_free(es);
}
