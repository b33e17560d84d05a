/*
 * permtest.c - permutation tests for rma fits, with metafor's
 * permutest.rma.uni semantics (Higgins & Thompson 2004; Viechtbauer, Lopez-
 * Lopez, Sanchez-Meca & Marin-Martinez 2015): for a meta-regression the rows
 * of the design matrix are permuted against (yi, vi); for an intercept-only
 * model the signs of yi are flipped (all 2^k flips when that is no more than
 * the requested iterations, as metafor's exact test). The first permutation
 * is the observed data; refits that fail are redrawn.
 *
 * Random numbers: the library's ev_rng (xoshiro256** seeded through
 * splitmix64, integers in [0, n) without modulo bias), so a seed gives the
 * same permutations on every platform. Or, on request, R's own
 * stream: Mersenne-Twister as set.seed() initialises it and sample() with
 * R >= 3.6's rejection sampling, applied to the design rows sorted as
 * metafor sorts them, so `set.seed(S); permutest(fit, iter = N)` in R and
 * EV_PERM_RNG_R with seed S draw the very same permutations.
 */
#include "evident/ev_synth.h"

#include <float.h>


/* ---- R's Mersenne-Twister, set.seed() and sample() ---------------------------- */

/* Matsumoto & Nishimura 1998 as in R's src/main/RNG.c (MT_genrand). */
typedef struct rmt {
    uint32_t mt[624];
    int mti;
} rmt;

/* set.seed(seed): 50 rounds of the LCG scramble, then the 625 seed words
 * (the first, the position, is reset to 624 by FixupSeeds). */
static void rmt_seed(rmt *r, uint32_t seed)
{
    for (int j = 0; j < 50; j++)
        seed = 69069u * seed + 1u;
    seed = 69069u * seed + 1u;
    for (int j = 0; j < 624; j++) {
        seed = 69069u * seed + 1u;
        r->mt[j] = seed;
    }
    r->mti = 624;
}

static void rmt_refill(rmt *r)
{
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    uint32_t *mt = r->mt, y;
    int kk;
    for (kk = 0; kk < 624 - 397; kk++) {
        y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
        mt[kk] = mt[kk + 397] ^ (y >> 1) ^ mag01[y & 1u];
    }
    for (; kk < 623; kk++) {
        y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
        mt[kk] = mt[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1u];
    }
    y = (mt[623] & 0x80000000u) | (mt[0] & 0x7fffffffu);
    mt[623] = mt[396] ^ (y >> 1) ^ mag01[y & 1u];
    r->mti = 0;
}

/* unif_rand(): MT_genrand() through R's fixup() (never 0 or 1). */
static double rmt_unif(rmt *r)
{
    if (r->mti >= 624)
        rmt_refill(r);
    uint32_t y = r->mt[r->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    double x = (double)y * 2.3283064365386963e-10;
    const double i2_32m1 = 2.328306437080797e-10;
    if (x <= 0.0)
        return 0.5 * i2_32m1;
    if (1.0 - x <= 0.0)
        return 1.0 - 0.5 * i2_32m1;
    return x;
}

/* R_unif_index(n) with sample.kind "Rejection": rbits() of ceil(log2 n)
 * bits, 16 at a time, until below n. */
static size_t rmt_index(rmt *r, size_t n)
{
    int bits = (int)ceil(log2((double)n));
    for (;;) {
        int64_t v = 0;
        for (int b = 0; b <= bits; b += 16)
            v = 65536 * v + (int64_t)floor(rmt_unif(r) * 65536);
        double dv = (double)(v & (((int64_t)1 << bits) - 1));
        if ((double)n > dv)
            return (size_t)dv;
    }
}

/* One generator of either kind. */
typedef struct perm_rng {
    ev_permtest_rng kind;
    ev_rng xo;
    rmt r;
} perm_rng;

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
    c->perm = ev_calloc(2 * k, sizeof(size_t));
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

/* A random permutation of 0..k-1: Fisher-Yates on xoshiro, or R's
 * sample(k) (do_sample: pick from the remaining, move the last in). */
static void random_perm(size_t *perm, size_t k, perm_rng *g)
{
    if (g->kind == EV_PERM_RNG_R) {
        size_t *x = perm + k; /* scratch: the second half of the buffer */
        for (size_t i = 0; i < k; i++)
            x[i] = i;
        for (size_t i = 0, n = k; i < k; i++) {
            size_t j = rmt_index(&g->r, n);
            perm[i] = x[j];
            x[j] = x[--n];
        }
        return;
    }
    for (size_t j = 0; j < k; j++)
        perm[j] = j;
    for (size_t j = k; j > 1; j--) {
        size_t r = (size_t)ev_rng_below(&g->xo, j);
        size_t t = perm[j - 1];
        perm[j - 1] = perm[r];
        perm[r] = t;
    }
}

static bool random_flip(perm_rng *g)
{
    if (g->kind == EV_PERM_RNG_R) /* sample(c(-1, 1), k, replace = TRUE) */
        return rmt_index(&g->r, 2) == 0;
    return ev_rng_next(&g->xo) >> 63;
}

/* Draw permutation number i: a random row order or sign vector, or for the
 * exact sign test the i-th row of metafor's expand.grid (study j flipped
 * when bit j of i is set). */
static void draw(perm_ctx *c, perm_rng *g, bool exact, size_t i)
{
    if (c->fit->intercept_only) {
        for (size_t j = 0; j < c->k; j++) {
            bool flip = exact ? ((i >> j) & 1u) : random_flip(g);
            c->yp[j] = flip ? -c->y[j] : c->y[j];
        }
        return;
    }
    random_perm(c->perm, c->k, g);
    for (size_t j = 0; j < c->k; j++)
        memcpy(c->xp + j * c->p, c->x + c->perm[j] * c->p, c->p * sizeof(double));
}

/* Lexicographic comparison of two design rows. */
static int memcmp_rows(const double *a, const double *b, size_t p)
{
    for (size_t j = 0; j < p; j++)
        if (a[j] != b[j])
            return a[j] < b[j] ? -1 : 1;
    return 0;
}

/* metafor permutes the rows of X sorted by all its columns (R's order(),
 * ties in input order); the observed fit does not depend on the order.
 * Insertion sort: stable and in place. */
static void sort_rows(perm_ctx *c)
{
    double *row = c->xp;
    for (size_t i = 1; i < c->k; i++) {
        memcpy(row, c->x + i * c->p, c->p * sizeof(double));
        size_t j = i;
        while (j > 0 && memcmp_rows(c->x + (j - 1) * c->p, row, c->p) > 0) {
            memcpy(c->x + j * c->p, c->x + (j - 1) * c->p, c->p * sizeof(double));
            j--;
        }
        memcpy(c->x + j * c->p, row, c->p * sizeof(double));
    }
}

static ev_status observed(perm_ctx *c)
{
    for (size_t j = 0; j < c->p; j++)
        c->hits[j]++;
    c->qm_hits++;
    return EV_OK;
}

static ev_status run_loop(perm_ctx *c, ev_permtest *pt, perm_rng *g, bool exact,
                          ev_progress_fn progress, void *payload, ev_error *err)
{
    ev_status st = observed(c);
    size_t i = 1, tries = 0;
    if (g->kind == EV_PERM_RNG_R && !exact)
        draw(c, g, exact, 0); /* metafor draws row 1 too, then overwrites it */
    while (st == EV_OK && i < pt->iter) {
        bool ok;
        draw(c, g, exact, i);
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
                          ev_permtest_rng rng, ev_progress_fn progress, void *payload,
                          ev_error *err)
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
    perm_rng g = {.kind = rng};
    if (rng == EV_PERM_RNG_R) {
        rmt_seed(&g.r, (uint32_t)seed);
        if (!fit->intercept_only)
            sort_rows(&c);
    } else {
        ev_rng_seed(&g.xo, seed);
    }
    st = run_loop(&c, pt, &g, exact, progress, payload, err);
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
