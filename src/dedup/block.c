/*
 * block.c - candidate pairs without comparing all pairs.
 *
 * Exact blocks on DOI and PMID, then sorted neighbourhoods (Hernández &
 * Stolfo 1995, "The merge/purge problem for large databases", SIGMOD) on
 * four keys: the normalised title (near and truncated titles sort
 * together; a bracketed other-language title is sorted in as well), the
 * title reversed (a typo in the first word), first author +
 * year + first page, and year + volume + first page (titles translated
 * differently). Each record meets its `window` successors under each key,
 * so the work is O(n log n + n * window), whatever the data.
 */
#include "dedup_int.h"

typedef struct key {
    const char *s;
    uint32_t idx;
} key;

static int cmp_key(const void *x, const void *y)
{
    const key *a = x, *b = y;
    int c = strcmp(a->s, b->s);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static ev_status push_pair(ev_dedup *d, const ev_dedup_pair *p)
{
    if (d->n_pairs == d->cap_pairs) {
        size_t cap = d->cap_pairs ? d->cap_pairs * 2 : 256;
        ev_dedup_pair *v = ev_reallocarray(d->pairs, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        d->pairs = v;
        d->cap_pairs = cap;
    }
    d->pairs[d->n_pairs++] = *p;
    return EV_OK;
}

static ev_status consider(ev_dedup *d, uint32_t i, uint32_t j)
{
    if (i == j || (!d->recs[i].is_new && !d->recs[j].is_new))
        return EV_OK;
    size_t a = i < j ? i : j, b = i < j ? j : i;
    ev_dedup_pair p = {.a = a, .b = b};
    ev__dedup_score(&d->cfg, &d->recs[a], &d->recs[b], &p);
    d->candidates++;
    return p.verdict == EV_DEDUP_DIFFERENT ? EV_OK : push_pair(d, &p);
}

/* Sorted neighbourhood over keys[0..n): each key meets its `window`
 * successors; with `exact`, only successors with an equal key. */
static ev_status neighbourhood(ev_dedup *d, key *keys, size_t n, bool exact)
{
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n && j <= i + d->cfg.window; j++) {
            if (exact && strcmp(keys[i].s, keys[j].s) != 0)
                break;
            ev_status st = consider(d, keys[i].idx, keys[j].idx);
            if (st != EV_OK)
                return st;
        }
    }
    return EV_OK;
}

static char *reversed(ev_arena *a, const char *s, size_t n)
{
    char *r = ev_arena_alloc(a, n + 1);
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        r[i] = s[n - 1 - i];
    return r;
}

/* Build key `which` for record i into *out (NULL when the record has no
 * such key). Keys live in the scratch arena. */
static ev_status make_key(ev_arena *a, const ev__dd_rec *r, int which, const char **out)
{
    char tmp[160];
    *out = NULL;
    switch (which) {
    case 0: *out = r->doi; return EV_OK;
    case 1: *out = r->pmid; return EV_OK;
    case 2: *out = r->t.s; return EV_OK;
    case 3:
        if (r->t.s && (*out = reversed(a, r->t.s, r->t.len)) == NULL)
            return EV_ENOMEM;
        return EV_OK;
    case 6: *out = r->alt.s; return EV_OK; /* sorted among the titles */
    case 4:
        if (!r->first_author[1] || !r->year || !r->page)
            return EV_OK;
        snprintf(tmp, sizeof tmp, "%08x|%d|%s", (unsigned)r->first_author[1], r->year, r->page);
        break;
    default:
        if (!r->year || !r->volume || !r->page)
            return EV_OK;
        snprintf(tmp, sizeof tmp, "%d|%s|%s", r->year, r->volume, r->page);
        break;
    }
    *out = ev_arena_strdup(a, tmp);
    return *out ? EV_OK : EV_ENOMEM;
}

static ev_status push_key(ev_arena *a, const ev__dd_rec *r, int which, key *keys, size_t *n,
                          uint32_t idx)
{
    const char *k = NULL;
    ev_status st = make_key(a, r, which, &k);
    if (st == EV_OK && k)
        keys[(*n)++] = (key){k, idx};
    return st;
}

static ev_status one_key(ev_dedup *d, ev_arena *a, key *keys, int which)
{
    size_t n = 0;
    ev_status st = EV_OK;
    for (size_t i = 0; i < d->n && st == EV_OK; i++) {
        st = push_key(a, &d->recs[i], which, keys, &n, (uint32_t)i);
        /* a bracketed other-language title sorts among the titles too */
        if (st == EV_OK && which == 2)
            st = push_key(a, &d->recs[i], 6, keys, &n, (uint32_t)i);
    }
    return st == EV_OK ? neighbourhood(d, keys, n, which < 2) : st;
}

static int cmp_pair(const void *x, const void *y)
{
    const ev_dedup_pair *a = x, *b = y;
    if (a->a != b->a)
        return (a->a > b->a) - (a->a < b->a);
    return (a->b > b->b) - (a->b < b->b);
}

static void unique_pairs(ev_dedup *d)
{
    if (d->n_pairs == 0)
        return;
    qsort(d->pairs, d->n_pairs, sizeof *d->pairs, cmp_pair);
    size_t w = 1;
    for (size_t i = 1; i < d->n_pairs; i++)
        if (cmp_pair(&d->pairs[i], &d->pairs[w - 1]) != 0)
            d->pairs[w++] = d->pairs[i];
    d->n_pairs = w;
}

ev_status ev_dedup_find_pairs(ev_dedup *d, ev_progress_fn progress, void *payload,
                              ev_error *err)
{
    enum { N_KEYS = 6 };
    d->n_pairs = 0;
    d->candidates = 0;
    if (d->n > UINT32_MAX)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "too many records to deduplicate");
    key *keys = d->n ? ev_calloc(d->n, 2 * sizeof *keys) : NULL;
    ev_arena *a = ev_arena_new();
    ev_status st = (d->n && keys == NULL) || a == NULL ? EV_ENOMEM : EV_OK;
    for (int k = 0; k < N_KEYS && st == EV_OK; k++) {
        st = one_key(d, a, keys, k);
        ev_arena_reset(a);
        if (st == EV_OK && progress && !progress((uint64_t)k + 1, N_KEYS, payload))
            st = EV_ECANCEL;
    }
    ev_free(keys);
    ev_arena_free(a);
    if (st == EV_OK)
        unique_pairs(d);
    if (st == EV_ECANCEL)
        return ev_error_set(err, st, NULL, 0, 0, "deduplication cancelled");
    if (st != EV_OK)
        return ev_error_set(err, st, NULL, 0, 0, "out of memory while comparing records");
    return EV_OK;
}
