/*
 * permtest.c - permutation tests for rma fits, with metafor's
 * permutest.rma.uni semantics (Higgins & Thompson 2004; Viechtbauer, Lopez-
 * Lopez, Sanchez-Meca & Marin-Martinez 2015): for a meta-regression the rows
 * of the design matrix are permuted against (yi, vi); for an intercept-only
 * model the signs of yi are flipped (all 2^k flips when that is no more than
 * the requested iterations, as metafor's exact test). The first permutation
 * is the observed data; refits that fail are redrawn.
 *
 * Random numbers: xoshiro256** (Blackman & Vigna 2018) seeded through
 * splitmix64, integers in [0, n) by rejection (no modulo bias), so a seed
 * gives the same permutations on every platform.
 */
#include "evident/ev_synth.h"

#include <float.h>

typedef struct xoshiro {
    uint64_t s[4];
} xoshiro;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void xo_seed(xoshiro *r, uint64_t seed)
{
    for (size_t i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xo_next(xoshiro *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, n), n > 0, by rejection of the biased tail. */
static uint64_t xo_below(xoshiro *r, uint64_t n)
{
    uint64_t limit = (uint64_t)(-n) % n; /* 2^64 mod n */
    for (;;) {
        uint64_t x = xo_next(r);
        if (x >= limit)
            return x % n;
    }
}

/* ---- the test -------------------------------------------------------------- */

typedef struct perm_ctx {
    const ev_rma *fit;
    size_t k, p;
    double *y, *v, *x;   /* the used studies: yi, vi, design rows (k x p) */
    double *yp, *xp;     /* permuted copies */
    size_t *perm;
    size_t *hits;        /* per coefficient: |stat| at least as extreme */
    size_t qm_hits;
    double tol;
} perm_ctx;

static void ctx_release(perm_ctx *c)
{
    ev_free(c->y);
    ev_free(c->v);
    ev_free(c->x);
    ev_free(c->yp);
    ev_free(c->xp);
    ev_free(c->perm);
    ev_free(c->hits);
}

static ev_status ctx_init(perm_ctx *c, const ev_rma *fit)
{
    size_t k = fit->k, p = fit->p, m = 0;
    c->fit = fit;
    c->k = k;
    c->p = p;
    c->tol = sqrt(DBL_EPSILON); /* metafor's comptol */
    c->y = ev_calloc(k, sizeof(double));
    c->v = ev_calloc(k, sizeof(double));
    c->yp = ev_calloc(k, sizeof(double));
    c->x = ev_calloc(k * p, sizeof(double));
    c->xp = ev_calloc(k * p, sizeof(double));
    c->perm = ev_calloc(k, sizeof(size_t));
    c->hits = ev_calloc(p, sizeof(size_t));
    if (!c->y || !c->v || !c->yp || !c->x || !c->xp || !c->perm || !c->hits)
        return EV_ENOMEM;
    for (size_t i = 0; i < fit->k_all; i++) {
        if (!fit->used[i])
            continue;
        c->y[m] = fit->yi[i];
        c->v[m] = fit->vi[i];
        memcpy(c->x + m * p, fit->x + i * p, p * sizeof(double));
        m++;
    }
    return EV_OK;
}

/* Fit the permuted data; false (no error) when the refit fails. */
static ev_status perm_fit(perm_ctx *c, bool *ok, ev_error *err)
{
    ev_synth_design *X = NULL;
    ev_rma *f = NULL;
    ev_error sub = EV_ERROR_INIT;
    const double *y = c->fit->intercept_only ? c->yp : c->y;
    ev_status st = EV_OK;
    if (!c->fit->intercept_only)
        st = ev_synth_design_from_matrix(&X, c->k, c->p, c->xp,
                                         (const char *const *)c->fit->coef_names, &sub);
    if (st == EV_OK)
        st = ev_rma_fit(&f, y, c->v, c->k, X, &c->fit->opt, &sub);
    ev_synth_design_free(X);
    *ok = st == EV_OK;
    if (st == EV_ENOMEM)
        return ev_error_set(err, st, NULL, 0, 0, "out of memory");
    if (st != EV_OK)
        return EV_OK;
    for (size_t j = 0; j < c->p; j++)
        c->hits[j] += fabs(f->stat[j]) >= fabs(c->fit->stat[j]) - c->tol;
    if (!c->fit->intercept_only)
        c->qm_hits += f->QM >= c->fit->QM - c->tol;
    ev_rma_free(f);
    return EV_OK;
}

/* Draw permutation number i: a random row order (Fisher-Yates) or sign
 * vector, or for the exact sign test the i-th row of metafor's expand.grid
 * (study j flipped when bit j of i is set). */
static void draw(perm_ctx *c, xoshiro *rng, bool exact, size_t i)
{
    if (c->fit->intercept_only) {
        for (size_t j = 0; j < c->k; j++) {
            bool flip = exact ? ((i >> j) & 1u) : (xo_next(rng) >> 63);
            c->yp[j] = flip ? -c->y[j] : c->y[j];
        }
        return;
    }
    for (size_t j = 0; j < c->k; j++)
        c->perm[j] = j;
    for (size_t j = c->k; j > 1; j--) {
        size_t r = (size_t)xo_below(rng, j);
        size_t t = c->perm[j - 1];
        c->perm[j - 1] = c->perm[r];
        c->perm[r] = t;
    }
    for (size_t j = 0; j < c->k; j++)
        memcpy(c->xp + j * c->p, c->x + c->perm[j] * c->p, c->p * sizeof(double));
}

static ev_status observed(perm_ctx *c)
{
    for (size_t j = 0; j < c->p; j++)
        c->hits[j]++;
    c->qm_hits++;
    return EV_OK;
}

static ev_status run_loop(perm_ctx *c, ev_permtest *pt, uint64_t seed, bool exact,
                          ev_progress_fn progress, void *payload, ev_error *err)
{
    xoshiro rng;
    xo_seed(&rng, seed);
    ev_status st = observed(c);
    size_t i = 1, tries = 0;
    while (st == EV_OK && i < pt->iter) {
        bool ok;
        draw(c, &rng, exact, i);
        st = perm_fit(c, &ok, err);
        if (st == EV_OK && !ok) {
            pt->failed++;
            if (exact)
                i++; /* an exact enumeration cannot redraw: the row stays NA */
            if (++tries > 10 * pt->iter)
                st = ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                                  "too many permuted refits failed (%zu)", pt->failed);
            continue;
        }
        i++;
        if (st == EV_OK && progress && (i % 256 == 0 || i == pt->iter) &&
            !progress(i, pt->iter, payload))
            st = ev_error_set(err, EV_ECANCEL, NULL, 0, 0, "permutation test cancelled");
    }
    return st;
}

void ev_permtest_free(ev_permtest *pt)
{
    if (pt == NULL)
        return;
    ev_free(pt->pval);
    ev_free(pt);
}

ev_status ev_permtest_run(ev_permtest **out, const ev_rma *fit, size_t iter, uint64_t seed,
                          ev_progress_fn progress, void *payload, ev_error *err)
{
    *out = NULL;
    if (iter < 2)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "a permutation test needs at least 2 iterations");
    perm_ctx c = {0};
    ev_permtest *pt = ev_calloc(1, sizeof *pt);
    ev_status st = EV_OK;
    if (pt == NULL || (pt->pval = ev_calloc(fit->p, sizeof(double))) == NULL ||
        ctx_init(&c, fit) != EV_OK) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    bool exact = fit->intercept_only && fit->k < 63 && ((uint64_t)1 << fit->k) <= iter;
    pt->p = fit->p;
    pt->iter = exact ? (size_t)1 << fit->k : iter;
    st = run_loop(&c, pt, seed, exact, progress, payload, err);
    if (st != EV_OK)
        goto done;
    double n = (double)(pt->iter - (exact ? pt->failed : 0));
    for (size_t j = 0; j < fit->p; j++)
        pt->pval[j] = fmin(1.0, (double)c.hits[j] / n);
    pt->QMp = fit->intercept_only ? NAN : (double)c.qm_hits / n;
done:
    ctx_release(&c);
    if (st != EV_OK) {
        ev_permtest_free(pt);
        return st;
    }
    *out = pt;
    return EV_OK;
}
