/*
 * mods.c - the design matrix of a meta-regression, built as R's
 * model.matrix() does for metafor: an intercept, numeric moderators as they
 * are, factors in treatment coding with levels sorted in the C locale (the
 * first is the reference) and columns named "<variable><level>".
 */
#include "synth_int.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted distinct levels of a factor column (borrowed strings). */
static ev_status levels_of(const char ***out, size_t *nout, const char *const *fac, size_t k)
{
    const char **lv = ev_calloc(k ? k : 1, sizeof *lv);
    if (!lv)
        return EV_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        if (fac[i])
            lv[n++] = fac[i];
    qsort(lv, n, sizeof *lv, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(lv[u - 1], lv[i]) != 0)
            lv[u++] = lv[i];
    *out = lv;
    *nout = u;
    return EV_OK;
}

static ev_synth_design *design_alloc(size_t k, size_t p)
{
    ev_synth_design *d = ev_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->k = k;
    d->p = p;
    d->x = ev_calloc(k * p, sizeof(double));
    d->colnames = ev_calloc(p, sizeof(char *));
    d->row_ok = ev_calloc(k, sizeof(bool));
    if (!d->x || !d->colnames || !d->row_ok) {
        ev_synth_design_free(d);
        return NULL;
    }
    for (size_t i = 0; i < k; i++)
        d->row_ok[i] = true;
    return d;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = ev_malloc(n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

/* Fill the columns of one factor term starting at column `col`. */
static ev_status fill_factor(ev_synth_design *d, const ev_synth_term *t, const char **lv,
                             size_t nlv, size_t col)
{
    for (size_t j = 1; j < nlv; j++)
        if (!(d->colnames[col + j - 1] = join(t->name, lv[j])))
            return EV_ENOMEM;
    for (size_t i = 0; i < d->k; i++) {
        if (!t->fac[i]) {
            d->row_ok[i] = false;
            for (size_t j = 1; j < nlv; j++)
                d->x[i * d->p + col + j - 1] = NAN;
            continue;
        }
        for (size_t j = 1; j < nlv; j++)
            d->x[i * d->p + col + j - 1] = strcmp(t->fac[i], lv[j]) == 0 ? 1.0 : 0.0;
    }
    return EV_OK;
}

static ev_status fill_numeric(ev_synth_design *d, const ev_synth_term *t, size_t col)
{
    if (!(d->colnames[col] = ev_strdup(t->name)))
        return EV_ENOMEM;
    for (size_t i = 0; i < d->k; i++) {
        d->x[i * d->p + col] = t->num[i];
        if (!isfinite(t->num[i]))
            d->row_ok[i] = false;
    }
    return EV_OK;
}

static ev_status check_terms(size_t k, const ev_synth_term *terms, size_t nterms, size_t *p,
                             ev_error *err)
{
    *p = 1;
    for (size_t t = 0; t < nterms; t++) {
        const char *name = terms[t].name ? terms[t].name : "?";
        if (!terms[t].name || (!terms[t].num == !terms[t].fac))
            return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                                "moderator '%s' needs exactly one of numeric or factor values",
                                name);
        if (terms[t].num) {
            (*p)++;
            continue;
        }
        const char **lv;
        size_t nlv;
        if (levels_of(&lv, &nlv, terms[t].fac, k) != EV_OK)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        ev_free(lv);
        if (nlv < 2)
            return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                "factor moderator '%s' has fewer than two levels", name);
        *p += nlv - 1;
    }
    return EV_OK;
}

ev_status ev_synth_design_new(ev_synth_design **out, size_t k, const ev_synth_term *terms,
                              size_t nterms, ev_error *err)
{
    *out = NULL;
    size_t p;
    ev_status st = check_terms(k, terms, nterms, &p, err);
    if (st)
        return st;
    ev_synth_design *d = design_alloc(k, p);
    if (!d || !(d->colnames[0] = ev_strdup("intrcpt"))) {
        ev_synth_design_free(d);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < k; i++)
        d->x[i * p] = 1.0;
    size_t col = 1;
    for (size_t t = 0; st == EV_OK && t < nterms; t++) {
        if (terms[t].num) {
            st = fill_numeric(d, &terms[t], col++);
            continue;
        }
        const char **lv = NULL;
        size_t nlv = 0;
        st = levels_of(&lv, &nlv, terms[t].fac, k);
        if (st == EV_OK)
            st = fill_factor(d, &terms[t], lv, nlv, col);
        col += nlv - 1;
        ev_free(lv);
    }
    if (st != EV_OK) {
        ev_synth_design_free(d);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *out = d;
    return EV_OK;
}

ev_status ev_synth_design_from_matrix(ev_synth_design **out, size_t k, size_t p,
                                      const double *x, const char *const *colnames,
                                      ev_error *err)
{
    *out = NULL;
    if (p == 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "a design needs at least one column");
    ev_synth_design *d = design_alloc(k, p);
    if (!d)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    memcpy(d->x, x, k * p * sizeof(double));
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(x[i * p + j]))
                d->row_ok[i] = false;
    for (size_t j = 0; j < p; j++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "X%zu", j + 1);
        if (!(d->colnames[j] = ev_strdup(colnames ? colnames[j] : tmp))) {
            ev_synth_design_free(d);
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    *out = d;
    return EV_OK;
}

void ev_synth_design_free(ev_synth_design *d)
{
    if (!d)
        return;
    if (d->colnames)
        for (size_t j = 0; j < d->p; j++)
            ev_free(d->colnames[j]);
    ev_free(d->colnames);
    ev_free(d->x);
    ev_free(d->row_ok);
    ev_free(d);
}

/* Columns of X (over the rows in `rows`) that are linear combinations of
 * earlier columns, as lm(yi ~ X - 1) reports them: R's dqrdc2 leaves a
 * column out when its norm after orthogonalisation on the columns kept
 * before it falls below 1e-7 of its original norm. Modified Gram-Schmidt
 * gives the same decision. `keep` receives p flags, *nkept their count.
 * With no rows every column is kept (the fit reports the real problem). */
ev_status ev__design_independent(const ev_synth_design *X, const bool *rows, bool *keep,
                                 size_t *nkept)
{
    size_t k = X->k, p = X->p, n = 0, kept = 0;
    for (size_t i = 0; i < k; i++)
        n += rows[i];
    for (size_t j = 0; j < p; j++)
        keep[j] = true;
    *nkept = p;
    if (n == 0)
        return EV_OK;
    double *q = ev_calloc(n * p, sizeof(double)); /* kept orthonormal columns */
    double *v = ev_calloc(n, sizeof(double));
    if (!q || !v) {
        ev_free(q);
        ev_free(v);
        return EV_ENOMEM;
    }
    for (size_t j = 0; j < p; j++) {
        double norm0 = 0.0, norm = 0.0;
        for (size_t i = 0, r = 0; i < k; i++)
            if (rows[i]) {
                v[r] = X->x[i * p + j];
                norm0 += v[r] * v[r];
                r++;
            }
        for (size_t c = 0; c < kept; c++) {
            double dot = 0.0;
            for (size_t r = 0; r < n; r++)
                dot += q[c * n + r] * v[r];
            for (size_t r = 0; r < n; r++)
                v[r] -= dot * q[c * n + r];
        }
        for (size_t r = 0; r < n; r++)
            norm += v[r] * v[r];
        keep[j] = norm0 > 0.0 && sqrt(norm) >= 1e-7 * sqrt(norm0);
        if (!keep[j])
            continue;
        for (size_t r = 0; r < n; r++)
            q[kept * n + r] = v[r] / sqrt(norm);
        kept++;
    }
    ev_free(q);
    ev_free(v);
    *nkept = kept;
    return EV_OK;
}
